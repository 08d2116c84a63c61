package rules

import "github.com/fastapi-audit/fastapi-audit/internal/finding"

func init() {
	Register(&Rule{
		ID: "FA601", Name: "cors-any-origin-credentials", Title: "CORS allows any origin with credentials",
		Category: "transport", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{942}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "List the exact origins that may call the API with credentials; never combine credentials with \"*\", \"null\" or a loose regex.",
		Doc: Doc{
			What: "A `CORSMiddleware` with `allow_credentials=True` that admits any origin: `allow_origins` containing `\"*\"` or " +
				"`\"null\"`, or an `allow_origin_regex` that matches any origin (`.*`), lets `.*` run into the host name, or " +
				"has unescaped dots.",
			Why: "Starlette does not send `Access-Control-Allow-Origin: *` with credentials: when the request carries a cookie " +
				"it reflects the caller's origin instead. Any web page the victim visits can then read their authenticated " +
				"responses, which defeats the same-origin policy for the whole API (cross-origin data theft, CSRF with read " +
				"access). `null` is the origin of sandboxed iframes and local files, which attackers control too.",
			Example: "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"*\"],\n    allow_credentials=True,\n)\n",
			Fix: "Name the front ends that need credentials:\n\n```python\napp.add_middleware(\n    CORSMiddleware,\n" +
				"    allow_origins=[\"https://app.example.com\"],\n    allow_credentials=True,\n)\n```\n\nFor patterns, anchor " +
				"and escape: `r\"https://[a-z0-9-]+\\.example\\.com\"`.",
			References: []string{
				"https://www.starlette.io/middleware/#corsmiddleware",
				"https://portswigger.net/web-security/cors",
			},
		},
		Check: func(p *Pass) {
			for _, pol := range corsPolicies(p) {
				if pol.anyOrigin != "" && pol.credentials {
					p.Report(pol.mw.Module, pol.anyNode, "CORSMiddleware allows credentials and %s: any web site can read authenticated responses", describeOrigin(pol.anyOrigin))
				}
			}
		},
	})
}

func describeOrigin(o string) string {
	switch o {
	case "*":
		return "any origin (\"*\"), which Starlette reflects when a cookie is sent"
	case "null":
		return "the \"null\" origin (sandboxed iframes, local files)"
	}
	return o
}
