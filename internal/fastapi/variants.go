package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// A router factory builds a router from its arguments:
// `def make(prefix, deps): r = APIRouter(prefix=prefix, dependencies=deps)`.
// Each call site gives a router of its own, with that call's prefix and
// dependencies. The routes are declared once, on the router the factory's
// body makes (its base); each call site's router is a variant of it that
// shares its routes, includes and mounts and has its own prefix and
// dependencies.

// variantSettings are the constructor arguments that make a variant when
// they use a parameter of the factory.
var variantSettings = []string{"prefix", "dependencies"}

// variantKey is one base router with the expressions its factory's
// parameters are bound to at one call site.
type variantKey struct {
	base *Router
	args [4]syntax.Expr
}

// factoryParams returns the parameters of the function a router is made in
// that its prefix= or dependencies= use (at most four), or nil.
func (m *Model) factoryParams(r *Router) []*semantic.Symbol {
	if r.IsApp || r.Scope == nil || r.Scope.Kind != semantic.FunctionScope {
		return nil
	}
	var out []*semantic.Symbol
	seen := map[*semantic.Symbol]bool{}
	for _, name := range variantSettings {
		e, ok := r.Settings[name]
		if !ok {
			continue
		}
		syntax.Inspect(e, func(n syntax.Node) bool {
			if id, ok := n.(*syntax.Name); ok {
				if sym := r.Scope.Names[id.ID]; sym != nil && sym.Kind == semantic.ParamSym && !seen[sym] && len(out) < 4 {
					seen[sym] = true
					out = append(out, sym)
				}
			}
			return true
		})
	}
	return out
}

// variant returns the router r stands for where its factory's parameters
// are bound by env: r itself when nothing binds them, else the call
// site's variant, made the first time.
func (m *Model) variant(r *Router, env flowEnv) *Router {
	if env == nil || r.base != nil {
		return r
	}
	params := m.factoryParams(r)
	var key variantKey
	key.base = r
	bound := false
	for i, p := range params {
		if b, ok := env[p]; ok {
			key.args[i], bound = b.e, true
		}
	}
	if !bound {
		return r
	}
	if v := m.variants[key]; v != nil {
		return v
	}
	v := &Router{Name: r.Name, Module: r.Module, Scope: r.Scope, Node: r.Node, Class: r.Class, IsApp: r.IsApp,
		Prefix: r.Prefix, Tags: r.Tags, Settings: r.Settings, Conds: r.Conds, kwargs: r.kwargs, base: r}
	if p, ok := r.Settings["prefix"]; ok {
		if s, known := m.constStringIn(r.Scope, p, env); known {
			v.Prefix = s
		} else {
			m.diag(r.Module, p, "router prefix %s is not a constant at this call of its factory", exprText(r.Module, p))
		}
	}
	if init := m.Prog.Method(r.Class, "__init__"); init != nil {
		m.superInitDeps(v, init)
	}
	if deps, ok := r.Settings["dependencies"]; ok {
		items := m.listItems(r.Scope, deps, env, 0)
		if _, bound := m.bound(r.Scope, deps, env); !bound && (items == nil || m.factoryArg(r, deps)) {
			// Not a list these bindings give (a parameter bound further up
			// than they follow, a conditional expression): read as for the
			// base router, through the factory's callers.
			v.Deps = append(v.Deps, m.dependencyList(r.Module, r.Scope, deps)...)
		}
		for _, it := range items {
			call, ok := it.e.(*syntax.Call)
			if !ok {
				continue
			}
			if name := fastapiName(m.Prog.Qualify(it.s, call.Func)); name == "Depends" || name == "Security" {
				v.Deps = append(v.Deps, m.dependency(it.s, call, name == "Security", nil, it.s, nil, 0))
			}
		}
	}
	if m.variants == nil {
		m.variants = map[variantKey]*Router{}
	}
	m.variants[key] = v
	r.variantCount++
	return v
}

// shared returns the routers whose routes, includes and mounts r serves:
// r, and for a variant its base.
func (r *Router) shared() []*Router {
	if r.base != nil {
		return []*Router{r, r.base}
	}
	return []*Router{r}
}

// factoryArg reports a constructor argument that is one of the parameters
// of the factory the router is made in: each call site's variant reads it.
func (m *Model) factoryArg(r *Router, e syntax.Expr) bool {
	n, ok := e.(*syntax.Name)
	if !ok || r.Scope == nil || r.Scope.Kind != semantic.FunctionScope {
		return false
	}
	sym := r.Scope.Names[n.ID]
	return sym != nil && sym.Kind == semantic.ParamSym
}
