package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA110", Name: "xss", Title: "Cross-site scripting",
		Category: "injection", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{79}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Render HTML with a template engine that escapes (Jinja2 with autoescape), escape with html.escape, and never mark request data as safe markup.",
		Doc: Doc{
			What: "Request data written into HTML without escaping: `HTMLResponse(...)`, `Response(..., media_type=" +
				"\"text/html\")`, `markupsafe.Markup(...)`, and `TemplateResponse` context values that the template prints " +
				"with `|safe` or inside `{% autoescape false %}`; and Jinja2 environments created with `autoescape=False`.",
			Why: "Script in the page runs with the site's origin: it reads the victim's data, acts as them, and steals " +
				"tokens kept in storage. APIs that also serve HTML pages (admin previews, e-mail previews, error pages) are " +
				"the usual place.",
			Example: "@app.get(\"/hello\")\ndef hello(name: str):\n    return HTMLResponse(f\"<h1>Hello {name}</h1>\")\n",
			Fix:     "```python\n@app.get(\"/hello\")\ndef hello(name: str):\n    return HTMLResponse(f\"<h1>Hello {html.escape(name)}</h1>\")\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) {
			reportFlows(p)
			for _, c := range p.Index.CallsTo("jinja2.Environment", "jinja2.environment.Environment") {
				if v := keyword(c.Call, "autoescape"); v != nil && isFalse(v) {
					p.Report(c.Module, v, "Jinja2 Environment with autoescape=False renders variables as raw HTML")
				}
			}
		},
	})
	htmlResponses := []string{"fastapi.responses.HTMLResponse", "starlette.responses.HTMLResponse", "fastapi.HTMLResponse"}
	responses := []string{"fastapi.responses.Response", "starlette.responses.Response", "fastapi.Response"}
	RegisterSinks("FA110",
		&taint.Sink{Class: taint.HTML, What: "an HTML response", Args: []int{0}, Kwargs: []string{"content"}, Callees: htmlResponses},
		&taint.Sink{Class: taint.HTML, What: "an HTML response", Callees: responses, Pick: func(c *syntax.Call) []syntax.Expr {
			mt, _ := constStr(keyword(c, "media_type"))
			if !strings.Contains(mt, "html") {
				return nil
			}
			if v := arg(c, 0, "content"); v != nil {
				return []syntax.Expr{v}
			}
			return nil
		}},
		&taint.Sink{Class: taint.HTML, What: "markup marked safe", Args: []int{0},
			Callees: []string{"markupsafe.Markup", "jinja2.Markup", "jinja2.utils.Markup"}},
		&taint.Sink{Class: taint.HTML, What: "a template variable printed with |safe", Methods: []string{"TemplateResponse"},
			PickIn: templateContext},
		// A Flask view's return value is an HTML response body.
		&taint.Sink{Class: taint.HTML, What: "a Flask response body", Store: "return"},
	)
}
