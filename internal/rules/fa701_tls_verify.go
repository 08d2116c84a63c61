package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA701", Name: "tls-verification-disabled", Title: "TLS certificate verification disabled",
		Category: "outbound", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{295}, OWASP: []string{apiUnsafeConsume, webCrypto},
		Remediation: "Keep verification on; for internal CAs pass the CA bundle (verify=\"/path/ca.pem\") instead of disabling it.",
		Doc: Doc{
			What: "Outbound HTTPS without certificate checks: `verify=False` in requests and httpx, `ssl=False` or " +
				"`verify_ssl=False` in aiohttp, `cert_reqs=\"CERT_NONE\"` in urllib3, `ssl._create_unverified_context()`, " +
				"and SSL contexts with `check_hostname = False` or `verify_mode = ssl.CERT_NONE`.",
			Why: "Without verification anyone on the network path (a compromised router, a hostile Wi-Fi, a cloud " +
				"neighbour) can impersonate the remote service, read the credentials and data sent to it and forge its " +
				"answers, for example the payment provider's confirmation or the identity provider's keys.",
			Example: "requests.post(WEBHOOK_URL, json=event, verify=False)\n",
			Fix:     "```python\nrequests.post(WEBHOOK_URL, json=event, timeout=5)  # verify=True is the default\nrequests.post(INTERNAL_URL, json=event, timeout=5, verify=\"/etc/ssl/internal-ca.pem\")\n```",
			References: []string{
				"https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification",
				"https://cwe.mitre.org/data/definitions/295.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(keys(httpClientCalls)...) {
				lib := httpClientCalls[c.Callee]
				for _, kw := range []string{"verify", "ssl", "verify_ssl"} {
					if v := keyword(c.Call, kw); v != nil && isFalse(v) {
						p.Report(c.Module, v, "%s() with %s=False: %s skips certificate checks, so the peer can be impersonated", c.Callee, kw, lib)
					}
				}
				if v := keyword(c.Call, "cert_reqs"); v != nil {
					if s, ok := constStr(v); (ok && s == "CERT_NONE") || shortQual(p.Prog.Qualify(c.Scope, v)) == "CERT_NONE" {
						p.Report(c.Module, v, "%s() with cert_reqs=CERT_NONE skips certificate checks", c.Callee)
					}
				}
			}
			for _, c := range p.Index.CallsTo("ssl._create_unverified_context") {
				p.Report(c.Module, c.Call, "ssl._create_unverified_context() makes a context that checks no certificate")
			}
			for _, a := range p.Index.Assigns {
				as, ok := a.Node.(*syntax.Assign)
				if !ok {
					continue
				}
				switch {
				case a.Name == "check_hostname" && isFalse(a.Value):
					p.Report(a.Module, as, "SSL context with check_hostname = False accepts certificates for any host")
				case a.Name == "verify_mode" && shortQual(p.Prog.Qualify(a.Scope, a.Value)) == "CERT_NONE":
					p.Report(a.Module, as, "SSL context with verify_mode = CERT_NONE accepts any certificate")
				}
			}
		},
	})
}
