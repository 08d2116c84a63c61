package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA605", Name: "no-https-enforcement", Title: "HTTPS not enforced",
		Category: "transport", Severity: finding.Low, Confidence: finding.LowConfidence,
		CWE: []int{319}, OWASP: []string{apiMisconfig, webCrypto},
		Remediation: "Redirect HTTP to HTTPS (HTTPSRedirectMiddleware or the proxy) and send Strict-Transport-Security.",
		Doc: Doc{
			What: "An application with routes that neither adds `HTTPSRedirectMiddleware` nor sets a " +
				"`Strict-Transport-Security` header anywhere.",
			Why: "Tokens, cookies and personal data sent over plain HTTP can be read and changed by anyone on the path. " +
				"Redirecting to HTTPS and pinning it with HSTS stops downgrade attacks. When TLS ends at a proxy that " +
				"redirects and sets HSTS, suppress this finding with a note.",
			Example: "app = FastAPI()\n",
			Fix:     "```python\nfrom starlette.middleware.httpsredirect import HTTPSRedirectMiddleware\n\napp.add_middleware(HTTPSRedirectMiddleware)\n```",
			References: []string{
				"https://www.starlette.io/middleware/#httpsredirectmiddleware",
				"https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) {
			if setsHeader(p.Index, "Strict-Transport-Security") || importsPackage(p.Prog, securityHeaderPackages...) {
				return
			}
			for _, app := range rootApps(p.Model) {
				if len(middlewareNamed(app, "HTTPSRedirectMiddleware")) == 0 {
					p.Report(app.Module, app.Node, "%s neither redirects HTTP to HTTPS nor sends Strict-Transport-Security", shortQual(app.Name))
				}
			}
		},
	})
}
