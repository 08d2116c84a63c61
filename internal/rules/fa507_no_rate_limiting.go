package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA507", Name: "no-rate-limiting", Title: "No rate limiting anywhere",
		Category: "input", Severity: finding.Low, Confidence: finding.LowConfidence,
		CWE: []int{770}, OWASP: []string{apiResources},
		Remediation: "Rate-limit the API per client (slowapi's Limiter with default_limits and SlowAPIMiddleware, fastapi-limiter's RateLimiter dependency on the app), or document that the gateway or proxy in front of it does.",
		Doc: Doc{
			What: "A served FastAPI application with routes in a program that rate-limits nothing: no slowapi, " +
				"fastapi-limiter, `limits`, `ratelimit` or similar package imported, no middleware, dependency, decorator, " +
				"function, class or setting named for rate limiting or throttling. Reported once per application, at its " +
				"constructor. Authentication endpoints without a limit are reported by FA506; this rule is the app-wide " +
				"gap.",
			Why: "Every endpoint is then as cheap to call a million times as once: scraping whole data sets page by " +
				"page, brute-forcing identifiers and codes, and flooding expensive endpoints (search, exports, uploads, " +
				"calls to paid third-party APIs) until the service or the bill gives out. Limits in a gateway or proxy " +
				"work too, but nothing in the code says there is one.",
			Example: "app = FastAPI()\napp.include_router(api_router, prefix=\"/api/v1\")\n",
			Fix: "```python\nfrom slowapi import Limiter, _rate_limit_exceeded_handler\nfrom slowapi.errors import RateLimitExceeded\n" +
				"from slowapi.middleware import SlowAPIMiddleware\nfrom slowapi.util import get_remote_address\n\n" +
				"limiter = Limiter(key_func=get_remote_address, default_limits=[\"100/minute\"])\n" +
				"app = FastAPI()\napp.state.limiter = limiter\n" +
				"app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)\n" +
				"app.add_middleware(SlowAPIMiddleware)\n```\n\n" +
				"If a gateway (nginx `limit_req`, a cloud API gateway, a WAF) limits requests instead, suppress the " +
				"finding with a comment saying so.",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://slowapi.readthedocs.io/",
				"https://github.com/long2ice/fastapi-limiter",
			},
		},
		Check: checkNoRateLimiting,
	})
}

var (
	// rateLimitPackages are the rate-limiting libraries.
	rateLimitPackages = []string{
		"slowapi", "fastapi_limiter", "limits", "ratelimit", "ratelimiter", "ratelimitingfilter", "aiolimiter",
		"fastapi_throttle", "fastapi_rate_limiter", "fastapi_simple_rate_limiter", "asgi_ratelimit", "ratelimit_asgi",
		"pyrate_limiter", "redis_rate_limit", "throttled", "token_bucket", "fastapi_ratelimit", "starlette_ratelimit",
	}
	// rateLimitNameRE names rate limiters, token buckets and throttles in a
	// program's own code and settings.
	rateLimitNameRE = namere.MustCompile(`(?i)rate_?limit|throttl|limiter|token_?bucket|leaky_?bucket|requests_per_(second|minute|hour)|too_?many_?requests`)
)

func checkNoRateLimiting(p *Pass) {
	apps := rootApps(p.Model)
	if len(apps) == 0 || programRateLimits(p) {
		return
	}
	for _, app := range apps {
		if app.Node == nil || isTestPath(app.Module.Rel) {
			continue
		}
		n := 0
		for _, e := range p.Model.Endpoints {
			if e.App == app {
				n++
			}
		}
		if n == 0 {
			continue
		}
		p.Report(app.Module, app.Node, "%s serves %s with no rate limiting at any level: no limiter middleware, dependency or decorator anywhere in the program",
			app.Name, countOf(n, "route", "routes"))
	}
}

// programRateLimits reports any sign of rate limiting in the program: a
// rate-limiting package, FA506's global limits, or a dependency, decorator,
// middleware, function, class, call or setting named for it. Account
// lockout counters, which FA506 accepts for login routes, are no app-wide
// limit.
func programRateLimits(p *Pass) bool {
	if importsPackage(p.Prog, rateLimitPackages...) || len(globalRateLimit(p)) > 0 {
		return true
	}
	for _, r := range p.Model.Routers {
		for _, mw := range r.Middleware {
			name := shortQual(mw.Class)
			if mw.Class == "" && mw.Func != nil {
				name = mw.Func.Node.Name.Name
			}
			if rateLimitNameRE.MatchString(name) {
				return true
			}
		}
	}
	for _, e := range p.Model.Endpoints {
		limited := false
		walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
			limited = rateLimitRE.MatchString(shortQual(d.Callable)) || rateLimitRE.MatchString(d.Name()) ||
				d.Node != nil && rateLimitRE.MatchString(depCallText(d))
			return !limited
		})
		if limited {
			return true
		}
		if e.Handler != nil {
			for _, dec := range e.Handler.Node.Decorators {
				if dec != e.Node && rateLimitNameRE.MatchString(e.Handler.Module.File.Text(dec)) {
					return true
				}
			}
		}
	}
	for _, f := range p.Prog.Functions() {
		if rateLimitNameRE.MatchString(f.Node.Name.Name) {
			return true
		}
	}
	for _, c := range p.Prog.AllClasses() {
		if rateLimitNameRE.MatchString(c.Node.Name.Name) {
			return true
		}
	}
	for _, a := range p.Index.Assigns {
		if rateLimitNameRE.MatchString(a.Name) {
			return true
		}
	}
	for _, c := range p.Index.Calls {
		if name := c.Call.CalleeName(); name != "" && rateLimitNameRE.MatchString(name) {
			return true
		}
		if limitDecoratorCall(c.Call) {
			return true
		}
	}
	return false
}

// limitDecoratorCall reports limiter.limit("5/minute")-style calls whose
// argument is a rate.
func limitDecoratorCall(c *syntax.Call) bool {
	if n := c.CalleeName(); n != "limit" && n != "limits" && n != "shared_limit" {
		return false
	}
	s, ok := constStr(arg(c, 0, "limit_value"))
	return ok && fa507RateRE.MatchString(strings.TrimSpace(s))
}

// fa507RateRE is a rate as limiters spell it: "5/minute", "100 per hour".
var fa507RateRE = namere.MustCompile(`(?i)^\d+\s*(/|per)\s*\d*\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\b`)
