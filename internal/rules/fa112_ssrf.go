package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

// fixedHostRE matches a URL prefix whose scheme and host are written out
// and closed by a path, query or fragment separator.
var fixedHostRE = namere.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#{}]+[/?#]`)

// fixedHost reports a URL built as a constant "scheme://host/..." followed
// by request data: the client chooses a path or a query, not the server
// contacted.
func fixedHost(e syntax.Expr) bool {
	switch x := e.(type) {
	case *syntax.JoinedStr:
		if len(x.Values) > 0 {
			if c, ok := x.Values[0].(*syntax.Constant); ok {
				return fixedHostRE.MatchString(c.Value)
			}
		}
	case *syntax.BinOp:
		if x.Op == syntax.Add {
			if s, ok := constStr(x.Left); ok {
				return fixedHostRE.MatchString(s)
			}
			return fixedHost(x.Left)
		}
	}
	return false
}

func init() {
	Register(&Rule{
		ID: "FA112", Name: "ssrf", Title: "Server-side request forgery",
		Category: "injection", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{918}, OWASP: []string{apiSSRF, webSSRF},
		Remediation: "Only call URLs whose scheme and host are on an allow-list, resolve the host and refuse private, loopback and link-local addresses, and do not follow redirects blindly.",
		Doc: Doc{
			What: "Request data that becomes the URL of an outbound request: requests, httpx (functions, `Client` and " +
				"`AsyncClient`), aiohttp sessions, urllib and urllib3.",
			Why: "The server makes the request from inside the network: to cloud metadata endpoints " +
				"(169.254.169.254, credentials included), admin interfaces on localhost, databases and internal services " +
				"that trust the network. Webhook, import-from-URL and preview features are the usual doors.",
			Example: "@app.post(\"/webhooks/test\")\ndef test(hook: Hook):\n    requests.post(hook.url, json={\"ping\": True}, timeout=5)\n",
			Fix: "```python\nALLOWED_HOSTS = {\"hooks.slack.com\", \"example.com\"}\n\n@app.post(\"/webhooks/test\")\ndef test(hook: Hook):\n" +
				"    if urlsplit(hook.url).hostname not in ALLOWED_HOSTS:\n        raise HTTPException(400)\n" +
				"    requests.post(hook.url, json={\"ping\": True}, timeout=5, allow_redirects=False)\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa7-server-side-request-forgery/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) {
			for _, fl := range p.Flows() {
				if fixedHost(fl.Arg) {
					continue // request data only in the path or query of a fixed host
				}
				p.ReportFlow(fl, "%s", describeFlow(p, fl))
			}
		},
	})
	var first, second []string
	for _, m := range []string{"get", "post", "put", "patch", "delete", "head", "options"} {
		for _, lib := range []string{"requests.", "requests.Session.", "requests.sessions.Session.", "httpx.", "httpx.Client.", "httpx.AsyncClient.", "aiohttp.ClientSession."} {
			first = append(first, lib+m)
		}
	}
	for _, lib := range []string{"requests.", "requests.Session.", "requests.sessions.Session.", "httpx.", "httpx.Client.", "httpx.AsyncClient.", "aiohttp.ClientSession.", "urllib3.PoolManager.", "urllib3.request"} {
		second = append(second, lib+"request")
	}
	first = append(first, "httpx.stream", "urllib.request.urlopen", "urllib.request.Request", "urllib.request.urlretrieve")
	RegisterSinks("FA112",
		&taint.Sink{Class: taint.URL, What: "the URL of an outbound request", Args: []int{0}, Kwargs: []string{"url"}, Callees: first},
		&taint.Sink{Class: taint.URL, What: "the URL of an outbound request", Args: []int{1}, Kwargs: []string{"url"}, Callees: second},
	)
}
