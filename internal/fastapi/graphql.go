package fastapi

import (
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// GraphQL support: a GraphQL server (Strawberry's GraphQLRouter or ASGI
// app, Ariadne's GraphQL ASGI app, Graphene through starlette-graphene3's
// GraphQLApp) is a router whose HTTP routes are the library's (GET, POST
// and WEBSOCKET on its path), and whose root fields are routes too: one per
// resolver, with method QUERY, MUTATION or SUBSCRIPTION and path
// "<mount path>#<fieldName>" (/graphql#createUser). A resolver route's
// dependencies are the router's plus the field's permission classes and the
// checks of info.context its body makes; its parameters are the field's
// arguments (kind GraphQLArg), which the client controls.

// GraphQLServer is one GraphQL endpoint of the program.
type GraphQLServer struct {
	Library string  // "strawberry", "ariadne" or "graphene"
	Router  *Router // holds its HTTP routes and its resolver routes
	Module  *semantic.Module
	Scope   *semantic.Scope
	Node    *syntax.Call // the server's constructor call
	Schemas []*GraphQLSchema
	Fields  []*GraphQLField
	// ContextGetter is Strawberry's context_getter=, a FastAPI dependency
	// of every request to the server.
	ContextGetter *Dependency
}

// GraphQLSchema is the schema a server executes.
type GraphQLSchema struct {
	Module *semantic.Module
	Scope  *semantic.Scope
	Node   *syntax.Call // strawberry.Schema(...), make_executable_schema(...), graphene.Schema(...)
	// Guessed is true when the schema passed to the server could not be
	// traced (a parameter, say) and this is one of the program's schemas of
	// the same library.
	Guessed bool
}

// GraphQLField is one root field with a resolver.
type GraphQLField struct {
	Server    *GraphQLServer
	Operation string // QUERY, MUTATION or SUBSCRIPTION
	Name      string // the field's GraphQL name
	Type      string // the root type's class or GraphQL name (Query, Mutation, a mixin class)
	Resolver  *semantic.Function
	Node      syntax.Node // the decorator or field declaration
	Module    *semantic.Module
	// Permissions are the field's permission classes (Strawberry
	// permission_classes= or PermissionExtension), as dependencies.
	Permissions []*Dependency
	// ContextCheck is the resolver body's own check of the caller through
	// info.context (raising when there is no user), as a dependency; nil
	// when there is none.
	ContextCheck *Dependency
}

// graphqlLib describes a GraphQL server class.
type graphqlLib struct {
	library string
	router  bool   // an APIRouter subclass (included), else an ASGI app (mounted)
	pathKw  string // keyword naming the route path, if any
}

var (
	// graphqlServers are the GraphQL server classes, by qualified name.
	graphqlServers = map[string]graphqlLib{
		"strawberry.fastapi.GraphQLRouter":        {library: "strawberry", router: true, pathKw: "path"},
		"strawberry.fastapi.router.GraphQLRouter": {library: "strawberry", router: true, pathKw: "path"},
		"strawberry.asgi.GraphQL":                 {library: "strawberry"},
		"ariadne.asgi.GraphQL":                    {library: "ariadne"},
		"ariadne.asgi.graphql.GraphQL":            {library: "ariadne"},
		"starlette_graphene3.GraphQLApp":          {library: "graphene"},
		"starlette.graphql.GraphQLApp":            {library: "graphene"},
	}

	// graphqlSchemaCtors build schemas, by library.
	graphqlSchemaCtors = map[string][]string{
		"strawberry": {"strawberry.Schema", "strawberry.schema.Schema", "strawberry.schema.schema.Schema", "strawberry.federation.Schema"},
		"ariadne":    {"ariadne.make_executable_schema", "ariadne.executable_schema.make_executable_schema"},
		"graphene":   {"graphene.Schema", "graphene.types.schema.Schema"},
	}

	// strawberryFieldDecorators make a method a field; the value is the
	// operation the decorator implies ("" when the root type decides).
	strawberryFieldDecorators = map[string]string{
		"strawberry.field": "", "strawberry.mutation": "MUTATION", "strawberry.subscription": "SUBSCRIPTION",
		"strawberry.federation.field": "", "strawberry.federation.mutation": "MUTATION",
	}

	// strawberryPermissionWrappers are field extensions whose permissions=
	// list holds permission instances.
	strawberryPermissionWrappers = map[string]bool{"PermissionExtension": true}

	// ariadneBindables are Ariadne's root object types and the operation they define.
	ariadneBindables = map[string]string{
		"QueryType": "QUERY", "MutationType": "MUTATION", "SubscriptionType": "SUBSCRIPTION", "ObjectType": "",
	}

	// graphqlRootNames are the conventional root type names.
	graphqlRootNames = map[string]string{"Query": "QUERY", "Mutation": "MUTATION", "Subscription": "SUBSCRIPTION"}

	// graphqlInfoTypes are resolver parameter types the library fills.
	graphqlInfoTypes = map[string]bool{
		"strawberry.Info": true, "strawberry.types.Info": true, "strawberry.types.info.Info": true,
		"graphql.GraphQLResolveInfo": true, "graphql.type.GraphQLResolveInfo": true,
		"graphene.ResolveInfo": true, "strawberry.Parent": true,
	}

	// graphqlParentNames are the names resolvers give the parent object.
	graphqlParentNames = map[string]bool{"self": true, "cls": true, "root": true, "parent": true, "obj": true, "_": true, "_root": true, "_obj": true, "_parent": true}

	// graphqlUserAttrRE names what a context check reads about the caller.
	graphqlUserAttrRE = regexp.MustCompile(`(?i)^(user|current_user|user_id|viewer|is_authenticated|auth|token|session|identity|principal|account)$`)
	// graphqlRoleRE names role and ownership checks.
	graphqlRoleRE = regexp.MustCompile(`(?i)(admin|role|staff|superuser|owner|permission|scope|is_viewer|member)`)
	// permissionAuthnRE names permission classes that require a signed-in caller.
	permissionAuthnRE = regexp.MustCompile(`(?i)(authenticated|logged_?in|signed_?in|login|user|member|admin|staff|superuser|owner|viewer|editor|role)`)
	// permissionAuthzRE names permission classes that check roles or ownership.
	permissionAuthzRE = regexp.MustCompile(`(?i)(admin|staff|superuser|owner|viewer|editor|role|member|scope)`)
)

// isGraphQLServer reports a GraphQL server class.
func isGraphQLServer(class string) bool {
	_, ok := graphqlServers[class]
	return ok
}

// graphqlRouterClasses lists the server classes the model treats as routers
// (constructed and referred to like an APIRouter or a mounted app).
func graphqlRouterClasses() []string {
	out := make([]string, 0, len(graphqlServers))
	for c := range graphqlServers {
		out = append(out, c)
	}
	return out
}

func init() {
	// GraphQL servers are routers: included (Strawberry's GraphQLRouter
	// subclasses APIRouter) or mounted (the ASGI apps).
	routerClasses = append(routerClasses, graphqlRouterClasses()...)
}

// graphqlApp makes a router of a GraphQL server constructed inline in
// app.mount("/graphql", GraphQL(schema)); nil when e is something else.
func (m *Model) graphqlApp(mod *semantic.Module, s *semantic.Scope, e syntax.Expr) *Router {
	call, ok := e.(*syntax.Call)
	if !ok {
		return nil
	}
	class := m.Prog.Qualify(s, call.Func)
	if !isGraphQLServer(class) {
		return nil
	}
	r := &Router{Name: s.Qual + "." + shortName(class), Module: mod, Scope: s, Node: call, Class: class,
		Settings: map[string]syntax.Expr{}, kwargs: map[string]*syntax.Keyword{}}
	for _, kw := range call.Keywords {
		if kw.Arg != nil {
			r.Settings[kw.Arg.Name] = kw.Value
			r.kwargs[kw.Arg.Name] = kw
		}
	}
	m.Routers = append(m.Routers, r)
	return r
}

// graphqlAddRoute handles Starlette's app.add_route(path, GraphQLApp(...)) and
// reports whether the route was a GraphQL server:
// the GraphQL server answers at that path, as if mounted there.
func (m *Model) graphqlAddRoute(mod *semantic.Module, s *semantic.Scope, r *Router, call *syntax.Call, ctx *stmtCtx) bool {
	target := arg(call, 1, "route")
	child := m.graphqlApp(mod, s, target)
	if child == nil {
		if c := m.routerOf(mod, s, target, ctx.env); c != nil && isGraphQLServer(c.Class) {
			child = c
		}
	}
	if child == nil {
		return false
	}
	path, _ := m.constStringIn(s, arg(call, 0, "path"), ctx.env)
	mt := &Mount{Parent: r, Child: child, Path: path, Module: mod, Node: call}
	r.Mounts = append(r.Mounts, mt)
	child.MountedBy = append(child.MountedBy, mt)
	return true
}

// buildGraphQL adds the routes of every GraphQL server: its HTTP routes and
// one route per root field.
func (m *Model) buildGraphQL() {
	for _, r := range m.Routers {
		lib, ok := graphqlServers[r.Class]
		if !ok {
			continue
		}
		srv := &GraphQLServer{Library: lib.library, Router: r, Module: r.Module, Scope: r.Scope, Node: r.Node}
		m.GraphQL = append(m.GraphQL, srv)
		path := ""
		if lib.pathKw != "" {
			if p := keyword(r.Node, lib.pathKw); p != nil {
				path, _ = m.constString(r.Scope, p)
			}
		}
		if cg := keyword(r.Node, "context_getter"); cg != nil {
			srv.ContextGetter = m.callableDependency(r.Module, r.Scope, cg)
		}
		var deps []*Dependency
		if srv.ContextGetter != nil {
			deps = append(deps, srv.ContextGetter)
		}
		for _, method := range []string{"GET", "POST", "WEBSOCKET"} {
			r.Routes = append(r.Routes, &Route{Router: r, Methods: []string{method}, Path: path, PathKnown: true,
				Module: r.Module, Node: r.Node, Deps: deps, Kwargs: map[string]syntax.Expr{}, Conds: r.Conds})
		}
		srv.Schemas = m.graphqlSchemas(srv)
		switch srv.Library {
		case "strawberry":
			m.strawberryFields(srv)
		case "ariadne":
			m.ariadneFields(srv)
		case "graphene":
			m.grapheneFields(srv)
		}
		for _, f := range srv.Fields {
			rt := &Route{Router: r, Methods: []string{f.Operation}, Path: path + "#" + f.Name, PathKnown: true,
				Handler: f.Resolver, Module: f.Module, Node: f.Node, Kwargs: map[string]syntax.Expr{}, Conds: r.Conds, GraphQL: f}
			rt.Deps = append(append([]*Dependency(nil), deps...), f.Permissions...)
			if f.ContextCheck != nil {
				rt.Deps = append(rt.Deps, f.ContextCheck)
			}
			rt.Params = m.resolverParams(srv.Library, f.Resolver)
			if rt.Params == nil {
				rt.Params = []*Param{} // resolved: addEndpoint must not classify them as FastAPI would
			}
			r.Routes = append(r.Routes, rt)
		}
	}
}

// callableDependency is a dependency FastAPI runs without Depends(): a
// context_getter, whose own parameters FastAPI resolves.
func (m *Model) callableDependency(mod *semantic.Module, s *semantic.Scope, e syntax.Expr) *Dependency {
	d := &Dependency{Node: e, Module: mod}
	m.resolveCallable(d, s, e, 0)
	if d.Func == nil {
		return nil
	}
	d.Params = m.params(d.Func, d.Func.Class != nil && !d.Func.Node.IsStaticMethod(), nil, 1)
	for _, p := range d.Params {
		if p.Dep != nil {
			d.Sub = append(d.Sub, p.Dep)
		}
	}
	d.info = m.analyze(d, 1)
	return d
}

// maxSchemaSteps bounds how far a schema expression is followed.
const maxSchemaSteps = 6

// graphqlSchemas finds the schema a server executes: its first argument (or
// schema=) followed through names and factory functions; when that fails,
// every schema of the library the program builds.
func (m *Model) graphqlSchemas(srv *GraphQLServer) []*GraphQLSchema {
	ctors := graphqlSchemaCtors[srv.Library]
	if e := arg(srv.Node, 0, "schema"); e != nil {
		if sc := m.schemaOf(srv.Scope, e, ctors, 0); sc != nil {
			return []*GraphQLSchema{sc}
		}
	}
	var out []*GraphQLSchema
	for _, c := range m.Prog.Index().CallsTo(ctors...) {
		out = append(out, &GraphQLSchema{Module: c.Module, Scope: c.Scope, Node: c.Call, Guessed: true})
	}
	return out
}

func (m *Model) schemaOf(s *semantic.Scope, e syntax.Expr, ctors []string, depth int) *GraphQLSchema {
	if e == nil || depth > maxSchemaSteps {
		return nil
	}
	if call, ok := e.(*syntax.Call); ok {
		q := m.Prog.Qualify(s, call.Func)
		for _, c := range ctors {
			if q == c {
				return &GraphQLSchema{Module: s.Module, Scope: s, Node: call}
			}
		}
		if f := m.Prog.Func(q); f != nil {
			var found *GraphQLSchema
			returnedValues(f, func(v syntax.Expr) bool {
				found = m.schemaOf(f.Scope, v, ctors, depth+1)
				return found == nil
			})
			return found
		}
		return nil
	}
	sym, sc := m.Prog.ResolveScope(s, e)
	if sym == nil || sym.Kind != semantic.VarSym || sc == nil {
		return nil
	}
	return m.schemaOf(sc, sym.Value(), ctors, depth+1)
}

// rootClass resolves a root type argument of a schema to a program class.
func (m *Model) rootClass(s *semantic.Scope, e syntax.Expr) *semantic.Class {
	if e == nil {
		return nil
	}
	if sym := m.Prog.Resolve(s, e); sym != nil && sym.Kind == semantic.ClassSym {
		return sym.Class
	}
	return m.Prog.Class(m.Prog.Qualify(s, e))
}

// classLine is a class and the program classes it inherits from, in method
// resolution order (depth first, each once).
func (m *Model) classLine(c *semantic.Class) []*semantic.Class {
	var out []*semantic.Class
	seen := map[*semantic.Class]bool{}
	var visit func(c *semantic.Class, depth int)
	visit = func(c *semantic.Class, depth int) {
		if c == nil || seen[c] || depth > maxIncludeDepth {
			return
		}
		seen[c] = true
		out = append(out, c)
		for _, b := range c.Bases(m.Prog) {
			visit(m.Prog.Class(b), depth+1)
		}
	}
	visit(c, 0)
	return out
}

// strawberryFields reads the root types of a Strawberry schema.
func (m *Model) strawberryFields(srv *GraphQLServer) {
	m.schemaRoots(srv, func(op string, line []*semantic.Class) {
		done := map[string]bool{}
		for _, c := range line {
			m.strawberryClassFields(srv, c, op, done)
		}
	})
}

// schemaRoots calls fn with each root type of the server's schemas (the
// query, mutation and subscription arguments, each class once) as its
// operation ("QUERY", ...) and the class with its bases.
func (m *Model) schemaRoots(srv *GraphQLServer, fn func(op string, line []*semantic.Class)) {
	seen := map[*semantic.Class]bool{}
	for _, sc := range srv.Schemas {
		for i, kw := range []string{"query", "mutation", "subscription"} {
			root := m.rootClass(sc.Scope, arg(sc.Node, i, kw))
			if root == nil || seen[root] {
				continue
			}
			seen[root] = true
			fn(strings.ToUpper(kw), m.classLine(root))
		}
	}
}

// strawberryClassFields adds the fields a class declares: decorated
// methods, and attributes assigned strawberry.field(resolver=...).
func (m *Model) strawberryClassFields(srv *GraphQLServer, c *semantic.Class, op string, done map[string]bool) {
	for _, st := range c.Node.Body {
		switch n := st.(type) {
		case *syntax.FunctionDef:
			f := m.funcByNode[n]
			if f == nil || done[n.Name.Name] {
				continue
			}
			for _, d := range n.Decorators {
				fn := d
				call, isCall := d.(*syntax.Call)
				if isCall {
					fn = call.Func
				}
				implied, ok := strawberryFieldDecorators[m.Prog.Qualify(c.Outer, fn)]
				if !ok {
					continue
				}
				done[n.Name.Name] = true
				fop := op
				if implied != "" && op == "QUERY" {
					fop = implied
				}
				m.addStrawberryField(srv, c, fop, n.Name.Name, call, f, d)
				break
			}
		case *syntax.Assign, *syntax.AnnAssign:
			var target, value syntax.Expr
			if a, ok := n.(*syntax.Assign); ok && len(a.Targets) == 1 {
				target, value = a.Targets[0], a.Value
			} else if a, ok := n.(*syntax.AnnAssign); ok {
				target, value = a.Target, a.Value
			}
			name, ok := target.(*syntax.Name)
			call, isCall := value.(*syntax.Call)
			if !ok || !isCall || done[name.ID] {
				continue
			}
			implied, ok := strawberryFieldDecorators[m.Prog.Qualify(c.Scope, call.Func)]
			if !ok {
				continue
			}
			res := m.funcOf(c.Scope, arg(call, 0, "resolver"))
			if res == nil {
				continue
			}
			done[name.ID] = true
			fop := op
			if implied != "" && op == "QUERY" {
				fop = implied
			}
			m.addStrawberryField(srv, c, fop, name.ID, call, res, st)
		}
	}
}

func (m *Model) addStrawberryField(srv *GraphQLServer, c *semantic.Class, op, pyName string, call *syntax.Call, res *semantic.Function, node syntax.Node) {
	f := &GraphQLField{Server: srv, Operation: op, Name: camelCase(pyName), Type: c.Node.Name.Name, Resolver: res, Node: node, Module: c.Module}
	if call != nil {
		if n := keyword(call, "name"); n != nil {
			if v, ok := m.constString(c.Outer, n); ok {
				f.Name = v
			}
		}
		for _, el := range elements(keyword(call, "permission_classes")) {
			f.Permissions = append(f.Permissions, m.permissionDependency(c.Module, c.Outer, el))
		}
		for _, ext := range elements(keyword(call, "extensions")) {
			ec, ok := ext.(*syntax.Call)
			if !ok || !strawberryPermissionWrappers[shortName(m.Prog.Qualify(c.Outer, ec.Func))] {
				continue
			}
			for _, el := range elements(arg(ec, 0, "permissions")) {
				if pc, ok := el.(*syntax.Call); ok {
					el = pc.Func
				}
				f.Permissions = append(f.Permissions, m.permissionDependency(c.Module, c.Outer, el))
			}
		}
	}
	f.ContextCheck = m.contextCheck(res)
	srv.Fields = append(srv.Fields, f)
}

// camelCase is Strawberry's and Graphene's default field name.
func camelCase(s string) string {
	parts := strings.Split(s, "_")
	var b strings.Builder
	b.WriteString(parts[0])
	for _, p := range parts[1:] {
		if p == "" {
			continue
		}
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

// permissionDependency describes a permission class as a dependency: it
// authenticates when its name or its has_permission body asks for a user,
// and authorizes when it checks a role or ownership.
func (m *Model) permissionDependency(mod *semantic.Module, s *semantic.Scope, e syntax.Expr) *Dependency {
	q := m.Prog.Qualify(s, e)
	if q == "" {
		q = exprText(mod, e)
	}
	d := &Dependency{Node: e, Callable: q, Module: mod, info: &depInfo{}}
	text := shortName(q)
	if c := m.rootClass(s, e); c != nil {
		d.Class = c
		d.Callable = c.Qual
		for _, k := range m.classLine(c) {
			if f := k.Methods["has_permission"]; f != nil {
				d.Func = f
				text += " " + m.attrWords(f)
				break
			}
		}
	}
	d.info.authn = permissionAuthnRE.MatchString(text) || m.authNames[shortName(q)] || m.authNames[q]
	d.info.selfAuthz = permissionAuthzRE.MatchString(shortName(q))
	d.info.authz = d.info.selfAuthz
	return d
}

// attrWords lists the attribute names a function's body reads, for
// matching words such as user or is_admin.
func (m *Model) attrWords(f *semantic.Function) string {
	var words []string
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if a, ok := n.(*syntax.Attribute); ok && graphqlUserAttrRE.MatchString(a.Attr.Name) {
				words = append(words, a.Attr.Name)
			}
			return true
		})
	}
	return strings.Join(words, " ")
}

// contextCheck finds a resolver's own check of the caller: an if statement
// (or assert) that reads the user through info.context and raises.
func (m *Model) contextCheck(f *semantic.Function) *Dependency {
	if f == nil {
		return nil
	}
	info := ""
	for _, a := range f.Node.Args.All() {
		if a.Name.Name == "info" || graphqlInfoTypes[m.Prog.AnnotationType(f.Outer, a.Annotation)] {
			info = a.Name.Name
			break
		}
	}
	if info == "" {
		return nil
	}
	var found *Dependency
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if found != nil {
				return false
			}
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.If:
				if readsCaller(n.Test, info) && raises(n.Body) {
					found = m.contextDependency(f, n.Test)
				}
			case *syntax.Assert:
				if readsCaller(n.Test, info) {
					found = m.contextDependency(f, n.Test)
				}
			}
			return true
		})
	}
	return found
}

func (m *Model) contextDependency(f *semantic.Function, test syntax.Expr) *Dependency {
	d := &Dependency{Node: test, Callable: "info.context", Func: nil, Module: f.Module, info: &depInfo{authn: true}}
	if graphqlRoleRE.MatchString(f.Module.File.Text(test)) {
		d.info.selfAuthz, d.info.authz = true, true
	}
	return d
}

// readsCaller reports a condition reading info.context...<user attribute>.
func readsCaller(e syntax.Expr, info string) bool {
	found := false
	syntax.Inspect(e, func(n syntax.Node) bool {
		a, ok := n.(*syntax.Attribute)
		if !ok || found {
			return !found
		}
		if !graphqlUserAttrRE.MatchString(a.Attr.Name) {
			return true
		}
		// Walk down to the root of the chain: info.context.<...>.
		sawContext := false
		var v syntax.Expr = a.Value
		for {
			switch x := v.(type) {
			case *syntax.Attribute:
				if x.Attr.Name == "context" {
					sawContext = true
				}
				v = x.Value
				continue
			case *syntax.Name:
				if x.ID == info && sawContext {
					found = true
				}
			}
			break
		}
		return !found
	})
	if !found {
		// A walrus or an earlier assignment may hold the user; the
		// condition's words decide then.
		return false
	}
	return true
}

// raises reports a block that raises (directly or in a nested block).
func raises(body []syntax.Stmt) bool {
	found := false
	for _, st := range body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if _, ok := n.(*syntax.Raise); ok {
				found = true
			}
			return !found
		})
	}
	return found
}

// resolverParams are a resolver's GraphQL arguments: its parameters after
// the parent object and info, which the library fills.
func (m *Model) resolverParams(library string, f *semantic.Function) []*Param {
	if f == nil {
		return nil
	}
	a := f.Node.Args
	positional, defaults := argDefaults(a)
	skip := 0
	infoAt := -1
	for i, arg := range positional {
		if arg.Name.Name == "info" || graphqlInfoTypes[m.Prog.AnnotationType(f.Outer, arg.Annotation)] {
			infoAt = i
		}
	}
	switch {
	case infoAt >= 0:
		skip = infoAt + 1
	case library != "strawberry":
		skip = 2 // (parent, info) by position
	case f.Class != nil && !f.Node.IsStaticMethod():
		skip = 1
	}
	var out []*Param
	for i, arg := range append(positional, a.KwOnlyArgs...) {
		if i < skip && i < len(positional) {
			continue
		}
		if graphqlParentNames[arg.Name.Name] || graphqlInfoTypes[m.Prog.AnnotationType(f.Outer, arg.Annotation)] {
			continue
		}
		p := m.paramIn(f.Outer, arg, defaults[arg], nil, 0)
		if p.Kind != SpecialParam && p.Kind != DependencyParam {
			p.Kind = GraphQLArg
		}
		out = append(out, p)
	}
	return out
}

// ariadneFields reads the resolvers bound to Ariadne's root types:
// @query.field("name") decorators and query.set_field("name", fn).
func (m *Model) ariadneFields(srv *GraphQLServer) {
	// The bindables passed to make_executable_schema, else every root
	// bindable of the program.
	bindables := map[*semantic.Symbol]string{}
	byName := func(s *semantic.Scope, e syntax.Expr) {
		sym := m.Prog.Resolve(s, e)
		if sym == nil || sym.Kind != semantic.VarSym {
			return
		}
		if op, ok := m.ariadneRoot(s, sym.Value()); ok {
			bindables[sym] = op
		}
	}
	for _, sc := range srv.Schemas {
		for _, a := range sc.Node.Args[min(1, len(sc.Node.Args)):] {
			if els := elements(a); els != nil {
				for _, el := range els {
					byName(sc.Scope, el)
				}
				continue
			}
			byName(sc.Scope, a)
		}
	}
	if len(bindables) == 0 {
		for _, mod := range m.Prog.Modules {
			for _, sym := range mod.Scope.Names {
				if sym.Kind == semantic.VarSym {
					if op, ok := m.ariadneRoot(mod.Scope, sym.Value()); ok {
						bindables[sym] = op
					}
				}
			}
		}
	}
	if len(bindables) == 0 {
		return
	}
	for _, f := range m.Prog.Functions() {
		for _, d := range f.Node.Decorators {
			call, ok := d.(*syntax.Call)
			if !ok {
				continue
			}
			attr, ok := call.Func.(*syntax.Attribute)
			if !ok || (attr.Attr.Name != "field" && attr.Attr.Name != "source") {
				continue
			}
			op, ok := bindables[m.Prog.Resolve(f.Outer, attr.Value)]
			if !ok {
				continue
			}
			name, _ := m.constString(f.Outer, arg(call, 0, "name"))
			m.addAriadneField(srv, op, name, exprText(f.Module, attr.Value), f, d)
		}
	}
	for _, c := range m.Prog.Index().CallsNamed("set_field") {
		attr, ok := c.Call.Func.(*syntax.Attribute)
		if !ok {
			continue
		}
		op, ok := bindables[m.Prog.Resolve(c.Scope, attr.Value)]
		if !ok {
			continue
		}
		name, _ := m.constString(c.Scope, arg(c.Call, 0, "name"))
		m.addAriadneField(srv, op, name, exprText(c.Module, attr.Value), m.funcOf(c.Scope, arg(c.Call, 1, "resolver")), c.Call)
	}
}

func (m *Model) addAriadneField(srv *GraphQLServer, op, name, typ string, res *semantic.Function, node syntax.Node) {
	if res == nil || name == "" {
		return
	}
	for _, have := range srv.Fields {
		if have.Operation == op && have.Name == name {
			return // @subscription.source and .field name the same field
		}
	}
	srv.Fields = append(srv.Fields, &GraphQLField{Server: srv, Operation: op, Name: name, Type: typ, Resolver: res,
		Node: node, Module: res.Module, ContextCheck: m.contextCheck(res)})
}

// ariadneRoot reports an Ariadne root bindable constructor and its operation.
func (m *Model) ariadneRoot(s *semantic.Scope, e syntax.Expr) (string, bool) {
	call, ok := e.(*syntax.Call)
	if !ok {
		return "", false
	}
	q := m.Prog.Qualify(s, call.Func)
	if !strings.HasPrefix(q, "ariadne.") {
		return "", false
	}
	op, ok := ariadneBindables[shortName(q)]
	if !ok {
		return "", false
	}
	if op == "" {
		name, _ := m.constString(s, arg(call, 0, "name"))
		op, ok = graphqlRootNames[name]
	}
	return op, ok
}

// grapheneFields reads the root ObjectTypes of a Graphene schema: class
// attributes made with graphene field constructors, resolved by
// resolve_<name> methods, and mutations' X.Field() resolved by X.mutate.
func (m *Model) grapheneFields(srv *GraphQLServer) {
	m.schemaRoots(srv, func(op string, line []*semantic.Class) {
		done := map[string]bool{}
		for _, c := range line {
			for _, st := range c.Node.Body {
				a, ok := st.(*syntax.Assign)
				if !ok || len(a.Targets) != 1 {
					continue
				}
				name, ok := a.Targets[0].(*syntax.Name)
				call, isCall := a.Value.(*syntax.Call)
				if !ok || !isCall || done[name.ID] {
					continue
				}
				res := m.grapheneResolver(c.Scope, call, line, name.ID)
				if res == nil {
					continue
				}
				done[name.ID] = true
				gname := camelCase(name.ID)
				if n := keyword(call, "name"); n != nil {
					if v, ok := m.constString(c.Scope, n); ok {
						gname = v
					}
				}
				srv.Fields = append(srv.Fields, &GraphQLField{Server: srv, Operation: op, Name: gname,
					Type: c.Node.Name.Name, Resolver: res, Node: st, Module: c.Module, ContextCheck: m.contextCheck(res)})
			}
		}
	})
}

// grapheneResolver finds what resolves a Graphene field: resolver=, the
// mutation class's mutate for X.Field(), or resolve_<name> on the type.
func (m *Model) grapheneResolver(s *semantic.Scope, call *syntax.Call, line []*semantic.Class, name string) *semantic.Function {
	if r := keyword(call, "resolver"); r != nil {
		return m.funcOf(s, r)
	}
	if a, ok := call.Func.(*syntax.Attribute); ok && a.Attr.Name == "Field" {
		if c := m.rootClass(s, a.Value); c != nil {
			for _, k := range m.classLine(c) {
				if f := k.Methods["mutate"]; f != nil {
					return f
				}
			}
			return nil
		}
	}
	if !strings.HasPrefix(m.Prog.Qualify(s, call.Func), "graphene.") {
		return nil
	}
	for _, c := range line {
		if f := c.Methods["resolve_"+name]; f != nil {
			return f
		}
	}
	return nil
}

var (
	// graphqlTypeDecorators make a class a Strawberry GraphQL type.
	graphqlTypeDecorators = map[string]bool{
		"strawberry.type": true, "strawberry.input": true, "strawberry.interface": true,
		"strawberry.federation.type": true, "strawberry.federation.input": true,
		"strawberry.experimental.pydantic.type": true, "strawberry.experimental.pydantic.input": true,
	}
	// graphqlTypeBases are Graphene's object and input type classes.
	graphqlTypeBases = []string{"graphene.ObjectType", "graphene.InputObjectType", "graphene.Interface",
		"graphene.types.objecttype.ObjectType", "graphene.types.inputobjecttype.InputObjectType"}
)

// isGraphQLType reports a Strawberry type (decorated class) or a Graphene
// ObjectType or InputObjectType: its annotated attributes are the fields a
// client reads or sends.
func (m *Model) isGraphQLType(c *semantic.Class) bool {
	for _, d := range c.Node.Decorators {
		if call, ok := d.(*syntax.Call); ok {
			d = call.Func
		}
		if graphqlTypeDecorators[m.Prog.Qualify(c.Outer, d)] {
			return true
		}
	}
	return m.Prog.IsSubclass(c.Qual, graphqlTypeBases...)
}

// ResolverFields are the fields of a Strawberry type that its methods
// resolve (@strawberry.field def orders(self) -> list[Order]), as model
// fields: the method's name, its return annotation as the type, the method
// as the node. A client reaches them through any root field returning the
// type; they are not routes. Nil for other models.
func (m *Model) ResolverFields(dm *DataModel) []*Field {
	if dm == nil || !dm.GraphQL {
		return nil
	}
	var out []*Field
	for _, st := range dm.Class.Node.Body {
		fn, ok := st.(*syntax.FunctionDef)
		if !ok || fn.Returns == nil {
			continue
		}
		for _, d := range fn.Decorators {
			if call, ok := d.(*syntax.Call); ok {
				d = call.Func
			}
			if op, ok := strawberryFieldDecorators[m.Prog.Qualify(dm.Class.Outer, d)]; ok && op == "" {
				out = append(out, &Field{Class: dm.Class, Name: fn.Name.Name, Node: fn, TypeExpr: fn.Returns,
					Type: m.Prog.AnnotationType(dm.Class.Scope, fn.Returns)})
				break
			}
		}
	}
	return out
}

// ResolverReadsCaller reports a resolver method whose body reads the caller
// through its info parameter (info.context.user, ...): a filter or a check
// by the current user.
func ResolverReadsCaller(f *semantic.Function) bool {
	info := "info"
	for _, a := range f.Node.Args.Args {
		if a.Annotation != nil && strings.HasSuffix(syntaxText(a.Annotation), "Info") {
			info = a.Name.Name
		}
	}
	for _, st := range f.Node.Body {
		found := false
		syntax.Inspect(st, func(n syntax.Node) bool {
			if x, ok := n.(syntax.Expr); ok && !found && readsCaller(x, info) {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// syntaxText is a simple name or dotted attribute as text ("strawberry.Info").
func syntaxText(e syntax.Expr) string {
	switch v := e.(type) {
	case *syntax.Name:
		return v.ID
	case *syntax.Attribute:
		return syntaxText(v.Value) + "." + v.Attr.Name
	case *syntax.Subscript:
		return syntaxText(v.Value)
	}
	return ""
}

// isGrapheneField reports a Graphene field declared by assignment in a
// class body: is_admin = graphene.Boolean(), items = graphene.List(Item).
func (m *Model) isGrapheneField(c *semantic.Class, value syntax.Expr) bool {
	call, ok := value.(*syntax.Call)
	return ok && strings.HasPrefix(m.Prog.Qualify(c.Scope, call.Func), "graphene.")
}

// IsGraphQLTransport reports one of a GraphQL server's own HTTP routes
// (GET, POST, WEBSOCKET on its path), as opposed to its fields' routes.
func (e *Endpoint) IsGraphQLTransport() bool {
	return e.GraphQL == nil && isGraphQLServer(e.Route.Router.Class)
}

// ReadsCaller reports a GraphQL resolver whose body reads the caller
// through info.context (info.context.user, info.context.request.user, ...):
// a filter or a check by the current user.
func (e *Endpoint) ReadsCaller() bool {
	if e.GraphQL == nil || e.Handler == nil {
		return false
	}
	for _, st := range e.Handler.Node.Body {
		found := false
		syntax.Inspect(st, func(n syntax.Node) bool {
			if x, ok := n.(syntax.Expr); ok && !found && readsCaller(x, "info") {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}
