// Package report writes scan results for people and tools: terminal text,
// JSON (schema 1) and SARIF 2.1.0.
package report

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// Schema is the version of the JSON report's shape.
const Schema = 1

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Stats are the totals of a run.
type Stats struct {
	Files   int     `json:"files"`
	Lines   int     `json:"lines"`
	Seconds float64 `json:"seconds"`
	Rules   int     `json:"rules"`
	// Requests is the number of HTTP requests a probe sent.
	Requests int `json:"requests,omitempty"`
	// Queries is the number of DNS queries a posture run made.
	Queries int `json:"queries,omitempty"`
}

// Report is everything a scan produced.
type Report struct {
	Schema      int                   `json:"schema"`
	Tool        Tool                  `json:"tool"`
	Findings    []*finding.Finding    `json:"findings"`
	Routes      []Route               `json:"routes"`
	Diagnostics []*finding.Diagnostic `json:"diagnostics"`
	Stats       Stats                 `json:"stats"`
	// Settings says what settings and suppressions took out of the audit;
	// nil when nothing did.
	Settings *Settings `json:"settings,omitempty"`

	// Rules are the rules that ran, for SARIF's rule metadata.
	Rules []*rules.Rule `json:"-"`
	// Secrets are the secret values of the scanned tree (secrets.Collect):
	// Redact masks them wherever they appear in the report.
	Secrets []string `json:"-"`
	// redacted is set once Redact has run.
	redacted bool
}

// Active returns the findings that are not suppressed.
func (r *Report) Active() []*finding.Finding {
	var out []*finding.Finding
	for _, f := range r.Findings {
		if f.Suppressed == nil {
			out = append(out, f)
		}
	}
	return out
}
