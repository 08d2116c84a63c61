package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// decisionNameRE names request values that must never decide access.
var decisionNameRE = namere.MustCompile(`(?i)(^|[-_])(x[-_])?(role|roles|user[-_]?role|admin|is[-_]?admin|superuser|is[-_]?superuser|is[-_]?staff|permissions?|privileges?|access[-_]?level|bypass|bypass[-_]?auth|skip[-_]?auth|no[-_]?auth|secure[-_]?mode|auth[-_]?disabled|is[-_]?authenticated|authenticated|trusted|is[-_]?internal|internal)([-_]|$)`)

func init() {
	Register(&Rule{
		ID: "FA307", Name: "client-controlled-decision", Title: "Security decision from a client-controlled value",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{807}, OWASP: []string{apiFunctionAuthz, webAccess},
		Remediation: "Decide roles and access from the authenticated principal (the verified token or session, looked up on the server), never from a header, cookie or parameter the client sends.",
		Doc: Doc{
			What: "A route or dependency whose condition tests a value the client controls and that names a role or an " +
				"access switch: query, header or cookie parameters such as `is_admin`, `role`, `x_role`, `bypass_auth`, " +
				"or `request.headers.get(\"X-Secure-Mode\")`, `request.cookies[\"role\"]`, used in an `if`.",
			Why: "Whatever arrives in the request is chosen by the caller. A header that turns checks off, or a cookie " +
				"that says `role=admin`, makes the check optional for anyone who reads the client code or guesses the name.",
			Example: "@app.get(\"/users/{user_id}\")\ndef read_user(user_id: int, x_role: str = Header(\"user\")):\n" +
				"    if x_role != \"admin\":\n        raise HTTPException(403)\n",
			Fix: "```python\n@app.get(\"/users/{user_id}\")\ndef read_user(user_id: int, admin: AdminUser):\n    ...\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/807.html",
			},
		},
		Check: func(p *Pass) {
			done := map[*semantic.Function]bool{}
			for _, e := range p.Model.Endpoints {
				if e.Handler == nil {
					continue
				}
				check := func(f *semantic.Function, params []*fastapi.Param) {
					if f == nil || done[f] {
						return
					}
					done[f] = true
					clientDecision(p, f, params)
				}
				check(e.Handler, e.Params)
				seen := map[*fastapi.Dependency]bool{}
				var walk func(d *fastapi.Dependency, depth int)
				walk = func(d *fastapi.Dependency, depth int) {
					if d == nil || seen[d] || depth > 16 {
						return
					}
					seen[d] = true
					if d.Func != nil && d.Class == nil {
						check(d.Func, d.Params)
					}
					for _, sub := range d.Sub {
						walk(sub, depth+1)
					}
				}
				for _, d := range e.Deps {
					walk(d, 0)
				}
			}
		},
	})
}

// clientDecision reports the first condition in a function that tests a
// client-controlled access switch.
func clientDecision(p *Pass, f *semantic.Function, params []*fastapi.Param) {
	values := map[string]string{} // local name -> where it came from
	for _, prm := range params {
		switch prm.Kind {
		case fastapi.QueryParam, fastapi.HeaderParam, fastapi.CookieParam:
			if decisionNameRE.MatchString(prm.Name) {
				values[prm.Name] = prm.Kind.String() + " parameter " + prm.Name
			}
		}
	}
	// lookup describes request.headers.get("X-Role") and the like.
	lookup := func(x syntax.Expr) string {
		found := ""
		syntax.Inspect(x, func(n syntax.Node) bool {
			var recv, key syntax.Expr
			switch v := n.(type) {
			case *syntax.Call:
				if a, ok := v.Func.(*syntax.Attribute); ok && a.Attr.Name == "get" && len(v.Args) > 0 {
					recv, key = a.Value, v.Args[0]
				}
			case *syntax.Subscript:
				recv, key = v.Value, v.Slice
			case *syntax.Name:
				if values[v.ID] != "" {
					found = values[v.ID]
				}
			}
			if a, ok := recv.(*syntax.Attribute); ok {
				switch a.Attr.Name {
				case "headers", "cookies", "query_params":
					if k, ok := constStr(key); ok && decisionNameRE.MatchString(k) {
						found = a.Attr.Name[:len(a.Attr.Name)-1] + " " + quote(k)
						if a.Attr.Name == "query_params" {
							found = "query parameter " + quote(k)
						}
					}
				}
			}
			return found == ""
		})
		return found
	}
	report := func(body []syntax.Stmt) bool {
		for _, st := range body {
			reported := false
			syntax.Inspect(st, func(n syntax.Node) bool {
				if reported {
					return false
				}
				switch v := n.(type) {
				case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
					return false
				case *syntax.Assign:
					if src := lookup(v.Value); src != "" {
						for _, t := range v.Targets {
							if name, ok := t.(*syntax.Name); ok {
								values[name.ID] = src
							}
						}
					}
				case *syntax.If:
					if src := lookup(v.Test); src != "" {
						p.Report(f.Module, v.Test, "%s decides access on the %s, which the client sets: %s",
							f.Node.Name.Name, src, f.Module.File.Text(v.Test))
						reported = true
					}
				case *syntax.IfExp:
					if src := lookup(v.Test); src != "" {
						p.Report(f.Module, v.Test, "%s decides access on the %s, which the client sets: %s",
							f.Node.Name.Name, src, f.Module.File.Text(v.Test))
						reported = true
					}
				}
				return !reported
			})
			if reported {
				return true
			}
		}
		return false
	}
	report(f.Node.Body)
}
