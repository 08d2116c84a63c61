package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// Build information set by the release build (-ldflags -X).
var (
	Commit = "" // the commit built
	Date   = "" // the build time, RFC 3339
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "The version, commit, build date, Go version and platform",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionText())
			return nil
		},
	}
}

// versionText describes the build: what the release set, else what the Go
// toolchain recorded (module version, VCS revision and time).
func versionText() string {
	version, commit, date, modified := Version, Commit, Date, false
	if info, ok := debug.ReadBuildInfo(); ok {
		if version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if commit == "" {
		commit = "unknown"
	} else if modified {
		commit += " (modified)"
	}
	if date == "" {
		date = "unknown"
	}
	return fmt.Sprintf("fastapi-audit %s\ncommit: %s\nbuilt: %s\ngo: %s\nplatform: %s/%s\nrules: %d\n",
		version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH, len(rules.All()))
}
