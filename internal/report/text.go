package report

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// TextOptions tune the terminal report.
type TextOptions struct {
	Color bool // ANSI colours (a terminal, and NO_COLOR unset)
	Quiet bool // only findings and the summary line
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
)

var severityColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;35m", finding.High: "\x1b[1;31m", finding.Medium: "\x1b[33m",
	finding.Low: "\x1b[36m", finding.Info: "\x1b[2m",
}

// WriteText writes findings grouped by file, then diagnostics, then a
// summary line with counts by severity. Secrets are redacted, and every
// string from the scanned code or a server is Printable: with or without
// colour, nothing it prints acts on the terminal.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	r.Redact()
	p := Printable
	paint := func(code, s string) string {
		if !o.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	file := ""
	active := r.Active()
	for _, f := range active {
		if group := groupOf(f); group != file {
			if file != "" {
				b.WriteByte('\n')
			}
			file = group
			b.WriteString(paint(ansiBold, p(file)) + "\n")
		}
		where := fmt.Sprintf("%d:%d", f.Location.Line, f.Location.Column)
		if f.Location.File == "" && f.Location.URL != "" {
			where = p(f.Function)
		}
		fmt.Fprintf(&b, "  %s  %s  %s  %s\n", where,
			paint(severityColor[f.Severity], fmt.Sprintf("%-8s", f.Severity)), p(f.RuleID), p(f.Message))
		if !o.Quiet && f.Snippet != "" {
			fmt.Fprintf(&b, "      %s\n", paint(ansiDim, p(f.Snippet)))
		}
		if !o.Quiet && f.Live != nil {
			state := "not confirmed live"
			if f.Live.Confirmed {
				state = "confirmed live"
			}
			fmt.Fprintf(&b, "      %s: %s\n", paint(ansiBold, state), p(f.Live.Message))
		}
		if !o.Quiet && f.HTTP != nil {
			fmt.Fprintf(&b, "      %s %s %s -> %d\n", paint(ansiDim, "request:"), p(f.HTTP.Request.Method), p(f.HTTP.Request.URL), f.HTTP.Response.Status)
			fmt.Fprintf(&b, "      %s %s\n", paint(ansiDim, "reproduce:"), p(f.HTTP.Curl))
		}
		if !o.Quiet {
			for _, st := range f.Evidence {
				fmt.Fprintf(&b, "      %s %s: %s\n", paint(ansiDim, "->"), p(st.Location.String()), p(st.Message))
			}
		}
	}
	if !o.Quiet && len(r.Diagnostics) > 0 {
		if len(active) > 0 {
			b.WriteByte('\n')
		}
		for _, d := range r.Diagnostics {
			if d.Location.File == "" {
				fmt.Fprintf(&b, "%s: %s\n", paint(ansiDim, p(d.Kind)), p(d.Message))
				continue
			}
			fmt.Fprintf(&b, "%s: %s: %s\n", p(d.Location.String()), paint(ansiDim, p(d.Kind)), p(d.Message))
		}
	}
	if len(active) > 0 || len(r.Diagnostics) > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(Summary(r) + "\n")
	if note := SettingsNote(r); note != "" {
		b.WriteString(note + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// groupOf is the heading a finding is listed under: its file, or for a
// live finding the target (scheme, host and port).
func groupOf(f *finding.Finding) string {
	if f.Location.File != "" || f.Location.URL == "" {
		return f.Location.File
	}
	u, err := url.Parse(f.Location.URL)
	if err != nil {
		return f.Location.URL
	}
	return u.Scheme + "://" + u.Host
}

// Summary is the one-line result: counts by severity, suppressed findings,
// files and time.
func Summary(r *Report) string {
	counts := map[finding.Severity]int{}
	suppressed := 0
	for _, f := range r.Findings {
		if f.Suppressed != nil {
			suppressed++
			continue
		}
		counts[f.Severity]++
	}
	total := len(r.Findings) - suppressed
	var parts []string
	for s := finding.Critical; s >= finding.Info; s-- {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	line := fmt.Sprintf("%d findings", total)
	if total == 1 {
		line = "1 finding"
	}
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	if suppressed > 0 {
		line += fmt.Sprintf(", %d suppressed", suppressed)
	}
	if r.Stats.Files == 0 && (r.Stats.Requests > 0 || r.Stats.Queries > 0) {
		var parts []string
		if r.Stats.Requests > 0 {
			parts = append(parts, fmt.Sprintf("%d requests", r.Stats.Requests))
		}
		if r.Stats.Queries > 0 {
			parts = append(parts, fmt.Sprintf("%d DNS queries", r.Stats.Queries))
		}
		line += fmt.Sprintf(" in %s, %.2fs", strings.Join(parts, ", "), r.Stats.Seconds)
	} else {
		line += fmt.Sprintf(" in %d files, %d lines, %.2fs", r.Stats.Files, r.Stats.Lines, r.Stats.Seconds)
	}
	switch n := len(r.Diagnostics); n {
	case 0:
	case 1:
		line += "; 1 diagnostic"
	default:
		line += fmt.Sprintf("; %d diagnostics", n)
	}
	return line
}
