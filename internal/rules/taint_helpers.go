package rules

import (
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

// describeFlow names the source and the call a flow reaches, for messages:
// "query parameter q reaches a SQL query in session.execute()".
func describeFlow(p *Pass, fl *taint.Flow) string {
	src := fl.Value.Source
	name := src.Name
	fields := 0
	for _, st := range fl.Value.Steps[1:] {
		f, ok := strings.CutPrefix(st.What, "field ")
		if !ok {
			break
		}
		name += "." + f
		fields++
	}
	what := fmt.Sprintf("%s data %s", src.Kind, name)
	switch {
	case fields > 0:
		what = fmt.Sprintf("%s field %s", src.Kind, name)
	case src.Kind == "query" || src.Kind == "path" || src.Kind == "header" || src.Kind == "cookie" || src.Kind == "form" || src.Kind == "body":
		what = fmt.Sprintf("%s parameter %s", src.Kind, name)
	}
	if fl.Call == nil {
		return fmt.Sprintf("%s reaches %s in %s", what, fl.Sink.What, fl.Module.File.Text(fl.Node))
	}
	return fmt.Sprintf("%s reaches %s in %s", what, fl.Sink.What, callText(fl.Module.File, fl.Call))
}

// callText is how a call is written, without its arguments: session.execute().
func callText(f *syntax.File, c *syntax.Call) string {
	t := f.Text(c.Func)
	if r := []rune(t); len(r) > 40 {
		t = "..." + string(r[len(r)-37:])
	}
	return t + "()"
}

// reportFlows reports every flow of the rule with its path.
func reportFlows(p *Pass) []*finding.Finding {
	var out []*finding.Finding
	for _, fl := range p.Flows() {
		out = append(out, p.ReportFlow(fl, "%s", describeFlow(p, fl)))
	}
	return out
}

// reportTaintedFirst reports the rule's taint flows (with their paths) at
// the given severity and high confidence, and returns the calls they cover,
// so that the rule's pattern-level check can skip them.
func reportTaintedFirst(p *Pass, sev finding.Severity) map[*syntax.Call]bool {
	covered := map[*syntax.Call]bool{}
	for _, f := range reportFlows(p) {
		f.Severity = sev
		f.Confidence = finding.HighConfidence
	}
	for _, fl := range p.Flows() {
		if fl.Call != nil {
			covered[fl.Call] = true
		}
	}
	return covered
}
