package rules

import (
	"regexp"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
)

func init() {
	Register(&Rule{
		ID: "FA409", Name: "secrets-in-query", Title: "Secret in a URL query string",
		Category: "exposure", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{598}, OWASP: []string{apiAuth, webDesign},
		Remediation: "Take credentials from a header (APIKeyHeader, Authorization: Bearer) or the request body, never from the query string; send them to other services the same way.",
		Doc: Doc{
			What: "Route parameters read from the query string whose names say they hold a secret (`api_key`, `apikey`, " +
				"`token`, `access_token`, `password`, `secret`, `client_secret`, signatures and one-time codes; parameters " +
				"of dependencies and `alias=` names included), `APIKeyQuery` security schemes, redirects whose URL carries " +
				"a secret (`RedirectResponse(f\"{FRONTEND}/cb?token={token}\")`), and outbound `requests`/`httpx` calls " +
				"that put a secret in the URL (`f\"...?api_key={settings.API_KEY}\"`) or in `params=`. Tokens of one-time " +
				"links (password reset, e-mail verification, invitations, unsubscribe, signed download and export links) and " +
				"tokens of WebSocket routes, " +
				"where browsers cannot send headers, are reported at low severity, as are outbound calls.",
			Why: "URLs are not treated as secrets: they are written to the access logs of the server, every proxy and " +
				"load balancer in between, kept in browser history and bookmarks, sent to other sites in the Referer " +
				"header, and pasted into tickets and chats. A credential in a query string leaks through all of them; " +
				"HTTPS does not help, since the ends of the connection log it.",
			Example: "@router.get(\"/export\")\ndef export(api_key: str = Query(...)):\n    check_key(api_key)\n",
			Fix: "```python\napi_key_header = APIKeyHeader(name=\"X-API-Key\")\n\n@router.get(\"/export\")\n" +
				"def export(api_key: str = Security(api_key_header)):\n    check_key(api_key)\n```\n\n" +
				"For one-time links that must carry a token, keep the token short-lived and single-use, exchange it " +
				"for a session with a POST on arrival, and send `Referrer-Policy: no-referrer` on the page.",
			References: []string{
				"https://cwe.mitre.org/data/definitions/598.html",
				"https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url",
				"https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html#sensitive-information-in-http-requests",
			},
		},
		Check: checkSecretsInQuery,
	})
}

var (
	// queryOneTimeRE are routes and names of links that must carry their
	// token: one-time links sent by e-mail, signed download links.
	queryOneTimeRE = namere.MustCompile(`(?i)reset|recover|forgot|verif|confirm|activat|invit|unsubscribe|magic|email|onboard|accept|download|export|file|share|signed|preview|media`)
	// queryKeyRE is the query key just before a formatted value:
	// "...?api_key=" or "...&token=".
	queryKeyRE = regexp.MustCompile(`[?&]([A-Za-z0-9_.\-\[\]]+)=$`)
	// queryLinkTokenRE are the names a link's token goes by; API keys,
	// passwords and client secrets never belong in a link.
	queryLinkTokenRE = namere.MustCompile(`(?i)token|sig|code|otp`)
	queryNeverLinkRE = namere.MustCompile(`(?i)api_?key|passw|pwd|secret|access_?key|private`)
	// queryNonStringTypes are parameter types that cannot hold a secret.
	queryNonStringTypes = map[string]bool{"bool": true, "int": true, "float": true}
)

// querySecretParam is one secret-named query parameter and its routes.
type querySecretParam struct {
	mod      *semantic.Module
	node     syntax.Node
	name     string
	oneTime  bool
	socket   bool
	routes   []string
	routeSet map[string]bool
}

func checkSecretsInQuery(p *Pass) {
	queryParamsWithSecrets(p)
	querySchemes(p)
	queryOutbound(p)
}

// querySecretName reports a query key or parameter name that says it
// holds a secret.
func querySecretName(name string) bool {
	if name == "" {
		return false
	}
	n := snakeName(name)
	if logNotSecretRE.MatchString(n) || strings.HasSuffix(n, "_id") || strings.Contains(n, "hash") {
		return false
	}
	return secrets.Name(n) || timingSecretRE.MatchString(n) && !secrets.NotName(n)
}

// queryParamName is the name a parameter has in the query string.
func queryParamName(prm *fastapi.Param) string {
	if prm.Marker != nil {
		if a, ok := constStr(keyword(prm.Marker, "alias")); ok {
			return a
		}
	}
	return prm.Name
}

func queryParamsWithSecrets(p *Pass) {
	found := map[syntax.Node]*querySecretParam{}
	var order []*querySecretParam
	for _, e := range p.Model.Endpoints {
		if e.Handler != nil && isTestPath(e.Handler.Module.Rel) {
			continue
		}
		type owned struct {
			prm *fastapi.Param
			mod *semantic.Module
		}
		var params []owned
		if e.Handler != nil {
			for _, prm := range e.Params {
				params = append(params, owned{prm, e.Handler.Module})
			}
		}
		walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
			mod := d.Module
			if d.Func != nil {
				mod = d.Func.Module
			}
			for _, prm := range d.Params {
				params = append(params, owned{prm, mod})
			}
			return true
		})
		socket := false
		for _, m := range e.Methods {
			socket = socket || m == "WEBSOCKET"
		}
		for _, o := range params {
			prm := o.prm
			if prm.Kind != fastapi.QueryParam || prm.Arg == nil || o.mod == nil || queryNonStringTypes[prm.Type] {
				continue
			}
			name := queryParamName(prm)
			if !querySecretName(name) {
				continue
			}
			q := found[prm.Arg]
			if q == nil {
				q = &querySecretParam{mod: o.mod, node: prm.Arg, name: name, oneTime: true, socket: true, routeSet: map[string]bool{}}
				found[prm.Arg] = q
				order = append(order, q)
			}
			linkName := queryLinkTokenRE.MatchString(name) && !queryNeverLinkRE.MatchString(snakeName(name))
			q.oneTime = q.oneTime && linkName && (queryOneTimeRE.MatchString(e.FullPath) || queryOneTimeRE.MatchString(name) || queryOneTimeRE.MatchString(handlerName(e)))
			q.socket = q.socket && socket
			if rn := routeName(e); !q.routeSet[rn] {
				q.routeSet[rn] = true
				q.routes = append(q.routes, rn)
			}
		}
	}
	for _, q := range order {
		sort.Strings(q.routes)
		switch {
		case q.socket:
			f := p.Report(q.mod, q.node, "%s takes `%s` from the query string: the token is written to proxy and server access logs; send it in the first message or a cookie instead",
				routeList(q.routes), q.name)
			f.Severity = finding.Low
		case q.oneTime:
			f := p.Report(q.mod, q.node, "%s takes the link token `%s` from the query string, where logs, browser history and Referer headers keep it: make it single-use and short-lived, and send Referrer-Policy: no-referrer",
				routeList(q.routes), q.name)
			f.Severity = finding.Low
		default:
			p.Report(q.mod, q.node, "%s takes the secret `%s` from the query string, where access logs, browser history and Referer headers keep it: take it from a header",
				routeList(q.routes), q.name)
		}
	}
}

// querySchemes reports APIKeyQuery security schemes.
func querySchemes(p *Pass) {
	for _, sc := range p.Model.Schemes {
		if shortQual(sc.Class) != "APIKeyQuery" || sc.Node == nil || isTestPath(sc.Module.Rel) {
			continue
		}
		key, _ := constStr(arg(sc.Node, -1, "name"))
		if key == "" {
			key = "the API key"
		} else {
			key = "`" + key + "`"
		}
		n := 0
		seen := map[string]bool{}
		for _, e := range p.Model.Endpoints {
			used := false
			walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
				used = d.Scheme == sc
				return !used
			})
			if used && !seen[routeName(e)] {
				seen[routeName(e)] = true
				n++
			}
		}
		if n > 0 {
			p.Report(sc.Module, sc.Node, "APIKeyQuery scheme %s takes %s from the query string for %s, where access logs, browser history and Referer headers keep it: use APIKeyHeader",
				sc.Name, key, countOf(n, "route", "routes"))
		} else {
			p.Report(sc.Module, sc.Node, "APIKeyQuery scheme %s takes %s from the query string, where access logs, browser history and Referer headers keep it: use APIKeyHeader",
				sc.Name, key)
		}
	}
}

// queryOutbound reports outbound requests and redirects that put a secret
// in a URL.
func queryOutbound(p *Pass) {
	redirects := []string{"fastapi.responses.RedirectResponse", "starlette.responses.RedirectResponse"}
	calls := p.Index.CallsTo(append(keys(httpClientCalls), redirects...)...)
	sort.SliceStable(calls, func(i, j int) bool {
		if calls[i].Module.Rel != calls[j].Module.Rel {
			return calls[i].Module.Rel < calls[j].Module.Rel
		}
		return calls[i].Call.Pos() < calls[j].Call.Pos()
	})
	done := map[*syntax.Call]bool{}
	for _, c := range calls {
		if done[c.Call] || isTestPath(c.Module.Rel) {
			continue
		}
		done[c.Call] = true
		redirect := shortQual(c.Callee) == "RedirectResponse"
		var url syntax.Expr
		switch {
		case redirect:
			url = arg(c.Call, 0, "url")
		case strings.HasSuffix(c.Callee, ".request") || c.Callee == "urllib3.request":
			url = arg(c.Call, 1, "url")
		case strings.HasSuffix(c.Callee, "Client") || strings.HasSuffix(c.Callee, "Session") || strings.HasSuffix(c.Callee, "PoolManager") || strings.HasSuffix(c.Callee, "Connector"):
			url = keyword(c.Call, "base_url")
		default:
			url = arg(c.Call, 0, "url")
		}
		key, lit := "", ""
		if url != nil {
			key, lit = queryURLSecret(p, c.Scope, url)
		}
		inParams := false
		if key == "" && !redirect {
			if prm := keyword(c.Call, "params"); prm != nil {
				key, lit = queryParamsSecret(p, c.Scope, prm)
				inParams = key != ""
			}
		}
		if key == "" {
			continue
		}
		var f *finding.Finding
		switch {
		case redirect:
			f = p.Report(c.Module, c.Call, "RedirectResponse() puts `%s` in the redirect URL's query string, where browser history, access logs and Referer headers keep it: set a cookie or use a fragment",
				key)
		case inParams:
			f = p.Report(c.Module, c.Call, "%s() sends `%s` in params=, in the URL's query string, where proxy and server logs (and httpx's own request log) keep it: send it in a header",
				c.Callee, key)
			f.Severity = finding.Low
		default:
			f = p.Report(c.Module, c.Call, "%s() puts `%s` in the URL's query string, where proxy and server logs (and httpx's own request log) keep it: send it in a header",
				c.Callee, key)
			f.Severity = finding.Low
		}
		if lit != "" {
			f.Secrets = []string{lit}
		}
	}
}

// queryURLSecret returns the secret query key of a URL expression (an
// f-string, a concatenation or a literal), and its value when literal.
func queryURLSecret(p *Pass, s *semantic.Scope, url syntax.Expr) (string, string) {
	url, _ = resolveValue(p.Prog, s, url)
	var parts []syntax.Expr
	var flatten func(e syntax.Expr, depth int)
	flatten = func(e syntax.Expr, depth int) {
		if depth > 8 {
			return
		}
		switch x := e.(type) {
		case *syntax.JoinedStr:
			for _, v := range x.Values {
				if fv, ok := v.(*syntax.FormattedValue); ok {
					parts = append(parts, fv.Value)
				} else {
					parts = append(parts, v)
				}
			}
		case *syntax.BinOp:
			if x.Op != syntax.Add {
				parts = append(parts, e)
				return
			}
			flatten(x.Left, depth+1)
			flatten(x.Right, depth+1)
		default:
			parts = append(parts, e)
		}
	}
	flatten(url, 0)
	text := ""
	for _, part := range parts {
		if str, ok := constStr(part); ok {
			// a literal "?api_key=abc123..." in the URL itself
			query := str
			if i := strings.IndexByte(text+str, '?'); i >= 0 {
				query = (text + str)[i:]
				for _, kv := range strings.FieldsFunc(query, func(r rune) bool { return r == '?' || r == '&' }) {
					k, v, ok := strings.Cut(kv, "=")
					if ok && v != "" && querySecretName(k) && realSecret(k, v) {
						return k, v
					}
				}
			}
			text += str
			continue
		}
		m := queryKeyRE.FindStringSubmatch(text)
		if m != nil && querySecretName(m[1]) {
			return m[1], ""
		}
		if strings.Contains(text, "?") {
			if n := logOperandName(part); n != "" && querySecretName(n) && m != nil {
				return m[1], ""
			}
		}
		text += "{}"
	}
	return "", ""
}

// queryParamsSecret returns the secret key of a params= dict display (or a
// name bound once to one), and its value when literal.
func queryParamsSecret(p *Pass, s *semantic.Scope, e syntax.Expr) (string, string) {
	e, _ = resolveValue(p.Prog, s, e)
	d, ok := e.(*syntax.Dict)
	if !ok {
		return "", ""
	}
	for i, k := range d.Keys {
		ks, ok := constStr(k)
		if !ok || i >= len(d.Values) {
			continue
		}
		v := d.Values[i]
		if str, ok := constStr(v); ok {
			if querySecretName(ks) && realSecret(ks, str) {
				return ks, str
			}
			continue
		}
		if isConstExpr(v) {
			continue
		}
		if querySecretName(ks) || querySecretName(logOperandName(v)) {
			return ks, ""
		}
	}
	return "", ""
}
