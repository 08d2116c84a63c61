package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// WriteGitHub writes GitHub Actions workflow commands that annotate the
// findings in a pull request: ::error for critical and high, ::warning for
// medium, ::notice for low and info, with the file, line and columns. Live
// findings, which have no file, are annotated without one. Suppressed
// findings are left out; a final line gives the summary. Secrets are
// redacted; strings from the scanned code or a server are Printable, then
// escaped as workflow commands require.
func WriteGitHub(w io.Writer, r *Report) error {
	r.Redact()
	p := Printable
	var b strings.Builder
	for _, f := range r.Active() {
		level := "notice"
		switch {
		case f.Severity >= finding.High:
			level = "error"
		case f.Severity == finding.Medium:
			level = "warning"
		}
		props := []string{"title=" + ghProperty(p(fmt.Sprintf("%s %s (%s)", f.RuleID, f.Title, f.Severity)))}
		if f.Location.File != "" {
			props = append(props, "file="+ghProperty(p(f.Location.File)))
			if f.Location.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Location.Line))
				if f.Location.EndLine > f.Location.Line {
					props = append(props, fmt.Sprintf("endLine=%d", f.Location.EndLine))
				} else if f.Location.Column > 0 {
					props = append(props, fmt.Sprintf("col=%d", f.Location.Column))
					if f.Location.EndColumn > f.Location.Column {
						props = append(props, fmt.Sprintf("endColumn=%d", f.Location.EndColumn))
					}
				}
			}
		}
		msg := p(f.Message)
		if f.Location.File == "" && f.Location.URL != "" {
			msg = p(f.Location.URL) + ": " + msg
		}
		msg += "\nFix: " + p(f.Remediation)
		if f.HTTP != nil {
			msg += "\nReproduce: " + p(f.HTTP.Curl)
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(msg))
	}
	for _, d := range r.Diagnostics {
		props := ""
		if d.Location.File != "" {
			props = " file=" + ghProperty(p(d.Location.File))
			if d.Location.Line > 0 {
				props += fmt.Sprintf(",line=%d", d.Location.Line)
			}
		}
		fmt.Fprintf(&b, "::notice%s::%s\n", props, ghData(p(d.Kind+": "+d.Message)))
	}
	if note := SettingsNote(r); note != "" {
		fmt.Fprintf(&b, "::warning title=fastapi-audit settings::%s\n", ghData(note))
	}
	b.WriteString(ghData(Summary(r)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message as GitHub documents it
// (%, CR, LF); the control characters that remain are Printable's to
// escape beforehand.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value: ghData's escapes
// and ":" and ",", which separate properties.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// ruleTitle is a rule's title, or "" for an unknown id.
func ruleTitle(id string) string {
	if r := rules.Get(id); r != nil {
		return r.Title
	}
	return ""
}
