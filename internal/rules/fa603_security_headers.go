package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// securityHeaders are the response headers FA603 looks for.
var securityHeaders = []string{
	"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options",
	"Content-Security-Policy", "Referrer-Policy",
}

// securityHeaderPackages set those headers for an app.
var securityHeaderPackages = []string{"secure", "fastapi_security", "starlette_securityheaders", "fastapi_helmet", "secweb"}

func init() {
	Register(&Rule{
		ID: "FA603", Name: "no-security-headers", Title: "No security headers",
		Category: "transport", Severity: finding.Low, Confidence: finding.LowConfidence,
		CWE: []int{693}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Add a middleware that sets Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options (or CSP frame-ancestors), Content-Security-Policy and Referrer-Policy, unless a proxy in front sets them.",
		Doc: Doc{
			What: "An application with routes where no code sets any of the usual security headers (" +
				strings.Join(securityHeaders, ", ") + ") and no security-headers package is used.",
			Why: "FastAPI sets none of them. Without HSTS a first plain-HTTP request can be intercepted; without nosniff and a " +
				"CSP, browsers may execute an uploaded or reflected response as script; without frame options, pages can be " +
				"framed for clickjacking. The headers are cheap defence in depth. Confidence is low because a reverse proxy " +
				"may add them: if it does, suppress this finding with a note saying so.",
			Example: "app = FastAPI()\n\n@app.get(\"/\")\ndef index(): ...\n",
			Fix: "```python\n@app.middleware(\"http\")\nasync def security_headers(request, call_next):\n    response = await call_next(request)\n" +
				"    response.headers[\"Strict-Transport-Security\"] = \"max-age=31536000; includeSubDomains\"\n" +
				"    response.headers[\"X-Content-Type-Options\"] = \"nosniff\"\n    response.headers[\"X-Frame-Options\"] = \"DENY\"\n" +
				"    response.headers[\"Content-Security-Policy\"] = \"default-src 'none'; frame-ancestors 'none'\"\n" +
				"    response.headers[\"Referrer-Policy\"] = \"no-referrer\"\n    return response\n```",
			References: []string{
				"https://owasp.org/www-project-secure-headers/",
				"https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#security-headers",
			},
		},
		Check: func(p *Pass) {
			if setsHeader(p.Index, securityHeaders...) || importsPackage(p.Prog, securityHeaderPackages...) {
				return
			}
			for _, app := range rootApps(p.Model) {
				p.Report(app.Module, app.Node, "%s sets none of %s on its responses", shortQual(app.Name), strings.Join(securityHeaders, ", "))
			}
		},
	})
}
