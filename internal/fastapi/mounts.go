package fastapi

import (
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// useKey is one statement applied to one router (and included or mounted
// router): evaluated in several contexts, it takes effect once.
type useKey struct {
	node          *syntax.Call
	router, child *Router
}

// seen reports whether the call was already applied to r (and child), and
// records it.
func (m *Model) seen(call *syntax.Call, r, child *Router) bool {
	k := useKey{call, r, child}
	if m.usesSeen[k] {
		return true
	}
	m.usesSeen[k] = true
	return false
}

// funcIn resolves an expression naming a handler: a program function, a
// bound method (self.handler, obj.handler), or a parameter bound to one.
func (m *Model) funcIn(s *semantic.Scope, e syntax.Expr, env flowEnv) *semantic.Function {
	for i := 0; i < maxRouterSteps; i++ {
		b, ok := m.bound(s, e, env)
		if !ok {
			break
		}
		s, e, env = b.s, b.e, b.env
	}
	if f := m.funcOf(s, e); f != nil {
		return f
	}
	// A function whose name is rebound to the decorated result.
	if q := m.Prog.Qualify(s, e); q != "" {
		if f := m.Prog.Func(q); f != nil {
			return f
		}
	}
	if a, ok := e.(*syntax.Attribute); ok {
		if cls := m.classOf(s, a.Value, env, 0); cls != "" {
			return m.Prog.Method(cls, a.Attr.Name)
		}
	}
	return nil
}

// MountMethod is the method of a route that serves a mounted ASGI app
// other than a FastAPI app or router: static files, a single-page
// frontend, an app built by a library.
const MountMethod = "MOUNT"

// staticMount records a mount of something that is not an app or router of
// the program (StaticFiles, a frontend, another ASGI app) as one route.
func (m *Model) staticMount(mod *semantic.Module, s *semantic.Scope, r *Router, call *syntax.Call, pathExpr syntax.Expr, ctx *stmtCtx) {
	if pathExpr == nil {
		return
	}
	path, known := m.constStringIn(s, pathExpr, ctx.env)
	if !known {
		m.diag(mod, call, "mount path %s is not a constant; it is listed as written", exprText(mod, pathExpr))
		path = "<" + exprText(mod, pathExpr) + ">"
	}
	rt := &Route{Router: r, Methods: []string{MountMethod}, Path: path, PathKnown: known, Module: mod, Node: call,
		Kwargs: map[string]syntax.Expr{}, Conds: ctx.conds}
	for _, kw := range call.Keywords {
		if kw.Arg != nil {
			rt.Kwargs[kw.Arg.Name] = kw.Value
		}
	}
	rt.Wrappers = m.appWrappers(s, arg(call, 1, "app"))
	r.Routes = append(r.Routes, rt)
}

// appWrappers returns the program classes a mounted app expression
// constructs around an app: Guard(inner_app), either branch of
// `Guard(inner_app) if enabled else inner_app`, nested wrappers.
func (m *Model) appWrappers(s *semantic.Scope, e syntax.Expr) []string {
	var out []string
	var walk func(e syntax.Expr, depth int)
	walk = func(e syntax.Expr, depth int) {
		if depth > 4 {
			return
		}
		switch e := e.(type) {
		case *syntax.IfExp:
			walk(e.Body, depth+1)
			walk(e.Orelse, depth+1)
		case *syntax.Call:
			q := m.Prog.Qualify(s, e.Func)
			if q == "" || m.Prog.Class(q) == nil {
				return
			}
			out = append(out, q)
			if inner := arg(e, 0, "app"); inner != nil {
				walk(inner, depth+1)
			}
		}
	}
	walk(e, 0)
	return out
}

// mountGuard names the first class wrapped around a mounted app whose
// __call__ rejects requests without credentials (answers or raises 401 or
// 403 under a condition on the credential or the scope's user), as an
// authenticating middleware does; "" when none does.
func (m *Model) mountGuard(rt *Route) string {
	if rt == nil {
		return ""
	}
	for _, q := range rt.Wrappers {
		if f := m.Prog.Method(q, "__call__"); f != nil && m.rejectsRequests(f, 0, map[*semantic.Function]bool{}) {
			return shortName(q)
		}
	}
	return ""
}

// overridePaths returns the paths a route is registered at when the
// router's class overrides the registering method (add_api_route, or
// add_api_websocket_route for websockets) and calls its base once or more
// with a path computed from the declared one (a trailing-slash twin, a
// version prefix). It returns nil when the class does not override it, or
// when the override cannot be followed.
func (m *Model) overridePaths(r *Router, methods []string, path string, known bool) []string {
	if !known || len(methods) == 0 || methods[0] == MountMethod {
		return nil
	}
	name := "add_api_route"
	if methods[0] == "WEBSOCKET" {
		name = "add_api_websocket_route"
	}
	f := m.Prog.Method(r.Class, name)
	if f == nil || f.Class == nil || len(f.Node.Args.All()) < 2 {
		return nil
	}
	param := f.Node.Args.All()[1].Name.Name
	in := &overrideRun{m: m, f: f, name: name, env: map[string]string{param: path}}
	if !in.stmts(f.Node.Body, 0) || len(in.paths) == 0 {
		return nil
	}
	return in.paths
}

// overrideRun interprets the straight-line string logic of an override.
type overrideRun struct {
	m     *Model
	f     *semantic.Function
	name  string
	env   map[string]string
	paths []string
	steps int
}

// stmts runs statements; false means the logic could not be followed.
func (in *overrideRun) stmts(body []syntax.Stmt, depth int) bool {
	if depth > 8 {
		return false
	}
	for _, st := range body {
		if in.steps++; in.steps > 200 {
			return false
		}
		switch n := st.(type) {
		case *syntax.Assign:
			if len(n.Targets) != 1 {
				continue
			}
			t, ok := n.Targets[0].(*syntax.Name)
			if !ok {
				continue
			}
			if v, ok := in.str(n.Value); ok {
				in.env[t.ID] = v
			} else {
				delete(in.env, t.ID)
			}
		case *syntax.If:
			c, ok := in.cond(n.Test)
			if !ok {
				return false
			}
			branch := n.Orelse
			if c {
				branch = n.Body
			}
			if !in.stmts(branch, depth+1) {
				return false
			}
		case *syntax.ExprStmt:
			call, ok := n.Value.(*syntax.Call)
			if !ok {
				continue
			}
			a, ok := call.Func.(*syntax.Attribute)
			if !ok || a.Attr.Name != in.name {
				continue
			}
			if sup, ok := a.Value.(*syntax.Call); !ok || in.m.Prog.Qualify(in.f.Scope, sup.Func) != "super" {
				continue
			}
			p, ok := in.str(arg(call, 0, "path"))
			if !ok {
				return false
			}
			in.paths = append(in.paths, p)
		case *syntax.Return:
			return true
		}
	}
	return true
}

// str evaluates a string expression: constants and known names, slices
// and concatenations of them.
func (in *overrideRun) str(e syntax.Expr) (string, bool) {
	switch e := e.(type) {
	case *syntax.Subscript:
		v, ok := in.str(e.Value)
		sl, isSlice := e.Slice.(*syntax.Slice)
		if !ok || !isSlice || sl.Step != nil {
			return "", false
		}
		lo, hi := 0, len(v)
		if sl.Lower != nil {
			if lo, ok = intConst(sl.Lower, len(v)); !ok {
				return "", false
			}
		}
		if sl.Upper != nil {
			if hi, ok = intConst(sl.Upper, len(v)); !ok {
				return "", false
			}
		}
		if lo > hi {
			return "", true
		}
		return v[lo:hi], true
	case *syntax.BinOp:
		if e.Op == syntax.Add {
			l, ok1 := in.str(e.Left)
			r, ok2 := in.str(e.Right)
			return l + r, ok1 && ok2
		}
		return "", false
	}
	return in.m.constStringEnv(in.f.Scope, e, in.env, 0)
}

// cond evaluates a condition on known strings: startswith, endswith,
// equality and not.
func (in *overrideRun) cond(e syntax.Expr) (bool, bool) {
	switch e := e.(type) {
	case *syntax.UnaryOp:
		if e.Op == syntax.Not {
			v, ok := in.cond(e.Operand)
			return !v, ok
		}
	case *syntax.Call:
		a, ok := e.Func.(*syntax.Attribute)
		if !ok || len(e.Args) != 1 {
			return false, false
		}
		v, ok1 := in.str(a.Value)
		x, ok2 := in.str(e.Args[0])
		if !ok1 || !ok2 {
			return false, false
		}
		switch a.Attr.Name {
		case "endswith":
			return strings.HasSuffix(v, x), true
		case "startswith":
			return strings.HasPrefix(v, x), true
		}
	case *syntax.Compare:
		if len(e.Ops) != 1 || len(e.Comparators) != 1 {
			return false, false
		}
		l, ok1 := in.str(e.Left)
		r, ok2 := in.str(e.Comparators[0])
		if !ok1 || !ok2 {
			return false, false
		}
		switch e.Ops[0] {
		case syntax.Eq:
			return l == r, true
		case syntax.NotEq:
			return l != r, true
		}
	}
	return false, false
}

// intConst evaluates a slice bound: an integer literal, negative ones
// counted from the end of a string of length n, clamped to it.
func intConst(e syntax.Expr, n int) (int, bool) {
	neg := false
	if u, ok := e.(*syntax.UnaryOp); ok && u.Op == syntax.USub {
		neg, e = true, u.Operand
	}
	c, ok := e.(*syntax.Constant)
	if !ok || c.Kind != syntax.ConstInt {
		return 0, false
	}
	v, err := strconv.Atoi(c.Value)
	if err != nil {
		return 0, false
	}
	if neg {
		v = n - v
	}
	return max(0, min(v, n)), true
}
