// Package cli holds fastapi-audit's commands, flags and exit codes.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/fastapi-audit/fastapi-audit/internal/gcpolicy"
	"github.com/spf13/cobra"
)

// Version is the tool's version, set at build time with -ldflags.
var Version = "dev"

// Exit codes, as DESIGN.md section 2 defines them.
const (
	ExitOK       = 0 // finished, nothing at or above --fail-on
	ExitFindings = 1 // finished with findings at or above --fail-on
	ExitUsage    = 2 // bad flag, configuration or rule id
	ExitNoRun    = 3 // could not run: target missing or unreachable
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, args...)}
}

func noRunErrorf(format string, args ...any) error {
	return &exitError{ExitNoRun, fmt.Errorf(format, args...)}
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	gcpolicy.Apply()
	if path := os.Getenv("FASTAPI_AUDIT_CPUPROFILE"); path != "" {
		// For developers: a CPU profile of the run (go tool pprof).
		if f, err := os.Create(path); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() {
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}
	root := &cobra.Command{
		Use:           "fastapi-audit",
		Short:         "Find security problems in FastAPI applications",
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newScanCmd(), newRoutesCmd(), newProbeCmd(), newPostureCmd(), newRulesCmd(), newExplainCmd(), newVersionCmd())
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != ExitFindings {
			fmt.Fprintln(stderr, "fastapi-audit:", ee.err)
		}
		return ee.code
	}
	// Cobra's own errors are about flags and arguments.
	fmt.Fprintln(stderr, "fastapi-audit:", err)
	return ExitUsage
}
