package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

type scanOptions struct {
	exclude     []string
	jobs        int
	maxFileSize int64
}

func newScanCmd() *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Static audit of FastAPI source and its dependency files",
		Long: `Scan reads the Python files and dependency manifests under each PATH
(default: the current directory) without running them.

Rules arrive with the next milestones; today scan discovers and parses the
files and reports syntax diagnostics and totals.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"."}
			}
			return runScan(cmd, args, o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.exclude, "exclude", nil, "glob of paths to skip (repeatable)")
	f.IntVar(&o.jobs, "jobs", 0, "parallel workers (default: all cores)")
	f.Int64Var(&o.maxFileSize, "max-file-size", source.DefaultMaxFileSize, "skip files larger than this many bytes")
	return cmd
}

func runScan(cmd *cobra.Command, paths []string, o scanOptions) error {
	start := time.Now()
	files, diags, err := source.Discover(paths, source.Options{Exclude: o.exclude, MaxFileSize: o.maxFileSize})
	if err != nil {
		return noRunErrorf("%v", err)
	}
	parsed := source.ParseAll(files, o.jobs, o.maxFileSize)
	out := cmd.OutOrStdout()
	lines, nErr := 0, len(diags)
	for _, d := range diags {
		fmt.Fprintf(out, "%s: diagnostic: %s\n", d.Path, d.Msg)
	}
	for _, p := range parsed {
		lines += p.Syntax.LineCount()
		for _, e := range p.Syntax.Errors {
			fmt.Fprintf(out, "%s:%d:%d: syntax error: %s\n", p.Path, e.Pos.Line, e.Pos.Column, e.Msg)
			nErr++
		}
	}
	counts := map[source.Kind]int{}
	for _, f := range files {
		counts[f.Kind]++
	}
	fmt.Fprintf(out, "scanned %d Python files (%d lines), %d dependency files, %d environment files in %.2fs; %d diagnostics\n",
		counts[source.Python], lines, counts[source.Dependencies], counts[source.Env], time.Since(start).Seconds(), nErr)
	return nil
}
