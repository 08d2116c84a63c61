package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA702", Name: "outbound-without-timeout", Title: "Outbound request without timeout",
		Category: "outbound", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{400}, OWASP: []string{apiResources, webDesign},
		Remediation: "Pass timeout= to every outbound call (requests has no default; httpx's can be switched off with None).",
		Doc: Doc{
			What: "requests calls without `timeout=` (requests waits forever by default), httpx calls or clients with " +
				"`timeout=None`, and `urllib.request.urlopen` without a timeout.",
			Why: "A slow or malicious remote end can hold the worker, its connection and any database transaction open " +
				"indefinitely. A handful of such requests exhausts the server's workers: a denial of service that the " +
				"attacker triggers by pointing a webhook at a tarpit.",
			Example: "resp = requests.get(url)\n",
			Fix:     "```python\nresp = requests.get(url, timeout=(3.05, 10))  # connect, read\n```",
			References: []string{
				"https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",
				"https://www.python-httpx.org/advanced/timeouts/",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(keys(httpClientCalls)...) {
				lib := httpClientCalls[c.Callee]
				if hasSplat(c.Call) {
					continue // timeout may come in **kwargs
				}
				timeout := keyword(c.Call, "timeout")
				switch {
				case lib == "requests" && timeout == nil:
					p.Report(c.Module, c.Call, "%s() has no timeout: requests waits forever for a slow or hostile server", c.Callee)
				case lib == "httpx" && timeout != nil && isNone(timeout):
					p.Report(c.Module, timeout, "%s() with timeout=None waits forever", c.Callee)
				case c.Callee == "urllib.request.urlopen" && timeout == nil && len(c.Call.Args) < 3:
					p.Report(c.Module, c.Call, "urllib.request.urlopen() has no timeout")
				}
			}
		},
	})
}
