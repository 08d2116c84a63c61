package cli

import (
	"github.com/spf13/pflag"
)

// reportFlags are the settings scan, probe and posture share: where the
// report goes and in which formats, which rules run, when the exit code
// is 1, and how the terminal output looks.
type reportFlags struct {
	formats   []string
	output    string
	failOn    string
	selectIDs []string
	ignoreIDs []string
	quiet     bool
	noColor   bool
}

// register adds the flags to a command; selectExample shows --select's
// syntax with rule ids the command runs (e.g. "FA1,FA601").
func (r *reportFlags) register(f *pflag.FlagSet, selectExample string) {
	f.StringArrayVar(&r.formats, "format", nil, "report format: text, json, sarif, html, junit or github; FORMAT=FILE writes to a file (repeatable)")
	f.StringVarP(&r.output, "output", "o", "", "write the report to FILE instead of stdout")
	f.StringVar(&r.failOn, "fail-on", "low", "exit 1 when a finding is at or above: critical, high, medium, low, info")
	f.StringSliceVar(&r.selectIDs, "select", nil, "run only these rule ids or prefixes (e.g. "+selectExample+")")
	f.StringSliceVar(&r.ignoreIDs, "ignore", nil, "skip these rule ids or prefixes")
	f.BoolVarP(&r.quiet, "quiet", "q", false, "print only findings and the summary")
	f.BoolVar(&r.noColor, "no-color", false, "no colours in text output (also NO_COLOR)")
}
