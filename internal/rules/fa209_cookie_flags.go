package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

var (
	// sessionCookieRE names cookies that carry credentials.
	sessionCookieRE = namere.MustCompile(`(?i)(session|sess|sid|token|auth|jwt|access|refresh|login|remember|credential|api[-_]?key)`)
	// csrfCookieRE names double-submit CSRF cookies, which scripts must read.
	csrfCookieRE = namere.MustCompile(`(?i)(csrf|xsrf)`)
)

func init() {
	Register(&Rule{
		ID: "FA209", Name: "cookie-flags", Title: "Credential cookie without Secure, HttpOnly or SameSite",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{614, 1004}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Set the cookie with secure=True, httponly=True and samesite=\"lax\" (or \"strict\").",
		Doc: Doc{
			What: "`response.set_cookie(...)` for a cookie that carries a session or token (by its name, or whose name " +
				"is not a constant) without `secure=True` or without `httponly=True`, or with `samesite=\"none\"` and no " +
				"`secure`. Starlette's defaults are `secure=False` and `httponly=False`. CSRF cookies, which scripts must " +
				"read, are not asked for HttpOnly. Flags set from configuration (`secure=settings.COOKIE_SECURE`) count as set.",
			Why: "Without Secure the browser also sends the cookie over plain HTTP, where anyone on the network reads it; " +
				"without HttpOnly any script injected into the site (XSS) steals the session.",
			Example: "response.set_cookie(\"access_token\", token)\n",
			Fix:     "```python\nresponse.set_cookie(\"access_token\", token, secure=True, httponly=True, samesite=\"lax\")\n```",
			References: []string{
				"https://owasp.org/www-community/controls/SecureCookieAttribute",
				"https://www.starlette.io/responses/#set-cookie",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsNamed("set_cookie") {
				key := c.Call.Arg(0, "key")
				name, known := constStr(key)
				if key == nil || known && !sessionCookieRE.MatchString(name) {
					continue
				}
				csrf := known && csrfCookieRE.MatchString(name) // read by scripts on purpose
				var missing []string
				if flagOff(c.Call.Arg(7, "secure")) {
					missing = append(missing, "Secure")
				}
				if !csrf && flagOff(c.Call.Arg(8, "httponly")) {
					missing = append(missing, "HttpOnly")
				}
				if s, ok := constStr(c.Call.Arg(9, "samesite")); ok && strings.EqualFold(s, "none") && flagOff(c.Call.Arg(7, "secure")) {
					missing = append(missing, "SameSite other than none")
				}
				if len(missing) == 0 {
					continue
				}
				label := "a cookie"
				if known {
					label = "cookie " + quote(name)
				}
				p.Report(c.Module, c.Call, "%s sets %s without %s", callText(c.Module.File, c.Call), label, strings.Join(missing, ", "))
			}
		},
	})
}

// flagOff reports a cookie flag left unset or set to a false constant.
func flagOff(e syntax.Expr) bool {
	return e == nil || isFalse(e) || isNone(e)
}
