package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA201", Name: "jwt-signature-not-verified", Title: "JWT signature not verified",
		Category: "authentication", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{347}, OWASP: []string{apiAuth, webAuth},
		Remediation: "Always verify: decode with the key and a pinned algorithms list; read unverified headers only to pick the key.",
		Doc: Doc{
			What: "JWT decoding that skips the signature: `options={\"verify_signature\": False}` (PyJWT, python-jose), " +
				"`verify=False` (PyJWT 1.x), and claims read with `jwt.get_unverified_claims` (python-jose).",
			Why: "A token whose signature is not checked is just base64 the client wrote. Anyone can set `sub` to another " +
				"user's id or `role` to admin and the API believes it: complete authentication bypass.",
			Example: "payload = jwt.decode(token, options={\"verify_signature\": False})\nuser_id = payload[\"sub\"]\n",
			Fix:     "```python\npayload = jwt.decode(token, settings.SECRET_KEY, algorithms=[\"HS256\"])\n```",
			References: []string{
				"https://pyjwt.readthedocs.io/en/stable/usage.html#reading-the-claimset-without-validation",
				"https://cwe.mitre.org/data/definitions/347.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(jwtDecodes...) {
				if v := dictEntry(p, c.Scope, keyword(c.Call, "options"), "verify_signature"); v != nil && isFalse(v) {
					p.Report(c.Module, c.Call, "%s() with verify_signature=False accepts tokens anyone can forge", c.Callee)
					continue
				}
				if v := keyword(c.Call, "verify"); v != nil && isFalse(v) {
					p.Report(c.Module, c.Call, "%s() with verify=False accepts tokens anyone can forge", c.Callee)
				}
			}
			for _, c := range p.Index.CallsTo("jose.jwt.get_unverified_claims", "jose.jws.get_unverified_claims") {
				p.Report(c.Module, c.Call, "%s() reads claims without checking the signature", c.Callee)
			}
		},
	})
}
