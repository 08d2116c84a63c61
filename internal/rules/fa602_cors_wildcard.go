package rules

import "github.com/fastapi-audit/fastapi-audit/internal/finding"

func init() {
	Register(&Rule{
		ID: "FA602", Name: "cors-any-origin", Title: "CORS allows any origin",
		Category: "transport", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{942}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Allow only the origins of your own front ends, unless the API is deliberately public and uses no ambient credentials.",
		Doc: Doc{
			What: "A `CORSMiddleware` without credentials that admits any origin: `allow_origins=[\"*\"]`, `\"null\"`, or a " +
				"regex that matches any origin.",
			Why: "Without credentials, browsers do not attach cookies, so the exposure is limited to what an anonymous caller " +
				"can already read. It still lets any site use the API from its visitors' browsers (including from inside " +
				"private networks, reaching internal APIs), and it becomes FA601 the day someone adds `allow_credentials=True`.",
			Example: "app.add_middleware(CORSMiddleware, allow_origins=[\"*\"])\n",
			Fix:     "```python\napp.add_middleware(CORSMiddleware, allow_origins=[\"https://app.example.com\"])\n```\n\nKeep `\"*\"` only for APIs meant to be called from any site.",
			References: []string{
				"https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",
			},
		},
		Check: func(p *Pass) {
			for _, pol := range corsPolicies(p) {
				if pol.anyOrigin != "" && !pol.credentials {
					p.Report(pol.mw.Module, pol.anyNode, "CORSMiddleware allows %s", describeOrigin(pol.anyOrigin))
				}
			}
		},
	})
}
