package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA606", Name: "proxy-headers-any-source", Title: "Proxy headers trusted from any address",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{348}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Trust X-Forwarded-* only from the addresses of your own proxies (forwarded_allow_ips / trusted_hosts).",
		Doc: Doc{
			What: "Uvicorn or Starlette told to trust `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` from " +
				"every client: `forwarded_allow_ips=\"*\"` in `uvicorn.run` or `uvicorn.Config`, or " +
				"`ProxyHeadersMiddleware(trusted_hosts=\"*\")`.",
			Why: "Those headers then set `request.client.host` and the URL scheme. Any client can claim to be 127.0.0.1 or an " +
				"allow-listed address, slip past per-IP rate limits and IP allow-lists, and forge log entries.",
			Example: "uvicorn.run(app, proxy_headers=True, forwarded_allow_ips=\"*\")\n",
			Fix:     "```python\nuvicorn.run(app, proxy_headers=True, forwarded_allow_ips=\"10.0.0.5\")  # the load balancer\n```",
			References: []string{
				"https://www.uvicorn.org/settings/#http",
				"https://cwe.mitre.org/data/definitions/348.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo("uvicorn.run", "uvicorn.Config", "uvicorn.config.Config") {
				if v := keyword(c.Call, "forwarded_allow_ips"); v != nil && allowsAny(p, c.Scope, v) {
					p.Report(c.Module, v, "%s() trusts X-Forwarded-* headers from every client (forwarded_allow_ips=\"*\"): client IPs and scheme can be forged", c.Callee)
				}
			}
			for _, c := range p.Index.CallsNamed("ProxyHeadersMiddleware") {
				if c.Callee == "" {
					continue
				}
				if v := keyword(c.Call, "trusted_hosts"); v != nil && allowsAny(p, c.Scope, v) {
					p.Report(c.Module, v, "ProxyHeadersMiddleware trusts X-Forwarded-* headers from every client (trusted_hosts=\"*\")")
				}
			}
			for _, r := range p.Model.Routers {
				for _, mw := range middlewareNamed(r, "ProxyHeadersMiddleware") {
					if v := mw.Kwargs["trusted_hosts"]; v != nil && allowsAny(p, mw.Module.Scope, v) {
						p.Report(mw.Module, v, "ProxyHeadersMiddleware trusts X-Forwarded-* headers from every client (trusted_hosts=\"*\")")
					}
				}
			}
		},
	})
}

// allowsAny reports "*" given as a string or in a list of addresses.
func allowsAny(p *Pass, s *semantic.Scope, e syntax.Expr) bool {
	e, s = withSettingDefault(p, s, e)
	vals, _ := stringList(p.Prog, s, e)
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if strings.TrimSpace(part) == "*" {
				return true
			}
		}
	}
	return false
}
