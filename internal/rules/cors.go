package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// corsPolicy is what a CORSMiddleware allows, as far as it is known.
type corsPolicy struct {
	mw          *fastapi.Middleware
	scope       *semantic.Scope
	anyOrigin   string      // why any origin is allowed ("*", a regex, "null"), or ""
	anyNode     syntax.Node // the value that allows it
	credentials bool
}

// corsPolicies reads every CORSMiddleware added to an app.
func corsPolicies(p *Pass) []corsPolicy {
	var out []corsPolicy
	for _, r := range p.Model.Routers {
		for _, mw := range middlewareNamed(r, "CORSMiddleware") {
			pol := corsPolicy{mw: mw, scope: r.Scope}
			if mw.Module != r.Module {
				pol.scope = mw.Module.Scope
			}
			if v := mw.Kwargs["allow_credentials"]; v != nil {
				v, _ = withSettingDefault(p, pol.scope, v)
				pol.credentials = isTrue(v)
			}
			if v := mw.Kwargs["allow_origins"]; v != nil {
				ov, oscope := withSettingDefault(p, pol.scope, v)
				origins, _ := stringList(p.Prog, oscope, ov)
				for _, o := range origins {
					if o == "*" || o == "null" {
						pol.anyOrigin, pol.anyNode = o, v
						break
					}
				}
			}
			if v := mw.Kwargs["allow_origin_regex"]; v != nil && pol.anyOrigin == "" {
				rv, _ := withSettingDefault(p, pol.scope, v)
				if re, ok := constStr(rv); ok {
					if why := permissiveOriginRegex(re); why != "" {
						pol.anyOrigin, pol.anyNode = why, v
					}
				}
			}
			out = append(out, pol)
		}
	}
	return out
}

var (
	// a dot in a host name that is not escaped matches any character.
	unescapedDotRE = namere.MustCompile(`[A-Za-z0-9\]\)*+?}]\.[A-Za-z]`)
)

// permissiveOriginRegex explains why an allow_origin_regex admits origins
// its author did not mean, or returns "".
func permissiveOriginRegex(re string) string {
	core := strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$")
	switch {
	case core == ".*" || core == ".+" || core == "https?://.*" || core == "https://.*" || core == "http://.*" ||
		strings.HasSuffix(core, "://.*") || strings.HasSuffix(core, "://.+"):
		return "the regex " + quote(re) + " matches any origin"
	case strings.Contains(core, ".*") && !strings.Contains(core, `.*\.`):
		return "the regex " + quote(re) + " lets .* run into the host name, so attacker-controlled domains match"
	case unescapedDotRE.MatchString(strings.ReplaceAll(core, `\.`, "")):
		return "the regex " + quote(re) + " has unescaped dots, which match any character (e.g. examplexcom)"
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }

// withSettingDefault follows a value to what it is bound to, and a
// settings field (`settings.CORS_ORIGINS`) to the default its settings
// class declares, for the middleware options read from configuration.
func withSettingDefault(p *Pass, s *semantic.Scope, e syntax.Expr) (syntax.Expr, *semantic.Scope) {
	v, vs := resolveValue(p.Prog, s, e)
	if d, ds := fastapi.SettingDefault(p.Prog, vs, v); d != nil {
		return d, ds
	}
	return v, vs
}
