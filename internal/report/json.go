package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// WriteJSON writes the report as JSON (schema 1), secrets redacted. The
// output is what json.Encoder with a two-space indent writes for the
// Report, but streamed one finding and one route at a time: a report of a
// large program (a hundred thousand routes) is never held in memory whole.
func WriteJSON(w io.Writer, r *Report) error {
	r.Redact()
	diags := r.Diagnostics
	if diags == nil {
		diags = []*finding.Diagnostic{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	jw := &jsonWriter{w: bw}
	jw.raw("{\n")
	jw.field("schema", Schema, false)
	jw.field("tool", r.Tool, false)
	writeArray(jw, "findings", r.Findings)
	writeArray(jw, "routes", r.Routes)
	jw.field("diagnostics", diags, false)
	if r.Settings.empty() {
		jw.field("stats", r.Stats, true)
	} else {
		jw.field("stats", r.Stats, false)
		jw.field("settings", r.Settings, true)
	}
	jw.raw("}\n")
	if jw.err != nil {
		return jw.err
	}
	return bw.Flush()
}

// jsonWriter writes an indented JSON object field by field, keeping the
// first error.
type jsonWriter struct {
	w   *bufio.Writer
	err error
}

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

// value writes v indented as at the given depth (its first line unindented).
func (j *jsonWriter) value(v any, prefix string) {
	if j.err != nil {
		return
	}
	b, err := json.MarshalIndent(v, prefix, "  ")
	if err != nil {
		j.err = fmt.Errorf("writing JSON report: %w", err)
		return
	}
	_, j.err = j.w.Write(b)
}

// field writes `  "name": value` and the separator after it.
func (j *jsonWriter) field(name string, v any, last bool) {
	j.raw(`  "` + name + `": `)
	j.value(v, "  ")
	j.sep(last, "\n")
}

func (j *jsonWriter) sep(last bool, nl string) {
	if last {
		j.raw(nl)
	} else {
		j.raw("," + nl)
	}
}

// writeArray writes a field holding an array, one element at a time.
func writeArray[T any](j *jsonWriter, name string, items []T) {
	if len(items) == 0 {
		j.raw(`  "` + name + `": [],` + "\n")
		return
	}
	j.raw(`  "` + name + `": [` + "\n")
	for i, it := range items {
		j.raw("    ")
		j.value(it, "    ")
		j.sep(i == len(items)-1, "\n")
	}
	j.raw("  ],\n")
}
