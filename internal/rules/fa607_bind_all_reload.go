package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA607", Name: "bind-all-with-reload", Title: "Development server bound to all interfaces",
		Category: "transport", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{605}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Bind development servers to 127.0.0.1; in production run without reload or debug behind a process manager.",
		Doc: Doc{
			What: "`uvicorn.run` (or `uvicorn.Config`) with `host=\"0.0.0.0\"` or `\"::\"` together with `reload=True` or " +
				"`debug=True`.",
			Why: "Reload and debug are development features: the reloader watches and re-imports code, debug serves " +
				"tracebacks. Bound to every interface, the development server is reachable from the network (coffee-shop Wi-Fi, " +
				"the container host), and the combination usually ends up in production through a copied entry point.",
			Example: "uvicorn.run(\"app.main:app\", host=\"0.0.0.0\", reload=True)\n",
			Fix:     "```python\nuvicorn.run(\"app.main:app\", host=\"127.0.0.1\", reload=True)  # development only\n```",
			References: []string{
				"https://www.uvicorn.org/settings/",
				"https://cwe.mitre.org/data/definitions/605.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo("uvicorn.run", "uvicorn.Config", "uvicorn.config.Config") {
				host := keyword(c.Call, "host")
				h, _ := resolveValue(p.Prog, c.Scope, host)
				s, ok := constStr(h)
				if !ok || (s != "0.0.0.0" && s != "::" && s != "") {
					continue
				}
				for _, kw := range []string{"reload", "debug"} {
					if v := keyword(c.Call, kw); isTrue(v) {
						p.Report(c.Module, c.Call, "%s() listens on every interface (host=%q) with %s=True", c.Callee, s, kw)
						break
					}
				}
			}
		},
	})
}
