package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA404", Name: "debug-mode", Title: "Debug mode enabled",
		Category: "exposure", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{489}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Leave debug off in code; if it must be switchable, read it from settings that default to False.",
		Doc: Doc{
			What: "An application created with `debug=True` (FastAPI or Starlette), an app whose `debug` attribute is set to True, " +
				"or a server started with `uvicorn.run(..., debug=True)`, where the value is a constant rather than a setting " +
				"that differs between environments.",
			Why: "In debug mode Starlette answers unhandled exceptions with an HTML page holding the traceback, source lines and " +
				"local variables. Deployed, that hands attackers the code paths, file layout and sometimes secrets of the service, " +
				"and makes every crash an information leak.",
			Example: "app = FastAPI(debug=True)\n",
			Fix:     "Remove the argument, or read it from configuration that defaults to off:\n\n```python\napp = FastAPI(debug=settings.DEBUG)  # DEBUG: bool = False\n```",
			References: []string{
				"https://www.starlette.io/applications/",
				"https://cwe.mitre.org/data/definitions/489.html",
			},
		},
		Check: checkDebugMode,
	})
}

func checkDebugMode(p *Pass) {
	for _, r := range p.Model.Routers {
		if !r.IsApp {
			continue
		}
		if v := r.Settings["debug"]; isTrue(v) {
			p.Report(r.Module, v, "%s is created with debug=True: unhandled errors return tracebacks with source and local variables", shortQual(r.Name))
		} else if v != nil {
			// debug=settings.DEBUG where the settings class defaults it to True.
			if d, _ := fastapi.SettingDefault(p.Prog, r.Scope, v); isTrue(d) {
				p.Report(r.Module, v, "%s is created with debug=%s, which defaults to True: unless the environment overrides it, unhandled errors return tracebacks with source and local variables",
					shortQual(r.Name), r.Module.File.Text(v))
			}
		}
	}
	for _, a := range p.Index.Assigns {
		if a.Name != "debug" || !isTrue(a.Value) {
			continue
		}
		as, ok := a.Node.(*syntax.Assign)
		if !ok {
			continue
		}
		for _, t := range as.Targets {
			if attr, ok := t.(*syntax.Attribute); ok && attr.Attr.Name == "debug" {
				if typ := p.Prog.TypeOf(a.Scope, attr.Value); p.Prog.IsSubclass(typ, "fastapi.FastAPI", "fastapi.applications.FastAPI", "starlette.applications.Starlette") {
					p.Report(a.Module, as, "%s.debug is set to True: unhandled errors return tracebacks", a.Module.File.Text(attr.Value))
				}
			}
		}
	}
	for _, c := range p.Index.CallsTo("uvicorn.run") {
		if v := keyword(c.Call, "debug"); isTrue(v) {
			p.Report(c.Module, v, "uvicorn.run(..., debug=True) serves tracebacks to clients")
		}
	}
}

// shortQual is the last component of a qualified name.
func shortQual(q string) string {
	for i := len(q) - 1; i >= 0; i-- {
		if q[i] == '.' {
			return q[i+1:]
		}
	}
	return q
}
