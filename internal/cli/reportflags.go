package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/config"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
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

// output is one requested report.
type output struct {
	format string
	file   string // "" for stdout
}

// parseFormats reads --format and --output into the reports to write.
func parseFormats(o *reportFlags) ([]output, error) {
	if len(o.formats) == 0 {
		o.formats = []string{"text"}
	}
	var outs []output
	stdout := 0
	for _, f := range o.formats {
		name, file, _ := strings.Cut(f, "=")
		switch name {
		case "text", "json", "sarif", "html", "junit", "github":
		default:
			return nil, usageErrorf("unknown --format %q (text, json, sarif, html, junit, github)", name)
		}
		if file == "" {
			file = o.output
		}
		if file == "" {
			stdout++
		}
		outs = append(outs, output{format: name, file: file})
	}
	if stdout > 1 {
		return nil, usageErrorf("several formats would go to stdout: give all but one a file (--format sarif=out.sarif)")
	}
	return outs, nil
}

// parse reads the flags: the reports to write, the --fail-on severity and
// the rule selection (with the settings file's per-file ignores, when
// given), validated. Errors are usage errors.
func (r *reportFlags) parse(perFile map[string][]string) (outs []output, failOn finding.Severity, sel config.Selector, err error) {
	if outs, err = parseFormats(r); err != nil {
		return nil, 0, sel, err
	}
	if failOn, err = finding.ParseSeverity(r.failOn); err != nil {
		return nil, 0, sel, usageErrorf("--fail-on: %v", err)
	}
	sel = config.Selector{Select: r.selectIDs, Ignore: r.ignoreIDs, PerFile: perFile}
	if err := sel.Validate(rules.KnownPrefix); err != nil {
		return nil, 0, sel, usageErrorf("%v", err)
	}
	return outs, failOn, sel, nil
}

// finish writes the reports and returns the exit-1 error when an active
// finding is at or above failOn (and, when counts is not nil, counts).
func (r *reportFlags) finish(cmd *cobra.Command, rep *report.Report, outs []output, failOn finding.Severity, counts func(*finding.Finding) bool) error {
	rep.Redact() // once, before any writer runs
	for _, out := range outs {
		if err := writeReport(cmd, rep, out, r); err != nil {
			return noRunErrorf("%v", err)
		}
	}
	for _, f := range rep.Active() {
		if f.Severity >= failOn && (counts == nil || counts(f)) {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

// writeReport writes one report in its format, to its file or stdout
// (in colour on a terminal, unless --no-color or NO_COLOR).
func writeReport(cmd *cobra.Command, rep *report.Report, out output, o *reportFlags) error {
	var w io.Writer = cmd.OutOrStdout()
	color := false
	if out.file != "" {
		f, err := os.Create(out.file)
		if err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
		defer f.Close()
		w = f
	} else if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		color = !o.noColor && os.Getenv("NO_COLOR") == ""
	}
	switch out.format {
	case "json":
		return report.WriteJSON(w, rep)
	case "sarif":
		return report.WriteSARIF(w, rep)
	case "html":
		return report.WriteHTML(w, rep)
	case "junit":
		return report.WriteJUnit(w, rep)
	case "github":
		return report.WriteGitHub(w, rep)
	}
	return report.WriteText(w, rep, report.TextOptions{Color: color, Quiet: o.quiet})
}
