package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA406", Name: "docs-exposed", Title: "Interactive docs and OpenAPI schema exposed in every environment",
		Category: "exposure", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{200}, OWASP: []string{apiInventory, webMisconfig},
		Remediation: "Disable docs_url, redoc_url and openapi_url in production (set them to None from settings), or put them behind authentication.",
		Doc: Doc{
			What: "A FastAPI application whose Swagger UI (`/docs`), ReDoc (`/redoc`) or OpenAPI schema (`/openapi.json`) is " +
				"enabled by default or by a constant, with nothing that turns it off in production: no condition on the " +
				"environment, no value read from settings, the application not created under such a condition.",
			Why: "The schema is a complete map of the API: every route, parameter, model and security scheme, hidden " +
				"administrative endpoints included. Public docs let anyone explore and call the API from a browser. Internal " +
				"APIs and production deployments should not publish them.",
			Example: "app = FastAPI()  # /docs, /redoc and /openapi.json are public\n",
			Fix: "Turn them off outside development, from configuration:\n\n```python\nshow_docs = settings.ENVIRONMENT in (\"local\", \"staging\")\n" +
				"app = FastAPI(\n    docs_url=\"/docs\" if show_docs else None,\n    redoc_url=None,\n    openapi_url=\"/openapi.json\" if show_docs else None,\n)\n```",
			References: []string{
				"https://fastapi.tiangolo.com/how-to/conditional-openapi/",
				"https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
			},
		},
		Check: checkDocsExposed,
	})
}

var docsDefaults = []struct{ kw, path string }{
	{"openapi_url", "/openapi.json"}, {"docs_url", "/docs"}, {"redoc_url", "/redoc"},
}

func checkDocsExposed(p *Pass) {
	for _, app := range p.Model.Routers {
		if !app.IsApp || !p.Prog.IsSubclass(app.Class, "fastapi.FastAPI", "fastapi.applications.FastAPI") {
			continue
		}
		if hasSplat(app.Node) || fastapi.EnvironmentGatedConds(app.Module, app.Conds) {
			continue // configured from a dict we cannot see, or created per environment
		}
		if v, ok := app.Settings["openapi_url"]; ok && (disabled(v) || p.Model.EnvironmentGated(app.Scope, v)) {
			continue // no schema, no docs
		}
		if reassigned(p, app) {
			continue
		}
		var exposed []string
		for _, d := range docsDefaults {
			v, ok := app.Settings[d.kw]
			switch {
			case !ok:
				exposed = append(exposed, d.path)
			case disabled(v) || p.Model.EnvironmentGated(app.Scope, v):
			default:
				if s, ok := p.Model.ConstString(app.Scope, v); ok {
					exposed = append(exposed, s)
				} else {
					exposed = append(exposed, app.Module.File.Text(v))
				}
			}
		}
		if len(exposed) == 0 {
			continue
		}
		var node syntax.Node = app.Node
		p.Report(app.Module, node, "%s serves %s in every environment: nothing turns the docs or schema off in production",
			shortQual(app.Name), strings.Join(exposed, ", "))
	}
}

// disabled reports None or "", which FastAPI treats as switched off.
func disabled(v syntax.Expr) bool {
	s, ok := constStr(v)
	return isNone(v) || ok && s == ""
}

// reassigned reports `app.openapi_url = ...` or `app.docs_url = ...` after
// construction: the app is configured elsewhere.
func reassigned(p *Pass, app *fastapi.Router) bool {
	name := shortQual(app.Name)
	for _, a := range p.Index.Assigns {
		if a.Name != "openapi_url" && a.Name != "docs_url" {
			continue
		}
		if as, ok := a.Node.(*syntax.Assign); ok {
			for _, t := range as.Targets {
				if attr, ok := t.(*syntax.Attribute); ok {
					if n, ok := attr.Value.(*syntax.Name); ok && n.ID == name {
						return true
					}
				}
			}
		}
	}
	return false
}
