package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA506", Name: "auth-rate-limit", Title: "No rate limit on an authentication endpoint",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{307}, OWASP: []string{apiResources, apiAuth, webAuth},
		Remediation: "Rate-limit login, token, password-reset and one-time-code endpoints per client and per account (slowapi's @limiter.limit(\"5/minute\"), fastapi-limiter's Depends(RateLimiter(...)), or a rate-limiting middleware), and lock accounts after repeated failures.",
		Doc: Doc{
			What: "A route that checks a password or a one-time code, or sends reset codes or creates accounts (by its path, " +
				"its handler's name, or an `OAuth2PasswordRequestForm` body), with no rate limiting at any level: no slowapi " +
				"decorator (`@limiter.limit(...)`) and no `SlowAPIMiddleware` with `default_limits`, no fastapi-limiter " +
				"`Depends(RateLimiter(...))` on the app, router, route or a dependency, no `@throttle`-style decorator, no " +
				"dependency, decorator or middleware named for rate limiting or throttling, and no lockout counter in the " +
				"handler. Routes that already require authentication are exempt, except one-time-code verification.",
			Why: "Without a limit, an attacker tries passwords as fast as the server answers: credential stuffing with leaked " +
				"password lists, guessing a 6-digit reset or 2FA code (a million tries) in minutes, flooding users with reset " +
				"emails or SMS, and creating accounts in bulk. Argon2 or bcrypt slow each guess but do not stop them, and " +
				"make the endpoint an easy CPU denial of service.",
			Example: "@router.post(\"/login/access-token\")\ndef login(form_data: OAuth2PasswordRequestForm = Depends()): ...\n",
			Fix: "```python\nfrom slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\nlimiter = Limiter(key_func=get_remote_address)\n" +
				"app.state.limiter = limiter\n\n@router.post(\"/login/access-token\")\n@limiter.limit(\"5/minute\")\n" +
				"def login(request: Request, form_data: OAuth2PasswordRequestForm = Depends()): ...\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks",
				"https://slowapi.readthedocs.io/",
			},
		},
		Check: checkAuthRateLimit,
	})
}

// authKind is what an authentication endpoint does, for messages.
type authKind uint8

const (
	notAuth authKind = iota
	loginKind
	resetKind
	otpKind
	signupKind
)

var (
	otpPathRE    = namere.MustCompile(`(?i)(^|/)(otp|verify[-_]?(otp|code|2fa|mfa|totp|pin|sms)|2fa|mfa|totp|two[-_]?factor|one[-_]?time[-_]?(code|password))(/|$|\{)`)
	resetPathRE  = namere.MustCompile(`(?i)(^|/)(password[-_/]?(reset|recovery|recover|forgot|forgotten)|(reset|forgot|forgotten|recover)[-_/]?password)(/|$|\{)`)
	loginPathRE  = namere.MustCompile(`(?i)(^|/)(log-?in|sign-?in|token|access-?token|authenticate)(/|$|\{)`)
	signupPathRE = namere.MustCompile(`(?i)(^|/)(sign-?up|register|registration)(/|$|\{)`)

	otpFuncRE    = namere.MustCompile(`(?i)(^|_)(otp|2fa|mfa|totp|two_?factor)(_|$)|^verify_(code|pin|sms)`)
	resetFuncRE  = namere.MustCompile(`(?i)(reset|forgot|recover)_?password|password_?(reset|recovery|forgot)`)
	loginFuncRE  = namere.MustCompile(`(?i)(^|_)(login|log_in|signin|sign_in|authenticate)(_|$)|(^|_)access_token$|^(get|issue|obtain|create)_token$|^token$`)
	signupFuncRE = namere.MustCompile(`(?i)^(signup|sign_up|register|register_(user|account|customer|member)|create_account|user_signup)$`)

	// notAuthRE are routes near authentication that guess nothing.
	notAuthRE = namere.MustCompile(`(?i)refresh|revoke|log-?out|sign-?out|introspect|test[-_]token|\bme\b|jwks|well-known|callback|authorize`)

	// rateLimitRE names rate limiters: decorators, dependencies, middleware.
	rateLimitRE = namere.MustCompile(`(?i)rate_?limit|throttl|limiter|slowapi`)
	// limitDecoratorRE are decorators named just limit or limits
	// (@limiter.limit, the ratelimit package's @limits).
	limitDecoratorRE = namere.MustCompile(`^limits?$`)
	// otpCheckRE are one-time-code routes that check a code, as opposed to
	// setting up 2FA for a signed-in user.
	otpCheckRE = namere.MustCompile(`(?i)verify|validate|confirm|check|challenge|log-?in|sign-?in`)
	// lockoutRE are account lockout counters, which also stop guessing.
	lockoutRE = namere.MustCompile(`(?i)lock_?out|locked_?out|locked_until|lock_until|lock_user|lock_account|is_locked|failed_(login_)?attempts|login_attem|failed_logins|max_attempts|attempts_left|remaining_attempts`)
	// resetTokenRE and shortCodeRE tell a reset link's long token from a
	// short code that can be guessed.
	resetTokenRE = namere.MustCompile(`(?i)(^|_)token$`)
	shortCodeRE  = namere.MustCompile(`(?i)code|pin|otp`)
)

// authEndpointKind classifies an endpoint by its path, its handler's name
// and a password form.
func authEndpointKind(p *Pass, e *fastapi.Endpoint) authKind {
	name := handlerName(e)
	if notAuthRE.MatchString(e.FullPath) || notAuthRE.MatchString(name) {
		return notAuth
	}
	switch {
	case otpPathRE.MatchString(e.FullPath) || otpFuncRE.MatchString(name):
		return otpKind
	case resetPathRE.MatchString(e.FullPath) || resetFuncRE.MatchString(name):
		return resetKind
	case signupPathRE.MatchString(e.FullPath) || signupFuncRE.MatchString(name):
		return signupKind
	case loginPathRE.MatchString(e.FullPath) || loginFuncRE.MatchString(name) || passwordForm(e):
		return loginKind
	}
	return notAuth
}

// handlerName is the name of an endpoint's handler, or "".
func handlerName(e *fastapi.Endpoint) string {
	if e.Handler == nil {
		return ""
	}
	return e.Handler.Node.Name.Name
}

// passwordForm reports an OAuth2 password form among the endpoint's
// dependencies.
func passwordForm(e *fastapi.Endpoint) bool {
	found := false
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		if strings.HasPrefix(shortQual(d.Callable), "OAuth2PasswordRequestForm") {
			found = true
		}
		return !found
	})
	return found
}

// resetsWithToken reports an endpoint that takes a token (from a reset
// link) and no short code.
func resetsWithToken(p *Pass, e *fastapi.Endpoint) bool {
	token, code := false, false
	see := func(name string) {
		token = token || resetTokenRE.MatchString(name)
		code = code || shortCodeRE.MatchString(name)
	}
	params := append([]*fastapi.Param(nil), e.Params...)
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		params = append(params, d.Params...)
		return true
	})
	for _, prm := range params {
		if !prm.Kind.FromRequest() {
			continue
		}
		see(prm.Name)
		if prm.Type == "" {
			continue
		}
		for _, q := range append([]string{prm.Type}, p.Prog.Ancestors(prm.Type)...) {
			if dm := p.Model.ModelOf(q); dm != nil && dm.Pydantic {
				for _, f := range dm.Fields {
					see(f.Name)
				}
			}
		}
	}
	return token && !code
}

// walkDeps visits dependencies and theirs, once each, until f returns false.
func walkDeps(deps []*fastapi.Dependency, f func(*fastapi.Dependency) bool) {
	seen := map[*fastapi.Dependency]bool{}
	var walk func(d *fastapi.Dependency, depth int) bool
	walk = func(d *fastapi.Dependency, depth int) bool {
		if seen[d] || depth > 12 {
			return true
		}
		seen[d] = true
		if !f(d) {
			return false
		}
		for _, sub := range d.Sub {
			if !walk(sub, depth+1) {
				return false
			}
		}
		return true
	}
	for _, d := range deps {
		if !walk(d, 0) {
			return
		}
	}
}

// guessable reports methods that submit credentials.
func guessable(e *fastapi.Endpoint) bool {
	for _, m := range e.Methods {
		switch m {
		case "POST", "PUT", "PATCH":
			return true
		}
	}
	return false
}

func checkAuthRateLimit(p *Pass) {
	global := globalRateLimit(p)
	reported := map[syntax.Node]bool{}
	for _, e := range p.Model.Endpoints {
		if reported[e.Node] || !guessable(e) {
			continue
		}
		kind := authEndpointKind(p, e)
		if kind == notAuth {
			continue
		}
		if e.Auth != nil && (kind != otpKind || !otpCheckRE.MatchString(e.FullPath+" "+handlerName(e))) {
			continue // signed-in users changing their own password or setting up 2FA are not guessing
		}
		if kind == resetKind && resetsWithToken(p, e) {
			continue // the last step of a reset link: its token cannot be guessed
		}
		if rateLimited(p, e, global) {
			continue
		}
		reported[e.Node] = true
		switch kind {
		case otpKind:
			p.Report(e.Module, e.Node, "%s handles one-time codes with no rate limit: a 6-digit code can be guessed in minutes", routeName(e))
		case resetKind:
			p.Report(e.Module, e.Node, "%s is a password-reset endpoint with no rate limit: reset codes can be guessed and reset messages sent in bulk", routeName(e))
		case signupKind:
			f := p.Report(e.Module, e.Node, "%s is a sign-up endpoint with no rate limit: accounts can be created in bulk and registered addresses probed", routeName(e))
			f.Severity = finding.Low
		default:
			p.Report(e.Module, e.Node, "%s is an authentication endpoint with no rate limit: passwords can be guessed at full speed", routeName(e))
		}
	}
}

// rateLimited reports a rate limit on an endpoint: global to its app, a
// dependency at any level, a decorator of its handler, or a lockout
// counter in its handler.
func rateLimited(p *Pass, e *fastapi.Endpoint, global map[*fastapi.Router]bool) bool {
	if global[nil] || global[e.App] || global[e.Route.Router] {
		return true
	}
	if e.App == nil && len(global) > 0 {
		return true // a router whose app we did not find, in a program that limits some app
	}
	limited := false
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		limited = rateLimitRE.MatchString(shortQual(d.Callable)) || rateLimitRE.MatchString(d.Name()) ||
			d.Node != nil && rateLimitRE.MatchString(depCallText(d))
		return !limited
	})
	if limited || e.Handler == nil {
		return limited
	}
	h := e.Handler
	for _, dec := range h.Node.Decorators {
		if dec == e.Node {
			continue
		}
		fn := dec
		if c, ok := dec.(*syntax.Call); ok {
			fn = c.Func
		}
		text := h.Module.File.Text(fn)
		if strings.Contains(strings.ToLower(text), "exempt") {
			continue
		}
		for _, part := range strings.Split(text, ".") {
			if rateLimitRE.MatchString(part) || limitDecoratorRE.MatchString(part) {
				return true
			}
		}
	}
	return bodyLimits(p, h, 0)
}

// depCallText is the source text of a dependency's Depends(...) call.
func depCallText(d *fastapi.Dependency) string {
	if d.Module == nil {
		return ""
	}
	return d.Module.File.Text(d.Node)
}

// bodyLimits reports a call to a rate limiter or a lockout counter in a
// handler, or in a program function it calls directly.
func bodyLimits(p *Pass, f *semantic.Function, depth int) bool {
	found := false
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if found {
				return false
			}
			switch x := n.(type) {
			case *syntax.Name:
				found = lockoutRE.MatchString(x.ID)
			case *syntax.Attribute:
				found = lockoutRE.MatchString(x.Attr.Name)
			case *syntax.Constant:
				found = x.Kind == syntax.ConstStr && lockoutRE.MatchString(x.Value)
			case *syntax.Call:
				if rateLimitRE.MatchString(f.Module.File.Text(x.Func)) {
					found = true
				} else if depth == 0 {
					if c := p.Prog.ResolveCall(f.Scope, x); c != nil && c.Func != nil && c.Func != f {
						found = bodyLimits(p, c.Func, depth+1)
					}
				}
			}
			return !found
		})
	}
	return found
}

// globalRateLimit returns the apps (and routers) whose every route is rate
// limited: rate-limiting middleware, or slowapi with default limits. The
// nil key stands for every app.
func globalRateLimit(p *Pass) map[*fastapi.Router]bool {
	out := map[*fastapi.Router]bool{}
	defaults := slowapiDefaults(p)
	for _, r := range p.Model.Routers {
		for _, mw := range r.Middleware {
			name := shortQual(mw.Class)
			if mw.Class == "" && mw.Func != nil {
				name = mw.Func.Node.Name.Name
			}
			if strings.HasPrefix(name, "SlowAPI") {
				if defaults {
					out[r] = true
				}
				continue
			}
			if rateLimitRE.MatchString(name) {
				out[r] = true
			}
		}
	}
	if defaults && limiterOnState(p) {
		out[nil] = true
	}
	return out
}

// slowapiDefaults reports a slowapi Limiter created with default or
// application limits (or options we cannot read).
func slowapiDefaults(p *Pass) bool {
	for _, c := range p.Index.CallsTo("slowapi.Limiter", "slowapi.extension.Limiter") {
		if hasSplat(c.Call) {
			return true
		}
		for _, kw := range []string{"default_limits", "application_limits", "config_filename"} {
			if v := keyword(c.Call, kw); v != nil {
				if l, ok := v.(*syntax.List); ok && len(l.Elts) == 0 {
					continue
				}
				return true
			}
		}
	}
	return false
}

// limiterOnState reports `app.state.limiter = ...`, how slowapi is attached.
func limiterOnState(p *Pass) bool {
	for _, a := range p.Index.Assigns {
		if a.Name != "limiter" {
			continue
		}
		if as, ok := a.Node.(*syntax.Assign); ok {
			for _, t := range as.Targets {
				if attr, ok := t.(*syntax.Attribute); ok {
					if base, ok := attr.Value.(*syntax.Attribute); ok && base.Attr.Name == "state" {
						return true
					}
				}
			}
		}
	}
	return false
}
