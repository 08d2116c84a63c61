package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// JUnit XML, as CI systems (Jenkins, GitLab, Azure Pipelines) read it: one
// test suite per run, one test case per rule and file. A rule with active
// findings in a file is a failed case listing them; a rule that ran and
// found nothing is one passing case; suppressed findings are skipped cases.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	SysErr   string      `xml:"system-err,omitempty"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes the report as JUnit XML, secrets redacted and text
// Printable (CI systems show it in their consoles).
func WriteJUnit(w io.Writer, r *Report) error {
	p := Printable
	type key struct{ rule, file string }
	active := map[key][]*finding.Finding{}
	suppressed := map[key][]*finding.Finding{}
	ruleHit := map[string]bool{}
	r.Redact()
	for _, f := range r.Findings {
		k := key{f.RuleID, where(f)}
		ruleHit[f.RuleID] = true
		if f.Suppressed != nil {
			suppressed[k] = append(suppressed[k], f)
		} else {
			active[k] = append(active[k], f)
		}
	}
	suite := junitSuite{Name: r.Tool.Name, Time: fmt.Sprintf("%.3f", r.Stats.Seconds)}
	keys := map[key]bool{}
	for k := range active {
		keys[k] = true
	}
	for k := range suppressed {
		keys[k] = true
	}
	sorted := make([]key, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].file != sorted[j].file {
			return sorted[i].file < sorted[j].file
		}
		return sorted[i].rule < sorted[j].rule
	})
	for _, k := range sorted {
		c := junitCase{Name: k.rule + " " + ruleTitle(k.rule), Classname: p(k.file), File: p(fileOnly(k.file)), Time: "0"}
		if fs := active[k]; len(fs) > 0 {
			var b strings.Builder
			worst := finding.Info
			for _, f := range fs {
				worst = max(worst, f.Severity)
				fmt.Fprintf(&b, "%s: %s [%s]\n", p(f.Location.String()), p(f.Message), f.Severity)
				if f.Snippet != "" {
					fmt.Fprintf(&b, "    %s\n", p(f.Snippet))
				}
				if f.HTTP != nil {
					fmt.Fprintf(&b, "    reproduce: %s\n", p(f.HTTP.Curl))
				}
			}
			fmt.Fprintf(&b, "fix: %s\n", p(fs[0].Remediation))
			msg := p(fs[0].Message)
			if len(fs) > 1 {
				msg = fmt.Sprintf("%d findings; first: %s", len(fs), msg)
			}
			c.Failure = &junitFailure{Message: msg, Type: worst.String(), Text: b.String()}
			suite.Failures++
		} else {
			c.Skipped = &junitSkipped{Message: fmt.Sprintf("%d suppressed finding(s)", len(suppressed[k]))}
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, c)
	}
	for _, rule := range r.Rules {
		if !ruleHit[rule.ID] {
			suite.Cases = append(suite.Cases, junitCase{Name: rule.ID + " " + rule.Title, Classname: r.Tool.Name, Time: "0"})
		}
	}
	suite.Tests = len(suite.Cases)
	var diags []string
	for _, d := range r.Diagnostics {
		diags = append(diags, p(diagLine(d)))
	}
	if note := SettingsNote(r); note != "" {
		diags = append(diags, note)
	}
	suite.SysErr = strings.Join(diags, "\n")
	out := junitSuites{Name: r.Tool.Name, Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped,
		Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// where is a finding's file, or for live findings its target URL's path.
func where(f *finding.Finding) string {
	if f.Location.File != "" {
		return f.Location.File
	}
	if f.Function != "" {
		return f.Function
	}
	return f.Location.URL
}

// fileOnly is a case's file attribute: empty for live findings.
func fileOnly(w string) string {
	if strings.Contains(w, " ") || strings.Contains(w, "://") || strings.HasPrefix(w, "dns:") {
		return ""
	}
	return w
}

func diagLine(d *finding.Diagnostic) string {
	if d.Location.File != "" {
		return fmt.Sprintf("%s: %s: %s", d.Location, d.Kind, d.Message)
	}
	return d.Kind + ": " + d.Message
}
