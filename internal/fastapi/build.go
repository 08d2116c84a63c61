package fastapi

import (
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Options tune the model.
type Options struct {
	// AuthDependencies names extra callables that authenticate (qualified
	// names or bare function names), from the auth-dependencies setting.
	AuthDependencies []string
}

// Build makes the FastAPI model of a program.
func Build(prog *semantic.Program, opts Options) *Model {
	m := &Model{
		Prog:         prog,
		routerBySym:  map[*semantic.Symbol]*Router{},
		schemeBySym:  map[*semantic.Symbol]*Scheme{},
		funcByNode:   map[*syntax.FunctionDef]*semantic.Function{},
		deps:         map[depKey]*depInfo{},
		depCache:     map[depCacheKey]*Dependency{},
		modelByClass: map[*semantic.Class]*DataModel{},
		authNames:    map[string]bool{},
		routerByNode: map[*syntax.Call]*Router{},
		attrs:        map[string][]attrAssign{},
		attrNames:    map[*syntax.Call]string{},
		ctxCache:     map[*semantic.Function][]flowEnv{},
		usesSeen:     map[useKey]bool{},
		dispatchSeen: map[*syntax.Call]bool{},
	}
	for _, n := range opts.AuthDependencies {
		m.authNames[n] = true
	}
	for _, f := range prog.Functions() {
		m.funcByNode[f.Node] = f
	}
	// One walk: objects are recorded at once; statements that may use a
	// router (decorated functions, method-call statements) are kept for
	// the second phase, once every object is known.
	type use struct {
		mod *semantic.Module
		s   *semantic.Scope
		st  syntax.Stmt
		ctx *stmtCtx
	}
	var uses []use
	for _, mod := range prog.Modules {
		m.walk(mod, mod.Scope, mod.File.Body, nil, func(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt, ctx *stmtCtx) {
			m.collectObjects(mod, s, st, ctx)
			m.collectAttr(s, st)
			if mayUseRouter(st) || wrapperCall(st) != nil {
				uses = append(uses, use{mod, s, st, ctx})
			}
		})
	}
	// Dependencies are resolved once every scheme and router is known.
	for _, r := range m.Routers {
		m.routerDeps(r)
	}
	m.routesSettings()
	for _, u := range uses {
		m.collectUses(u.mod, u.s, u.st, u.ctx)
	}
	m.buildGraphQL()
	m.markAuthMiddleware()
	m.resolveEndpoints()
	return m
}

// routerDeps resolves a router's own dependencies.
func (m *Model) routerDeps(r *Router) {
	// A subclass may add dependencies or a prefix in its __init__.
	if init := m.Prog.Method(r.Class, "__init__"); init != nil {
		m.superInitDeps(r, init)
	}
	// dependencies= may be a parameter of the factory the router is made
	// in: what its callers pass (each call site's variant has its own).
	if deps, ok := r.Settings["dependencies"]; ok {
		r.Deps = append(r.Deps, m.dependencyList(r.Module, r.Scope, deps)...)
	}
}

// stmtCtx is where a statement runs: the innermost loop around it and the
// conditions of the if statements it is under (in its own function).
type stmtCtx struct {
	loop  *syntax.For
	conds *Conds
	env   flowEnv // what parameters and loop variables stand for, once bound
	bound bool    // the statement is evaluated in one of its contexts
}

func (c *stmtCtx) withCond(e syntax.Expr) *stmtCtx {
	return &stmtCtx{loop: c.loop, conds: c.conds.With(e)}
}

// stmtFunc is called for each statement with the scope it runs in and its
// context.
type stmtFunc func(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt, ctx *stmtCtx)

// walk visits statements in source order, entering compound statements,
// functions and classes with their scopes.
func (m *Model) walk(mod *semantic.Module, s *semantic.Scope, body []syntax.Stmt, ctx *stmtCtx, fn stmtFunc) {
	if ctx == nil {
		ctx = &stmtCtx{}
	}
	for _, st := range body {
		fn(mod, s, st, ctx)
		switch n := st.(type) {
		case *syntax.FunctionDef:
			if f := m.funcByNode[n]; f != nil {
				m.walk(mod, f.Scope, n.Body, nil, fn)
			}
		case *syntax.ClassDef:
			if c := m.Prog.Class(s.Qual + "." + n.Name.Name); c != nil && c.Node == n {
				m.walk(mod, c.Scope, n.Body, nil, fn)
			}
		case *syntax.If:
			inner := ctx.withCond(n.Test)
			m.walk(mod, s, n.Body, inner, fn)
			m.walk(mod, s, n.Orelse, inner, fn)
		case *syntax.For:
			m.walk(mod, s, n.Body, &stmtCtx{loop: n, conds: ctx.conds}, fn)
			m.walk(mod, s, n.Orelse, ctx, fn)
		case *syntax.While:
			m.walk(mod, s, n.Body, ctx, fn)
			m.walk(mod, s, n.Orelse, ctx, fn)
		case *syntax.With:
			m.walk(mod, s, n.Body, ctx, fn)
		case *syntax.Try:
			m.walk(mod, s, n.Body, ctx, fn)
			for _, h := range n.Handlers {
				m.walk(mod, s, h.Body, ctx, fn)
			}
			m.walk(mod, s, n.Orelse, ctx, fn)
			m.walk(mod, s, n.Finalbody, ctx, fn)
		case *syntax.Match:
			for _, c := range n.Cases {
				m.walk(mod, s, c.Body, ctx, fn)
			}
		}
	}
}

func (m *Model) diag(mod *semantic.Module, n syntax.Node, format string, args ...any) {
	m.Diagnostics = append(m.Diagnostics, Diagnostic{Module: mod, Node: n, Msg: fmt.Sprintf(format, args...)})
}

// collectObjects finds the apps, routers and security schemes assigned to
// variables.
func (m *Model) collectObjects(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt, ctx *stmtCtx) {
	var target syntax.Expr
	var value syntax.Expr
	switch n := st.(type) {
	case *syntax.Assign:
		if len(n.Targets) == 1 {
			target, value = n.Targets[0], n.Value
		}
	case *syntax.AnnAssign:
		target, value = n.Target, n.Value
	}
	name, ok := target.(*syntax.Name)
	call, isCall := value.(*syntax.Call)
	if !ok || !isCall {
		return
	}
	if !m.constructorName(call.Func) {
		return
	}
	sym := s.Names[name.ID]
	if sym == nil {
		return
	}
	class := m.Prog.Qualify(s, call.Func)
	if class == "" {
		return
	}
	qual := s.Qual + "." + name.ID
	if short := fastapiName(class); short != "" && schemeClasses[short] {
		sc := &Scheme{Name: name.ID, Qual: qual, Class: class, AutoError: true, Module: mod, Node: call}
		if kw := keyword(call, "auto_error"); kw != nil && isFalse(kw) {
			sc.AutoError = false
		}
		m.Schemes = append(m.Schemes, sc)
		m.schemeBySym[sym] = sc
		return
	}
	if !m.Prog.IsSubclass(class, appClasses...) && !m.Prog.IsSubclass(class, routerClasses...) {
		return
	}
	m.routerBySym[sym] = m.newRouter(mod, s, call, class, qual, ctx.conds)
}

// newRouter records the app or router a constructor call makes.
func (m *Model) newRouter(mod *semantic.Module, s *semantic.Scope, call *syntax.Call, class, qual string, conds *Conds) *Router {
	isApp := m.Prog.IsSubclass(class, appClasses...)
	r := &Router{Name: qual, Module: mod, Scope: s, Node: call, Class: class, IsApp: isApp, Conds: conds,
		Settings: map[string]syntax.Expr{}, kwargs: map[string]*syntax.Keyword{}}
	for _, kw := range call.Keywords {
		if kw.Arg != nil {
			r.Settings[kw.Arg.Name] = kw.Value
			r.kwargs[kw.Arg.Name] = kw
		}
	}
	if p, ok := r.Settings["prefix"]; ok {
		r.Prefix, _ = m.constString(s, p)
	}
	r.Tags = m.stringList(s, r.Settings["tags"])
	if mw, ok := r.Settings["middleware"]; ok {
		m.middlewareList(r, mod, s, mw)
	}
	m.Routers = append(m.Routers, r)
	m.routerByNode[call] = r
	return r
}

// mayUseRouter reports statements collectUses may act on: functions with
// decorators that call a router method, and calls of router methods.
func mayUseRouter(st syntax.Stmt) bool {
	switch n := st.(type) {
	case *syntax.FunctionDef:
		for _, d := range n.Decorators {
			if call, ok := d.(*syntax.Call); ok {
				if attr, ok := call.Func.(*syntax.Attribute); ok && decoratorNames[attr.Attr.Name] {
					return true
				}
			}
		}
	case *syntax.ExprStmt, *syntax.Assign:
		call := stmtCall(st)
		if call == nil {
			return false
		}
		if inner, ok := call.Func.(*syntax.Call); ok {
			attr, ok := inner.Func.(*syntax.Attribute)
			return ok && decoratorNames[attr.Attr.Name]
		}
		if r, _, _ := routesEditTarget(call); r != nil {
			return true
		}
		attr, ok := call.Func.(*syntax.Attribute)
		return ok && methodNames[attr.Attr.Name]
	}
	return false
}

// stmtCall is the call a statement makes: `call(...)` or `x = call(...)`.
func stmtCall(st syntax.Stmt) *syntax.Call {
	var v syntax.Expr
	switch n := st.(type) {
	case *syntax.ExprStmt:
		v = n.Value
	case *syntax.Assign:
		v = n.Value
	}
	call, _ := v.(*syntax.Call)
	return call
}

// decoratorNames and methodNames are the router attributes collectUses
// handles; other calls are skipped before anything is resolved.
var (
	decoratorNames = map[string]bool{
		"get": true, "post": true, "put": true, "patch": true, "delete": true, "head": true, "options": true,
		"trace": true, "api_route": true, "websocket": true, "websocket_route": true, "middleware": true,
		"exception_handler": true,
	}
	methodNames = map[string]bool{
		"include_router": true, "mount": true, "add_api_route": true, "add_api_websocket_route": true,
		"add_websocket_route": true, "add_middleware": true, "add_exception_handler": true,
		"frontend": true, "add_route": true,
	}
)

// constructorName reports whether a called expression may construct an
// app, router or security scheme, by its last name: FastAPI's own classes
// and the program's subclasses of them. It lets the model skip resolving
// every other assignment.
func (m *Model) constructorName(fn syntax.Expr) bool {
	var name string
	switch f := fn.(type) {
	case *syntax.Name:
		name = f.ID
	case *syntax.Attribute:
		name = f.Attr.Name
	default:
		return false
	}
	if m.ctorNames == nil {
		m.ctorNames = map[string]bool{"FastAPI": true, "APIRouter": true, "Starlette": true, "Router": true}
		for _, c := range routerClasses {
			m.ctorNames[shortName(c)] = true // GraphQL servers too
		}
		for n := range schemeClasses {
			m.ctorNames[n] = true
		}
		for _, c := range m.Prog.AllClasses() {
			if m.Prog.IsSubclass(c.Qual, append(append([]string(nil), appClasses...), routerClasses...)...) {
				m.ctorNames[c.Node.Name.Name] = true
			}
		}
		// Import aliases: from fastapi import FastAPI as F.
		for _, mod := range m.Prog.Modules {
			for local, sym := range mod.Scope.Names {
				if sym.Kind == semantic.ImportSym && m.ctorNames[shortName(sym.Target)] {
					m.ctorNames[local] = true
				}
			}
		}
	}
	return m.ctorNames[name]
}

// superInitDeps reads the dependencies and prefix a router subclass passes to
// super().__init__.
func (m *Model) superInitDeps(r *Router, init *semantic.Function) {
	for _, c := range init.Calls(m.Prog) {
		a, ok := c.Node.Func.(*syntax.Attribute)
		if !ok || a.Attr.Name != "__init__" {
			continue
		}
		if inner, ok := a.Value.(*syntax.Call); !ok || m.Prog.Qualify(init.Scope, inner.Func) != "super" {
			continue
		}
		if deps := keyword(c.Node, "dependencies"); deps != nil {
			r.Deps = append(r.Deps, m.dependencyList(init.Module, init.Scope, deps)...)
		}
		if p := keyword(c.Node, "prefix"); p != nil && r.Prefix == "" {
			r.Prefix, _ = m.constString(init.Scope, p)
		}
	}
}

// maxRouterSteps bounds how many assignments, imports and factory calls
// routerOf follows, so that alias chains in hostile code end.
const maxRouterSteps = 8

// routerOf returns the router an expression of module mod refers to: a
// variable holding one, or a call to a factory function that returns one.
// When it gives up because the chain of aliases, re-exports and factory
// calls is longer than it follows, it says so in a diagnostic: the routes
// declared on that object, if it is a router, are missing.
func (m *Model) routerOf(mod *semantic.Module, s *semantic.Scope, e syntax.Expr, env flowEnv) *Router {
	st := &resolveState{}
	r := m.routerOfDepth(s, e, env, 0, st)
	if r == nil && st.cut {
		m.diag(mod, e, "%s: the chain of assignments, imports and factory calls it comes from is longer than followed; if it is a router, the routes and routers attached to it here are not listed", exprText(mod, e))
	}
	return r
}

func (m *Model) routerOfDepth(s *semantic.Scope, e syntax.Expr, env flowEnv, depth int, st *resolveState) *Router {
	if e == nil {
		return nil
	}
	if depth > maxRouterSteps {
		st.cut = true
		return nil
	}
	if a, ok := e.(*syntax.Attribute); ok && a.Attr.Name == "router" {
		// app.router is the app's own router.
		if r := m.routerOfDepth(s, a.Value, env, depth+1, st); r != nil {
			return r
		}
	}
	if call, ok := e.(*syntax.Call); ok {
		return m.callRouter(s, call, env, depth, st)
	}
	if b, ok := m.bound(s, e, env); ok {
		return m.routerOfDepth(b.s, b.e, b.env, depth+1, st)
	}
	sym, sc := m.Prog.ResolveScope(s, e)
	if sym == nil {
		if a, ok := e.(*syntax.Attribute); ok {
			return m.attrRouter(s, a, env, depth, st)
		}
		return nil
	}
	return m.symRouter(sym, sc, env, depth, st)
}

// returnedRouter finds the router a factory function returns, its
// parameters bound by env.
func (m *Model) returnedRouter(f *semantic.Function, env flowEnv, depth int, st *resolveState) *Router {
	var found *Router
	returnedValues(f, func(v syntax.Expr) bool {
		found = m.routerOfDepth(f.Scope, v, env, depth+1, st)
		return found == nil
	})
	return found
}

// collectUses finds routes, includes, mounts, middleware and exception
// handlers.
func (m *Model) collectUses(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt, ctx *stmtCtx) {
	m.collectWrapper(mod, s, st)
	if !ctx.bound && (ctx.loop != nil || s.Kind == semantic.FunctionScope) && m.useIsOpen(s, st) {
		// The router is a parameter or loop variable: evaluate the
		// statement in each context it runs in.
		found := false
		for _, env := range m.contexts(s, ctx.loop) {
			if m.use(mod, s, st, &stmtCtx{loop: ctx.loop, conds: ctx.conds, env: env, bound: true}, true) {
				found = true
			}
		}
		if !found {
			m.use(mod, s, st, ctx, false)
		}
		return
	}
	m.use(mod, s, st, ctx, false)
}

// useIsOpen reports whether a statement's router (or included router) is
// a parameter or loop variable.
func (m *Model) useIsOpen(s *semantic.Scope, st syntax.Stmt) bool {
	if fd, ok := st.(*syntax.FunctionDef); ok {
		for _, d := range fd.Decorators {
			if call, ok := d.(*syntax.Call); ok {
				if attr, ok := call.Func.(*syntax.Attribute); ok && decoratorNames[attr.Attr.Name] && m.isOpen(s, attr.Value) {
					return true
				}
			}
		}
		return false
	}
	call := stmtCall(st)
	if call == nil {
		return false
	}
	if inner, ok := call.Func.(*syntax.Call); ok {
		attr, ok := inner.Func.(*syntax.Attribute)
		return ok && m.isOpen(s, attr.Value)
	}
	if r, _, _ := routesEditTarget(call); r != nil {
		return m.isOpen(s, r)
	}
	attr, ok := call.Func.(*syntax.Attribute)
	if !ok {
		return false
	}
	if m.isOpen(s, attr.Value) {
		return true
	}
	switch attr.Attr.Name {
	case "include_router":
		return m.isOpen(s, arg(call, 0, "router"))
	case "mount":
		return m.isOpen(s, arg(call, 1, "app"))
	}
	return false
}

// use handles one statement in one context; quiet leaves unresolved
// routers unreported (another context may resolve them). It reports
// whether the statement's router was found.
func (m *Model) use(mod *semantic.Module, s *semantic.Scope, st syntax.Stmt, ctx *stmtCtx, quiet bool) bool {
	switch n := st.(type) {
	case *syntax.FunctionDef:
		found := false
		for _, d := range n.Decorators {
			call, ok := d.(*syntax.Call)
			if !ok {
				continue
			}
			attr, ok := call.Func.(*syntax.Attribute)
			if !ok || !decoratorNames[attr.Attr.Name] {
				continue
			}
			r := m.routerOf(mod, s, attr.Value, ctx.env)
			if r == nil {
				continue
			}
			found = true
			if m.seen(call, r, nil) {
				continue
			}
			m.decorator(mod, s, r, attr.Attr.Name, call, m.funcByNode[n], ctx)
		}
		return found
	case *syntax.ExprStmt, *syntax.Assign:
		call := stmtCall(n)
		if call == nil {
			return false
		}
		// app.get("/x")(handler) and friends.
		if inner, ok := call.Func.(*syntax.Call); ok && len(call.Args) == 1 {
			if attr, ok := inner.Func.(*syntax.Attribute); ok && decoratorNames[attr.Attr.Name] {
				if r := m.routerOf(mod, s, attr.Value, ctx.env); r != nil {
					if !m.seen(inner, r, nil) {
						m.decorator(mod, s, r, attr.Attr.Name, inner, m.funcIn(s, call.Args[0], ctx.env), ctx)
					}
					return true
				}
			}
			return false
		}
		if isEdit, found := m.routesEdit(mod, s, call, ctx); isEdit {
			return found
		}
		attr, ok := call.Func.(*syntax.Attribute)
		if !ok || !methodNames[attr.Attr.Name] {
			return false
		}
		if sup, ok := attr.Value.(*syntax.Call); ok && m.Prog.Qualify(s, sup.Func) == "super" {
			return false // a router subclass calling its base: see overridePaths
		}
		r := m.routerOf(mod, s, attr.Value, ctx.env)
		if r == nil {
			if !quiet {
				switch attr.Attr.Name {
				case "include_router", "add_api_route":
					m.diag(mod, call, "%s on %s, which is not a router found statically; its routes are not listed", attr.Attr.Name, exprText(mod, attr.Value))
				}
			}
			return false
		}
		m.method(mod, s, r, attr.Attr.Name, call, ctx, quiet)
		return true
	}
	return false
}

// funcOf resolves an expression naming a program function.
func (m *Model) funcOf(s *semantic.Scope, e syntax.Expr) *semantic.Function {
	if sym := m.Prog.Resolve(s, e); sym != nil && sym.Kind == semantic.FuncSym {
		return sym.Func
	}
	return nil
}

// decorator handles @router.<name>(...) on handler.
func (m *Model) decorator(mod *semantic.Module, s *semantic.Scope, r *Router, name string, call *syntax.Call, handler *semantic.Function, ctx *stmtCtx) {
	switch {
	case routeMethods[name] != "":
		m.addRoute(mod, s, r, []string{routeMethods[name]}, call, arg(call, 0, "path"), handler, ctx)
	case name == "api_route":
		m.addRoute(mod, s, r, m.methodsArg(s, call), call, arg(call, 0, "path"), handler, ctx)
	case name == "websocket" || name == "websocket_route":
		m.addRoute(mod, s, r, []string{"WEBSOCKET"}, call, arg(call, 0, "path"), handler, ctx)
	case name == "middleware":
		r.Middleware = append(r.Middleware, &Middleware{Func: handler, Module: mod, Node: call, Kwargs: map[string]syntax.Expr{}})
	case name == "exception_handler":
		exc := ""
		if e := arg(call, 0, "exc_class_or_status_code"); e != nil {
			exc = m.exprName(s, e)
		}
		r.Handlers = append(r.Handlers, &ExceptionHandler{Exception: exc, Func: handler, Module: mod, Node: call})
	}
}

// method handles a call statement router.<name>(...).
func (m *Model) method(mod *semantic.Module, s *semantic.Scope, r *Router, name string, call *syntax.Call, ctx *stmtCtx, quiet bool) {
	var child *Router
	switch name {
	case "include_router":
		child = m.routerOf(mod, s, arg(call, 0, "router"), ctx.env)
	case "mount":
		child = m.routerOf(mod, s, arg(call, 1, "app"), ctx.env)
		if child == nil {
			child = m.graphqlApp(mod, s, arg(call, 1, "app"))
		}
	}
	if m.seen(call, r, child) {
		return
	}
	switch name {
	case "include_router":
		if child == nil {
			if e := arg(call, 0, "router"); e != nil && !quiet {
				m.diag(mod, call, "include_router of %s: the router could not be resolved statically", exprText(mod, e))
			}
			return
		}
		inc := &Include{Parent: r, Child: child, Module: mod, Node: call, PrefixKnown: true, Conds: ctx.conds}
		if p := keyword(call, "prefix"); p != nil {
			inc.Prefix, inc.PrefixKnown = m.constStringIn(s, p, ctx.env)
			if !inc.PrefixKnown {
				m.diag(mod, p, "include_router prefix %s is not a constant", exprText(mod, p))
			}
		}
		inc.Tags = m.stringList(s, keyword(call, "tags"))
		if deps := keyword(call, "dependencies"); deps != nil {
			inc.Deps = m.dependencyList(mod, s, deps)
		}
		r.Includes = append(r.Includes, inc)
		child.IncludedBy = append(child.IncludedBy, inc)
	case "mount":
		path, _ := m.constStringIn(s, arg(call, 0, "path"), ctx.env)
		if child == nil {
			m.staticMount(mod, s, r, call, arg(call, 0, "path"), ctx)
			return
		}
		mt := &Mount{Parent: r, Child: child, Path: path, Module: mod, Node: call}
		r.Mounts = append(r.Mounts, mt)
		child.MountedBy = append(child.MountedBy, mt)
	case "add_api_route":
		handler := m.funcIn(s, arg(call, 1, "endpoint"), ctx.env)
		methods := m.methodsArg(s, call)
		m.addRoute(mod, s, r, methods, call, arg(call, 0, "path"), handler, ctx)
	case "add_api_websocket_route":
		m.addRoute(mod, s, r, []string{"WEBSOCKET"}, call, arg(call, 0, "path"), m.funcIn(s, arg(call, 1, "endpoint"), ctx.env), ctx)
	case "add_websocket_route":
		m.addMarkedRoute(mod, s, r, []string{"WEBSOCKET"}, call, arg(call, 0, "path"), m.funcIn(s, arg(call, 1, "endpoint"), ctx.env), true, ctx)
	case "frontend":
		m.staticMount(mod, s, r, call, arg(call, 0, "path"), ctx)
	case "add_route":
		if !m.graphqlAddRoute(mod, s, r, call, ctx) {
			m.endpointRoutes(mod, s, r, call, true, false, ctx)
		}
	case "add_middleware":
		mw := &Middleware{Class: m.Prog.Qualify(s, arg(call, 0, "middleware_class")), Module: mod, Node: call, Kwargs: map[string]syntax.Expr{}}
		for _, kw := range call.Keywords {
			if kw.Arg != nil {
				mw.Kwargs[kw.Arg.Name] = kw.Value
			}
		}
		r.Middleware = append(r.Middleware, mw)
	case "add_exception_handler":
		exc := ""
		if e := arg(call, 0, "exc_class_or_status_code"); e != nil {
			exc = m.exprName(s, e)
		}
		r.Handlers = append(r.Handlers, &ExceptionHandler{Exception: exc, Func: m.funcOf(s, arg(call, 1, "handler")), Module: mod, Node: call})
	}
}

// middlewareList reads FastAPI(middleware=[Middleware(Cls, **options), ...]).
func (m *Model) middlewareList(r *Router, mod *semantic.Module, s *semantic.Scope, e syntax.Expr) {
	for _, el := range m.argItems(s, e) {
		call, ok := el.(*syntax.Call)
		if !ok {
			continue
		}
		mw := &Middleware{Class: m.Prog.Qualify(s, arg(call, 0, "cls")), Module: mod, Node: call, Kwargs: map[string]syntax.Expr{}}
		for _, kw := range call.Keywords {
			if kw.Arg != nil {
				mw.Kwargs[kw.Arg.Name] = kw.Value
			}
		}
		r.Middleware = append(r.Middleware, mw)
	}
}

// addRoute records a route declared on r.
func (m *Model) addRoute(mod *semantic.Module, s *semantic.Scope, r *Router, methods []string, call *syntax.Call, pathExpr syntax.Expr, handler *semantic.Function, ctx *stmtCtx) {
	if _, known := m.constStringIn(s, pathExpr, ctx.env); !known && ctx.loop != nil {
		if values, ok := m.loopValues(s, ctx.loop, pathExpr); ok {
			for _, v := range values {
				m.newRoute(mod, s, r, methods, call, v, true, handler, ctx)
			}
			return
		}
	}
	path, known := m.constStringIn(s, pathExpr, ctx.env)
	if !known {
		where := ""
		if ctx.loop != nil {
			where = " (made in a loop)"
		}
		m.diag(mod, call, "route path %s is not a constant%s; it is listed as written", exprText(mod, pathExpr), where)
		if pathExpr != nil {
			path = "<" + exprText(mod, pathExpr) + ">"
		}
	}
	m.newRoute(mod, s, r, methods, call, path, known, handler, ctx)
}

func (m *Model) newRoute(mod *semantic.Module, s *semantic.Scope, r *Router, methods []string, call *syntax.Call, path string, known bool, handler *semantic.Function, ctx *stmtCtx) {
	if paths := m.overridePaths(r, methods, path, known); paths != nil {
		for _, p := range paths {
			m.newRouteAt(mod, s, r, methods, call, p, known, handler, ctx)
		}
		return
	}
	m.newRouteAt(mod, s, r, methods, call, path, known, handler, ctx)
}

func (m *Model) newRouteAt(mod *semantic.Module, s *semantic.Scope, r *Router, methods []string, call *syntax.Call, path string, known bool, handler *semantic.Function, ctx *stmtCtx) {
	rt := &Route{Router: r, Methods: methods, Path: path, PathKnown: known, Handler: handler, Module: mod, Node: call, Kwargs: map[string]syntax.Expr{}, Conds: ctx.conds}
	for _, kw := range call.Keywords {
		if kw.Arg != nil {
			rt.Kwargs[kw.Arg.Name] = kw.Value
		}
	}
	rt.ResponseModel = rt.Kwargs["response_model"]
	rt.ResponseClass = rt.Kwargs["response_class"]
	rt.StatusCode = rt.Kwargs["status_code"]
	if deps, ok := rt.Kwargs["dependencies"]; ok {
		rt.Deps = m.dependencyList(mod, s, deps)
	}
	if handler == nil {
		m.diag(mod, call, "route handler could not be resolved")
	}
	r.Routes = append(r.Routes, rt)
}

// loopValues evaluates a route path made in `for name in [constants]:` once
// for each value of the loop variable.
func (m *Model) loopValues(s *semantic.Scope, loop *syntax.For, pathExpr syntax.Expr) ([]string, bool) {
	target, ok := loop.Target.(*syntax.Name)
	items := elements(loop.Iter)
	if !ok || items == nil {
		return nil, false
	}
	var out []string
	for _, it := range items {
		v, ok := m.constString(s, it)
		if !ok {
			return nil, false
		}
		p, ok := m.constStringEnv(s, pathExpr, map[string]string{target.ID: v}, 0)
		if !ok {
			return nil, false
		}
		out = append(out, p)
	}
	return out, true
}

// methodsArg reads methods=[...] of api_route and add_api_route (default GET).
func (m *Model) methodsArg(s *semantic.Scope, call *syntax.Call) []string {
	e := keyword(call, "methods")
	if e == nil {
		return []string{"GET"}
	}
	var out []string
	for _, v := range m.stringList(s, e) {
		out = append(out, strings.ToUpper(v))
	}
	if len(out) == 0 {
		return []string{"GET"}
	}
	return out
}

// ConstString evaluates an expression that is a string constant after
// following names, f-strings and concatenation (prefixes, paths, settings
// defaults), reporting whether it could.
func (m *Model) ConstString(s *semantic.Scope, e syntax.Expr) (string, bool) {
	return m.constString(s, e)
}

// constString evaluates a string constant: literals, f-strings and
// concatenations of constants, and names bound once to such values
// (settings.API_V1_STR included, when the settings class declares it).
func (m *Model) constString(s *semantic.Scope, e syntax.Expr) (string, bool) {
	return m.constStringEnv(s, e, nil, 0)
}

// constStringEnv is constString with names bound to known values (a loop
// variable).
func (m *Model) constStringEnv(s *semantic.Scope, e syntax.Expr, env map[string]string, depth int) (string, bool) {
	if e == nil || depth > 8 {
		return "", false
	}
	if n, ok := e.(*syntax.Name); ok && env != nil {
		if v, ok := env[n.ID]; ok {
			return v, true
		}
	}
	switch e := e.(type) {
	case *syntax.Constant:
		if e.Kind == syntax.ConstStr {
			return e.Value, true
		}
	case *syntax.JoinedStr:
		var b strings.Builder
		for _, v := range e.Values {
			switch v := v.(type) {
			case *syntax.Constant:
				b.WriteString(v.Value)
			case *syntax.FormattedValue:
				if v.FormatSpec != nil || v.Conversion >= 0 {
					return "", false
				}
				str, ok := m.constStringEnv(s, v.Value, env, depth+1)
				if !ok {
					return "", false
				}
				b.WriteString(str)
			}
		}
		return b.String(), true
	case *syntax.BinOp:
		if e.Op != syntax.Add {
			return "", false
		}
		l, ok1 := m.constStringEnv(s, e.Left, env, depth+1)
		r, ok2 := m.constStringEnv(s, e.Right, env, depth+1)
		return l + r, ok1 && ok2
	case *syntax.Name, *syntax.Attribute:
		sym, sc := m.Prog.ResolveScope(s, e)
		if sym != nil && sym.Kind == semantic.VarSym && sym.Value() != nil && sc != nil {
			return m.constStringEnv(sc, sym.Value(), nil, depth+1)
		}
		// settings.X where settings = Settings(): the class field's default.
		if a, ok := e.(*syntax.Attribute); ok {
			if cls := m.Prog.Class(m.Prog.TypeOf(s, a.Value)); cls != nil {
				if f := cls.Scope.Names[a.Attr.Name]; f != nil && f.Value() != nil {
					return m.constStringEnv(cls.Scope, f.Value(), nil, depth+1)
				}
			}
		}
	}
	return "", false
}

// stringList evaluates a list or tuple of string constants.
func (m *Model) stringList(s *semantic.Scope, e syntax.Expr) []string {
	var out []string
	for _, el := range elements(e) {
		if v, ok := m.constString(s, el); ok {
			out = append(out, v)
		}
	}
	return out
}

// exprName names an expression for people: its qualified name, or its text.
func (m *Model) exprName(s *semantic.Scope, e syntax.Expr) string {
	if q := m.Prog.Qualify(s, e); q != "" {
		return q
	}
	return exprText(s.Module, e)
}

// elements returns the items of a list, tuple or set display.
func elements(e syntax.Expr) []syntax.Expr {
	switch e := e.(type) {
	case *syntax.List:
		return e.Elts
	case *syntax.Tuple:
		return e.Elts
	case *syntax.Set:
		return e.Elts
	}
	return nil
}

// keyword returns the value of a call's keyword argument, or nil.
func keyword(call *syntax.Call, name string) syntax.Expr { return call.Keyword(name) }

// arg returns a call's positional argument i, or the keyword argument name.
func arg(call *syntax.Call, i int, name string) syntax.Expr { return call.Arg(i, name) }

func isFalse(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstFalse
}

// exprText is the source text of an expression, shortened for messages.
func exprText(mod *semantic.Module, e syntax.Expr) string {
	if e == nil || mod == nil {
		return ""
	}
	t := mod.File.Text(e)
	if len(t) > 80 {
		t = t[:77] + "..."
	}
	return t
}
