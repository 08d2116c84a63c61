package fastapi

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Starlette applications are often assembled in code rather than with
// decorators: route objects (Route, WebSocketRoute, Mount, Host) in lists
// given to a constructor's routes= (Starlette, Router, FastAPI, Mount,
// Host), or appended to an app's router.routes. This file reads those
// lists where they are statically clear (displays, module variables,
// concatenations, comprehensions over static lists) and records each route
// object as a route, with its mount prefixes.

// routeObject is what a class of route object declares.
type routeObject uint8

const (
	routeObj      routeObject = iota + 1 // Route(path, endpoint, methods=[...]): the endpoint takes the request
	apiRouteObj                          // APIRoute(path, endpoint, ...): the endpoint takes FastAPI parameters
	wsRouteObj                           // WebSocketRoute(path, endpoint): the endpoint takes the websocket
	apiWSRouteObj                        // APIWebSocketRoute(path, endpoint): FastAPI parameters
	mountObj                             // Mount(path, app=... | routes=[...])
	hostObj                              // Host(host, app=... | routes=[...]): no path prefix
)

// routeObjects are Starlette's and FastAPI's route classes, by the short
// name fastapiName gives their qualified names.
var routeObjects = map[string]routeObject{
	"Route": routeObj, "APIRoute": apiRouteObj,
	"WebSocketRoute": wsRouteObj, "APIWebSocketRoute": apiWSRouteObj,
	"Mount": mountObj, "Host": hostObj,
}

// Class-based endpoints: Starlette calls the method named after the
// request's HTTP method (HTTP), or on_receive with each message (websocket).
var (
	httpEndpointClasses = []string{"starlette.endpoints.HTTPEndpoint"}
	wsEndpointClasses   = []string{"starlette.endpoints.WebSocketEndpoint"}
	// endpointMethods are the methods of an HTTPEndpoint that serve requests.
	endpointMethods = []string{"get", "head", "post", "put", "patch", "delete", "options"}
	// wsEndpointHandlers are the methods of a WebSocketEndpoint that see
	// client data, the first one defined being the route's handler.
	wsEndpointHandlers = []string{"on_receive", "on_connect"}
)

// Request types Starlette passes to an endpoint, for endpoints whose
// parameter is not annotated.
const (
	starletteRequest   = "starlette.requests.Request"
	starletteWebSocket = "starlette.websockets.WebSocket"
)

// routesEditMethods are the list methods that add route objects to a
// router's routes.
var routesEditMethods = map[string]bool{"append": true, "extend": true, "insert": true}

// routesSettings reads the routes= of every router made so far (and of
// those its route objects make), once each.
func (m *Model) routesSettings() {
	if m.routesDone == nil {
		m.routesDone = map[*Router]bool{}
	}
	for i := 0; i < len(m.Routers); i++ {
		m.routesSetting(m.Routers[i], nil)
	}
}

// routesSetting reads a router's routes= constructor argument, once.
func (m *Model) routesSetting(r *Router, env flowEnv) {
	if m.routesDone == nil {
		m.routesDone = map[*Router]bool{}
	}
	e, ok := r.Settings["routes"]
	if !ok || m.routesDone[r] {
		return
	}
	m.routesDone[r] = true
	m.routeList(r, r.Scope, e, env, r.Conds, 0)
}

// routeList records the route objects of a list expression on r.
func (m *Model) routeList(r *Router, s *semantic.Scope, e syntax.Expr, env flowEnv, conds *Conds, depth int) {
	items := m.routeItems(s, e, env, depth)
	if items == nil && e != nil && !isNoneExpr(e) {
		m.diag(s.Module, e, "routes %s are not a list found statically; the routes in it are not listed", exprText(s.Module, e))
	}
	for _, it := range items {
		m.routeItem(r, it, conds, depth)
	}
}

// routeItems is listItems that also expands a comprehension over a static
// list: one binding of its element per item, its target bound.
func (m *Model) routeItems(s *semantic.Scope, e syntax.Expr, env flowEnv, depth int) []binding {
	for i := 0; i < maxRouterSteps; i++ {
		b, ok := m.bound(s, e, env)
		if !ok {
			break
		}
		s, e, env = b.s, b.e, b.env
	}
	if lc, ok := e.(*syntax.ListComp); ok && len(lc.Generators) == 1 && len(lc.Generators[0].Ifs) == 0 {
		g := lc.Generators[0]
		m.compTargets(s, g.Target)
		var out []binding
		for _, it := range m.listItems(s, g.Iter, env, depth+1) {
			if next := m.bindTarget(s, g.Target, it, env); next != nil && len(out) < maxContexts {
				out = append(out, binding{s, lc.Elt, next})
			}
		}
		return out
	}
	if x, ok := e.(*syntax.BinOp); ok && x.Op == syntax.Add {
		l, r := m.routeItems(s, x.Left, env, depth+1), m.routeItems(s, x.Right, env, depth+1)
		if l != nil && r != nil {
			return append(l, r...)
		}
		return nil
	}
	switch e.(type) {
	case *syntax.Name, *syntax.Attribute:
		if depth > maxRouterSteps {
			return nil
		}
		if sym, sc := m.Prog.ResolveScope(s, e); sym != nil && sym.Kind == semantic.VarSym && sym.Value() != nil && sc != nil {
			return m.routeItems(sc, sym.Value(), nil, depth+1)
		}
	}
	return m.listItems(s, e, env, depth)
}

// routeObjectCall follows an item to the route object constructor call it
// is (through names bound once), with the class it constructs.
func (m *Model) routeObjectCall(b binding) (binding, routeObject) {
	for i := 0; i < maxRouterSteps; i++ {
		if nb, ok := m.bound(b.s, b.e, b.env); ok {
			b = nb
			continue
		}
		if call, ok := b.e.(*syntax.Call); ok {
			return b, routeObjects[fastapiName(m.Prog.Qualify(b.s, call.Func))]
		}
		sym, sc := m.Prog.ResolveScope(b.s, b.e)
		if sym == nil || sym.Kind != semantic.VarSym || sym.Value() == nil || sc == nil {
			break
		}
		b = binding{sc, sym.Value(), nil}
	}
	return b, 0
}

// routeItem records one route object on r.
func (m *Model) routeItem(r *Router, it binding, conds *Conds, depth int) {
	if depth > maxIncludeDepth {
		return
	}
	b, kind := m.routeObjectCall(it)
	call, _ := b.e.(*syntax.Call)
	if kind == 0 || call == nil {
		if call != nil || b.e != nil {
			m.diag(b.s.Module, b.e, "%s is not a route object found statically; its routes are not listed", exprText(b.s.Module, b.e))
		}
		return
	}
	s, mod := b.s, b.s.Module
	ctx := &stmtCtx{conds: conds, env: b.env, bound: b.env != nil}
	switch kind {
	case routeObj, apiRouteObj:
		m.endpointRoutes(mod, s, r, call, kind == routeObj, false, ctx)
	case wsRouteObj, apiWSRouteObj:
		m.endpointRoutes(mod, s, r, call, kind == wsRouteObj, true, ctx)
	case mountObj, hostObj:
		pathExpr := arg(call, 0, "path")
		if kind == hostObj {
			pathExpr = nil
		}
		m.mountObject(mod, s, r, call, pathExpr, ctx, depth)
	}
}

// endpointRoutes records a Route or WebSocketRoute (starlette: the endpoint
// takes the request itself) or their FastAPI counterparts. An endpoint
// that is an HTTPEndpoint class gives one route per request method it
// defines.
func (m *Model) endpointRoutes(mod *semantic.Module, s *semantic.Scope, r *Router, call *syntax.Call, starlette, ws bool, ctx *stmtCtx) {
	pathExpr, ep := arg(call, 0, "path"), arg(call, 1, "endpoint")
	if cls := m.endpointClass(s, ep, ctx.env); cls != "" {
		m.classEndpoint(mod, s, r, call, pathExpr, cls, ctx)
		return
	}
	methods := []string{"WEBSOCKET"}
	if !ws {
		methods = m.methodsArg(s, call)
	}
	m.addMarkedRoute(mod, s, r, methods, call, pathExpr, m.funcIn(s, ep, ctx.env), starlette, ctx)
}

// addMarkedRoute is addRoute, marking the routes it adds as Starlette
// endpoints when they are.
func (m *Model) addMarkedRoute(mod *semantic.Module, s *semantic.Scope, r *Router, methods []string, call *syntax.Call, pathExpr syntax.Expr, handler *semantic.Function, starlette bool, ctx *stmtCtx) {
	n := len(r.Routes)
	m.addRoute(mod, s, r, methods, call, pathExpr, handler, ctx)
	for _, rt := range r.Routes[n:] {
		rt.Starlette = starlette
	}
}

// endpointClass is the qualified name of the HTTPEndpoint or
// WebSocketEndpoint subclass an endpoint expression names, or "".
func (m *Model) endpointClass(s *semantic.Scope, e syntax.Expr, env flowEnv) string {
	for i := 0; i < maxRouterSteps; i++ {
		b, ok := m.bound(s, e, env)
		if !ok {
			break
		}
		s, e, env = b.s, b.e, b.env
	}
	if e == nil {
		return ""
	}
	q := m.Prog.Qualify(s, e)
	if q == "" || m.Prog.Class(q) == nil {
		return ""
	}
	if m.Prog.IsSubclass(q, httpEndpointClasses...) || m.Prog.IsSubclass(q, wsEndpointClasses...) {
		return m.Prog.Class(q).Qual
	}
	return ""
}

// classEndpoint records the routes of a class-based endpoint: each request
// method an HTTPEndpoint defines, or the websocket a WebSocketEndpoint
// serves.
func (m *Model) classEndpoint(mod *semantic.Module, s *semantic.Scope, r *Router, call *syntax.Call, pathExpr syntax.Expr, cls string, ctx *stmtCtx) {
	if m.Prog.IsSubclass(cls, wsEndpointClasses...) {
		for _, name := range wsEndpointHandlers {
			if f := m.Prog.Method(cls, name); f != nil {
				m.addMarkedRoute(mod, s, r, []string{"WEBSOCKET"}, call, pathExpr, f, true, ctx)
				return
			}
		}
		m.addMarkedRoute(mod, s, r, []string{"WEBSOCKET"}, call, pathExpr, nil, true, ctx)
		return
	}
	for _, name := range endpointMethods {
		if f := m.Prog.Method(cls, name); f != nil && f.Class != nil && !strings.HasPrefix(f.Class.Qual, "starlette.") {
			m.addMarkedRoute(mod, s, r, []string{strings.ToUpper(name)}, call, pathExpr, f, true, ctx)
		}
	}
}

// mountObject records a Mount or Host route object: the app it mounts when
// that is a router of the program, a router of its own when it is given
// routes=, and a mount route otherwise (static files, another ASGI app).
func (m *Model) mountObject(mod *semantic.Module, s *semantic.Scope, r *Router, call *syntax.Call, pathExpr syntax.Expr, ctx *stmtCtx, depth int) {
	path := ""
	if pathExpr != nil {
		var known bool
		if path, known = m.constStringIn(s, pathExpr, ctx.env); !known {
			m.diag(mod, call, "mount path %s is not a constant; it is listed as written", exprText(mod, pathExpr))
			path = "<" + exprText(mod, pathExpr) + ">"
		}
	}
	var child *Router
	if routes := keyword(call, "routes"); routes != nil {
		child = m.routerByNode[call]
		if child == nil {
			child = m.newRouter(mod, s, call, "starlette.routing.Router", s.Qual+"."+shortName(m.Prog.Qualify(s, call.Func))+"()", ctx.conds)
			m.routesDone[child] = true
			m.routeList(child, s, routes, ctx.env, ctx.conds, depth+1)
		}
	} else if app := arg(call, 1, "app"); app != nil {
		child = m.routerOf(mod, s, app, ctx.env)
		if child == nil {
			child = m.graphqlApp(mod, s, app)
		}
	}
	if child == nil {
		if pathExpr == nil {
			return // a Host serving an app not found: no path to list
		}
		m.staticMount(mod, s, r, call, pathExpr, ctx)
		return
	}
	if m.seen(call, r, child) {
		return
	}
	mt := &Mount{Parent: r, Child: child, Path: path, Module: mod, Node: call}
	r.Mounts = append(r.Mounts, mt)
	child.MountedBy = append(child.MountedBy, mt)
}

// routesEditTarget returns the router expression of a statement that adds
// route objects to a router's routes (`app.router.routes.append(Route(...))`,
// `router.routes.extend([...])`, `app.routes.insert(0, Mount(...))`) and
// the list or item it adds, or nil.
func routesEditTarget(call *syntax.Call) (router, added syntax.Expr, list bool) {
	a, ok := call.Func.(*syntax.Attribute)
	if !ok || !routesEditMethods[a.Attr.Name] {
		return nil, nil, false
	}
	routes, ok := a.Value.(*syntax.Attribute)
	if !ok || routes.Attr.Name != "routes" {
		return nil, nil, false
	}
	switch a.Attr.Name {
	case "append":
		return routes.Value, arg(call, 0, "object"), false
	case "extend":
		return routes.Value, arg(call, 0, "iterable"), true
	default:
		return routes.Value, arg(call, 1, "object"), false
	}
}

// routesEdit applies a routes-editing statement to the router it edits,
// reporting whether the statement is one and whether its router was found.
func (m *Model) routesEdit(mod *semantic.Module, s *semantic.Scope, call *syntax.Call, ctx *stmtCtx) (isEdit, found bool) {
	target, added, list := routesEditTarget(call)
	if target == nil || added == nil {
		return target != nil, false
	}
	r := m.routerOf(mod, s, target, ctx.env)
	if r == nil {
		return true, false
	}
	if m.seen(call, r, nil) {
		return true, true
	}
	if list {
		m.routeList(r, s, added, ctx.env, ctx.conds, 0)
	} else {
		m.routeItem(r, binding{s, added, ctx.env}, ctx.conds, 0)
	}
	return true, true
}

// starletteParams are the parameters of a Starlette endpoint: the request
// (or websocket) it is called with, and for a websocket endpoint class's
// on_receive, the message, which is client data.
func (m *Model) starletteParams(rt *Route) []*Param {
	h := rt.Handler
	args := h.Node.Args.All()
	if h.Class != nil && !h.Node.IsStaticMethod() && len(args) > 0 {
		args = args[1:]
	}
	ws := len(rt.Methods) > 0 && rt.Methods[0] == "WEBSOCKET"
	var out []*Param
	for i, a := range args {
		p := &Param{Name: a.Name.Name, Arg: a, Kind: SpecialParam}
		typ, _, typScope := m.unwrapAnnotated(h.Outer, a.Annotation)
		p.TypeExpr = typ
		if typ != nil {
			p.Type = m.Prog.AnnotationType(typScope, typ)
		}
		switch {
		case i > 0 && ws:
			p.Kind = BodyParam // on_receive's message
		case i > 0:
			continue
		case p.Type == "" || !specialTypes[fastapiName(p.Type)]:
			p.Type = starletteRequest
			if ws {
				p.Type = starletteWebSocket
			}
		}
		out = append(out, p)
	}
	return out
}

// compKey is a comprehension variable: its scope and name.
type compKey struct {
	s    *semantic.Scope
	name string
}

// compTargets gives the names a comprehension binds symbols of their own
// when the scope has none for them (scopes do not record comprehension
// variables), so that contexts can bind them.
func (m *Model) compTargets(s *semantic.Scope, target syntax.Expr) {
	switch t := target.(type) {
	case *syntax.Name:
		if sym, _ := s.Lookup(t.ID); sym == nil {
			if m.compSyms == nil {
				m.compSyms = map[compKey]*semantic.Symbol{}
			}
			if m.compSyms[compKey{s, t.ID}] == nil {
				m.compSyms[compKey{s, t.ID}] = &semantic.Symbol{Name: t.ID, Kind: semantic.VarSym}
			}
		}
	case *syntax.Tuple:
		for _, el := range t.Elts {
			m.compTargets(s, el)
		}
	}
}

// lookupName is the symbol a name refers to in scope s: the scope's, or a
// comprehension variable's.
func (m *Model) lookupName(s *semantic.Scope, name string) *semantic.Symbol {
	if sym, _ := s.Lookup(name); sym != nil {
		return sym
	}
	return m.compSyms[compKey{s, name}]
}
