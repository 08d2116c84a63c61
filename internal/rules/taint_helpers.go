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

// argsOrKw returns the arguments at positions, and keyword arguments.
func argsOrKw(c *syntax.Call, pos []int, kws ...string) []syntax.Expr {
	var out []syntax.Expr
	for _, i := range pos {
		if i < len(c.Args) {
			out = append(out, c.Args[i])
		}
	}
	for _, kw := range c.Keywords {
		if kw.Arg == nil {
			continue
		}
		for _, k := range kws {
			if kw.Arg.Name == k {
				out = append(out, kw.Value)
			}
		}
	}
	return out
}
