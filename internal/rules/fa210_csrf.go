package rules

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// csrfWords name CSRF protections in lower-case source: libraries,
// middleware, token checks, and custom-header checks.
var csrfWords = [][]byte{[]byte("csrf"), []byte("xsrf"), []byte("x-requested-with"), []byte("x_requested_with")}

func init() {
	Register(&Rule{
		ID: "FA210", Name: "csrf", Title: "Cookie-authenticated routes without CSRF defence",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{352}, OWASP: []string{apiAuth, webAccess},
		Remediation: "Add CSRF protection (a double-submit token with starlette-csrf or fastapi-csrf-protect, or a required custom header checked on every unsafe method), and set the session cookie with samesite=\"strict\" or \"lax\".",
		Doc: Doc{
			What: "An app whose state-changing routes (POST, PUT, PATCH, DELETE) authenticate with a cookie (an " +
				"`APIKeyCookie` scheme, a `Cookie()` parameter or `request.cookies` read by the authenticating dependency, " +
				"or `request.session`), when nothing in the program mentions a CSRF defence: no CSRF middleware or " +
				"library, no CSRF token or `X-Requested-With` check, and no `samesite=\"strict\"` cookie. One finding per " +
				"app, at the first such route, with the count.",
			Why: "Browsers attach cookies to cross-site requests. Without a token the attacker cannot read, any page the " +
				"victim visits can submit forms or fetch calls that change the victim's data with the victim's session.",
			Example: "def current_user(session: str | None = Cookie(None)) -> User: ...\n\n" +
				"@app.post(\"/transfer\")\ndef transfer(body: Transfer, user: User = Depends(current_user)): ...\n",
			Fix: "```python\nfrom starlette_csrf import CSRFMiddleware\n\napp.add_middleware(CSRFMiddleware, secret=settings.CSRF_SECRET)\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) {
			cross := crossSiteCookie(p)
			if cross == "" {
				return // Starlette's default SameSite=Lax keeps cookies off cross-site POSTs
			}
			first := map[*fastapi.Router]*fastapi.Endpoint{}
			count := map[*fastapi.Router]int{}
			via := map[*fastapi.Router]string{}
			var order []*fastapi.Router
			for _, e := range p.Model.Endpoints {
				if e.App == nil || !changesState(e) {
					continue
				}
				how := cookieAuth(p, e)
				if how == "" {
					continue
				}
				if first[e.App] == nil {
					first[e.App], via[e.App] = e, how
					order = append(order, e.App)
				}
				count[e.App]++
			}
			if len(order) == 0 || csrfDefended(p) {
				return
			}
			for _, app := range order {
				e := first[app]
				p.Report(e.Module, e.Node, "%s authenticates with %s, %s, and nothing checks a CSRF token (%s of this app change state this way): another site can submit it with the victim's cookie",
					routeName(e), via[app], cross, countOf(count[app], "route", "routes"))
			}
		},
	})
}

// cookieAuth describes how an endpoint's authentication reads a cookie, or
// returns "".
func cookieAuth(p *Pass, e *fastapi.Endpoint) string {
	for _, d := range e.Auth {
		if d.Scheme != nil && strings.HasSuffix(d.Scheme.Class, "APIKeyCookie") {
			return "the cookie scheme " + d.Scheme.Name
		}
		for _, prm := range d.Params {
			if prm.Kind == fastapi.CookieParam {
				return "the cookie " + quote(prm.Name)
			}
		}
		if d.Func != nil {
			how := ""
			syntax.Inspect(d.Func.Node, func(n syntax.Node) bool {
				if a, ok := n.(*syntax.Attribute); ok {
					switch a.Attr.Name {
					case "cookies":
						how = "request cookies (" + d.Name() + ")"
					case "session":
						if name, ok := a.Value.(*syntax.Name); ok && name.ID == "request" {
							how = "the session cookie (" + d.Name() + ")"
						}
					}
				}
				return how == ""
			})
			if how != "" {
				return how
			}
		}
	}
	return ""
}

// crossSiteCookie describes where the program sends a cookie to cross-site
// requests (SameSite=None), or returns "".
func crossSiteCookie(p *Pass) string {
	for _, c := range p.Index.CallsNamed("set_cookie") {
		if v, ok := constStr(c.Call.Arg(9, "samesite")); ok && strings.EqualFold(v, "none") || isNone(c.Call.Arg(9, "samesite")) && c.Call.Arg(9, "samesite") != nil {
			return "whose cookie is set with samesite=\"none\" at " + c.Module.Rel + ":" + strconv.Itoa(c.Module.File.Line(c.Call.Pos()))
		}
	}
	for _, app := range p.Model.Routers {
		for _, mw := range middlewareNamed(app, "SessionMiddleware") {
			if v, ok := constStr(mw.Kwargs["same_site"]); ok && strings.EqualFold(v, "none") {
				return "whose session cookie is sent cross-site (same_site=\"none\")"
			}
		}
	}
	return ""
}

// csrfDefended reports a program whose source mentions a CSRF defence
// anywhere outside tests (a name, an import, a header, a comment).
func csrfDefended(p *Pass) bool {
	for _, mod := range p.Prog.Modules {
		if isTestPath(mod.Rel) {
			continue
		}
		src := bytes.ToLower(mod.File.Src)
		for _, word := range csrfWords {
			if bytes.Contains(src, word) {
				return true
			}
		}
	}
	return false
}
