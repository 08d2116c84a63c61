package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA604", Name: "trusted-host", Title: "Host header not validated",
		Category: "transport", Severity: finding.Low, Confidence: finding.LowConfidence,
		CWE: []int{644}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Add TrustedHostMiddleware with the host names the service answers to (no \"*\").",
		Doc: Doc{
			What: "An application with routes and no `TrustedHostMiddleware`, or one whose `allowed_hosts` contains `\"*\"`.",
			Why: "Without a host check the application trusts whatever `Host` header arrives. Links built from " +
				"`request.url_for` or `request.base_url` (password-reset e-mails, redirects, OAuth callbacks) can then point to " +
				"an attacker's domain (host header injection, web cache poisoning). A proxy that pins the host makes this moot: " +
				"suppress the finding with a note if so.",
			Example: "app = FastAPI()\n",
			Fix:     "```python\nfrom starlette.middleware.trustedhost import TrustedHostMiddleware\n\napp.add_middleware(TrustedHostMiddleware, allowed_hosts=[\"api.example.com\"])\n```",
			References: []string{
				"https://www.starlette.io/middleware/#trustedhostmiddleware",
				"https://portswigger.net/web-security/host-header",
			},
		},
		Check: func(p *Pass) {
			for _, app := range rootApps(p.Model) {
				mws := middlewareNamed(app, "TrustedHostMiddleware")
				if len(mws) == 0 {
					p.Report(app.Module, app.Node, "%s has no TrustedHostMiddleware: any Host header is accepted", shortQual(app.Name))
					continue
				}
				for _, mw := range mws {
					v := mw.Kwargs["allowed_hosts"]
					if v == nil {
						p.Report(mw.Module, mw.Node, "TrustedHostMiddleware without allowed_hosts accepts any host")
						continue
					}
					hv, hs := withSettingDefault(p, mw.Module.Scope, v)
					hosts, _ := stringList(p.Prog, hs, hv)
					for _, h := range hosts {
						if h == "*" {
							p.Report(mw.Module, v, "TrustedHostMiddleware allows any host (\"*\")")
							break
						}
					}
				}
			}
		},
	})
}
