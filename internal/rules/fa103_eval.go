package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA103", Name: "code-injection", Title: "Dynamic code execution",
		Category: "injection", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{95}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Do not evaluate strings as code; parse data with json or ast.literal_eval, and map names to functions with a dict.",
		// Severity is high for any dynamic code; findings where request data
		// reaches the call are critical, with the path as evidence.
		Doc: Doc{
			What: "Calls to `eval`, `exec` or `compile` whose code argument is not a string literal.",
			Why: "Whatever reaches the argument runs with the service's privileges: reading files and secrets, opening " +
				"shells, moving through the network. A value built from a request, a database row or a file is one " +
				"mistake away from remote code execution.",
			Example: "@app.post(\"/calc\")\ndef calc(body: Formula):\n    return {\"result\": eval(body.expression)}\n",
			Fix:     "Parse instead of evaluating:\n\n```python\nimport ast\nvalue = ast.literal_eval(text)  # literals only\n```\n\nFor formulas, use a small expression parser with an allow-list of operators.",
			References: []string{
				"https://cwe.mitre.org/data/definitions/95.html",
				"https://docs.python.org/3/library/ast.html#ast.literal_eval",
			},
		},
		Check: func(p *Pass) {
			tainted := reportTaintedFirst(p, finding.Critical)
			for _, c := range p.Index.CallsTo("eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile") {
				code := arg(c.Call, 0, "source")
				if code == nil || tainted[c.Call] {
					continue
				}
				if _, literal := code.(*syntax.Constant); literal {
					continue
				}
				// No request data reaches it as far as the analysis sees:
				// worth a look, with low confidence.
				p.Report(c.Module, c.Call, "%s() runs code built from %s", shortQual(c.Callee), exprSummary(c.Module.File, code)).Confidence = finding.LowConfidence
			}
		},
	})
	RegisterSinks("FA103", &taint.Sink{Class: taint.Code, What: "code that is executed", Args: []int{0}, Kwargs: []string{"source"},
		Callees: []string{"eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile"}})
}

// exprSummary is the source of an expression for messages, shortened.
func exprSummary(f *syntax.File, e syntax.Expr) string {
	t := f.Text(e)
	if r := []rune(t); len(r) > 60 {
		t = string(r[:57]) + "..."
	}
	return "`" + t + "`"
}
