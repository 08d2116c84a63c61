package rules

import (
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// OWASP categories, as findings cite them.
const (
	apiBOLA          = "API1:2023"
	apiAuth          = "API2:2023"
	apiPropertyAuthz = "API3:2023"
	apiResources     = "API4:2023"
	apiFunctionAuthz = "API5:2023"
	apiSSRF          = "API7:2023"
	apiMisconfig     = "API8:2023"
	apiInventory     = "API9:2023"
	apiUnsafeConsume = "API10:2023"
	webAccess        = "A01:2021"
	webCrypto        = "A02:2021"
	webInjection     = "A03:2021"
	webDesign        = "A04:2021"
	webMisconfig     = "A05:2021"
	webComponents    = "A06:2021"
	webAuth          = "A07:2021"
	webIntegrity     = "A08:2021"
	webLogging       = "A09:2021"
	webSSRF          = "A10:2021"
)

// keyword returns a call's keyword argument value, or nil.
func keyword(call *syntax.Call, name string) syntax.Expr { return call.Keyword(name) }

// arg returns positional argument i, or the keyword argument name.
func arg(call *syntax.Call, i int, name string) syntax.Expr { return call.Arg(i, name) }

// hasSplat reports a call with **kwargs, whose keywords are unknown.
func hasSplat(call *syntax.Call) bool {
	for _, kw := range call.Keywords {
		if kw.Arg == nil {
			return true
		}
	}
	return false
}

// isTrue reports the constant True.
func isTrue(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstTrue
}

// isFalse reports the constant False.
func isFalse(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstFalse
}

// isNone reports the constant None.
func isNone(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstNone
}

// constStr returns a string constant's value.
func constStr(e syntax.Expr) (string, bool) {
	c, ok := e.(*syntax.Constant)
	if !ok || c.Kind != syntax.ConstStr {
		return "", false
	}
	return c.Value, true
}

// constInt returns an integer constant's value (decimal literals only).
func constInt(e syntax.Expr) (int64, bool) {
	c, ok := e.(*syntax.Constant)
	if !ok || c.Kind != syntax.ConstInt {
		return 0, false
	}
	var v int64
	for _, ch := range strings.ReplaceAll(c.Value, "_", "") {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		v = v*10 + int64(ch-'0')
		if v > 1<<40 {
			return v, true
		}
	}
	return v, true
}

// resolveValue follows a name bound once to its value, so that
// `origins = ["*"]; add_middleware(..., allow_origins=origins)` is seen
// through. It returns the expression and the scope it is written in.
func resolveValue(p *semantic.Program, s *semantic.Scope, e syntax.Expr) (syntax.Expr, *semantic.Scope) {
	for range 8 {
		switch e.(type) {
		case *syntax.Name, *syntax.Attribute:
			sym, sc := p.ResolveScope(s, e)
			if sym == nil || sc == nil || sym.Kind != semantic.VarSym || sym.Value() == nil {
				return e, s
			}
			e, s = sym.Value(), sc
			continue
		}
		return e, s
	}
	return e, s
}

// stringList returns the string constants of a list, tuple or set display
// (following a name bound once), and whether every element was a constant.
func stringList(p *semantic.Program, s *semantic.Scope, e syntax.Expr) ([]string, bool) {
	e, _ = resolveValue(p, s, e)
	var elts []syntax.Expr
	switch v := e.(type) {
	case *syntax.List:
		elts = v.Elts
	case *syntax.Tuple:
		elts = v.Elts
	case *syntax.Set:
		elts = v.Elts
	default:
		if str, ok := constStr(e); ok {
			return []string{str}, true
		}
		return nil, false
	}
	var out []string
	all := true
	for _, el := range elts {
		if str, ok := constStr(el); ok {
			out = append(out, str)
		} else {
			all = false
		}
	}
	return out, all
}

// rootApps returns the FastAPI and Starlette applications that are served
// directly (not mounted into another app) and have routes.
func rootApps(m *fastapi.Model) []*fastapi.Router {
	served := map[*fastapi.Router]bool{}
	for _, e := range m.Endpoints {
		if e.App != nil {
			served[e.App] = true
		}
	}
	var out []*fastapi.Router
	for _, r := range m.Routers {
		if r.IsApp && len(r.MountedBy) == 0 && served[r] {
			out = append(out, r)
		}
	}
	return out
}

// middlewareNamed returns the middleware of an app whose class has one of
// the short names.
func middlewareNamed(app *fastapi.Router, names ...string) []*fastapi.Middleware {
	var out []*fastapi.Middleware
	for _, mw := range app.Middleware {
		short := mw.Class[strings.LastIndexByte(mw.Class, '.')+1:]
		for _, n := range names {
			if short == n {
				out = append(out, mw)
			}
		}
	}
	return out
}

// setsHeader reports whether the program sets a response header anywhere:
// as a dict key, a headers[...] assignment or a keyword of a
// security-headers helper.
func setsHeader(ix *semantic.Index, names ...string) bool {
	for _, a := range ix.Assigns {
		for _, n := range names {
			if strings.EqualFold(a.Name, n) {
				return true
			}
		}
	}
	for _, c := range ix.Calls {
		for _, e := range c.Call.Args {
			if s, ok := constStr(e); ok {
				for _, n := range names {
					if strings.EqualFold(s, n) {
						return true
					}
				}
			}
		}
	}
	return false
}

// importsPackage reports whether any module imports from a package.
func importsPackage(prog *semantic.Program, prefixes ...string) bool {
	for _, m := range prog.Modules {
		for _, sym := range m.Scope.Names {
			if sym.Kind != semantic.ImportSym {
				continue
			}
			for _, p := range prefixes {
				if sym.Target == p || strings.HasPrefix(sym.Target, p+".") {
					return true
				}
			}
		}
	}
	return false
}

// keys returns the keys of a set or map, sorted.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
