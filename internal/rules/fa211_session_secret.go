package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA211", Name: "session-secret", Title: "Hard-coded session-middleware secret",
		Category: "authentication", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{798}, OWASP: []string{apiAuth, webAuth},
		Remediation: "Load the session secret from the environment or a secret store, with no default, and make it at least 32 random bytes.",
		Doc: Doc{
			What: "`SessionMiddleware` (Starlette) given a `secret_key` that is a string literal, a constant, or the " +
				"default value of a settings field.",
			Why: "Starlette signs the session cookie with this key and trusts whatever a validly signed cookie says. " +
				"Anyone who knows the key (everyone who can read the code, or every deployment that kept the default) " +
				"forges a session for any user.",
			Example: "app.add_middleware(SessionMiddleware, secret_key=\"change-me\")\n",
			Fix:     "```python\napp.add_middleware(SessionMiddleware, secret_key=os.environ[\"SESSION_SECRET\"], https_only=True)\n```",
			References: []string{
				"https://www.starlette.io/middleware/#sessionmiddleware",
				"https://cwe.mitre.org/data/definitions/798.html",
			},
		},
		Check: func(p *Pass) {
			for _, app := range p.Model.Routers {
				for _, mw := range middlewareNamed(app, "SessionMiddleware") {
					key := mw.Kwargs["secret_key"]
					if key == nil {
						continue
					}
					val, ok := p.Model.ConstString(mw.Module.Scope, key)
					if !ok {
						continue
					}
					msg := "SessionMiddleware signs session cookies with a hard-coded secret: whoever reads the code forges any user's session"
					if attr, isAttr := key.(*syntax.Attribute); isAttr {
						if dm := p.Model.ModelOf(p.Prog.TypeOf(mw.Module.Scope, attr.Value)); dm != nil && dm.Settings {
							msg = "SessionMiddleware signs session cookies with the default of " + mw.Module.File.Text(key) +
								", a constant used whenever the environment does not set it: whoever knows it forges any user's session"
						}
					}
					f := p.Report(mw.Module, key, "%s", msg)
					f.Secrets = []string{val}
				}
			}
		},
	})
}
