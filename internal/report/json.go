package report

import (
	"encoding/json"
	"io"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// WriteJSON writes the report as JSON (schema 1), secrets redacted.
func WriteJSON(w io.Writer, r *Report) error {
	out := *r
	out.Schema = Schema
	if out.Findings == nil {
		out.Findings = []*finding.Finding{}
	}
	if out.Routes == nil {
		out.Routes = []Route{}
	}
	if out.Diagnostics == nil {
		out.Diagnostics = []*finding.Diagnostic{}
	}
	for _, f := range out.Findings {
		f.Redact()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
