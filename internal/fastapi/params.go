package fastapi

import (
	"regexp"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// maxDepDepth bounds how deep dependency chains are followed.
const maxDepDepth = 12

var pathParamRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}`)

// pathParams returns the names of the {parameters} in a path.
func pathParams(path string) map[string]bool {
	out := map[string]bool{}
	for _, m := range pathParamRE.FindAllStringSubmatch(path, -1) {
		out[m[1]] = true
	}
	return out
}

// params classifies the parameters of a handler or dependency as FastAPI
// does. skipSelf drops the first parameter of a method.
func (m *Model) params(f *semantic.Function, skipSelf bool, path map[string]bool, depth int) []*Param {
	if f == nil || depth > maxDepDepth {
		return nil
	}
	a := f.Node.Args
	positional, defaults := argDefaults(a)
	args := append(positional, a.KwOnlyArgs...)
	if skipSelf && len(args) > 0 {
		args = args[1:]
	}
	var out []*Param
	for _, arg := range args {
		out = append(out, m.param(f, arg, defaults[arg], path, depth))
	}
	return out
}

func (m *Model) param(f *semantic.Function, a *syntax.Arg, def syntax.Expr, path map[string]bool, depth int) *Param {
	return m.paramIn(f.Outer, a, def, path, depth)
}

// paramIn classifies a parameter whose annotation and default are written
// in scope.
func (m *Model) paramIn(scope *semantic.Scope, a *syntax.Arg, def syntax.Expr, path map[string]bool, depth int) *Param {
	p := &Param{Name: a.Name.Name, Arg: a, Default: def, Kind: QueryParam}
	typ, metas, typScope := m.unwrapAnnotated(scope, a.Annotation)
	p.TypeExpr = typ
	if typ != nil {
		p.Type = m.Prog.AnnotationType(typScope, typ)
	}
	var marker *syntax.Call
	markerScope := scope
	for _, meta := range metas {
		if call, ok := meta.(*syntax.Call); ok {
			if _, ok := markerKinds[fastapiName(m.Prog.Qualify(typScope, call.Func))]; ok {
				marker, markerScope = call, typScope
			}
		}
	}
	if call, ok := def.(*syntax.Call); ok && marker == nil {
		if _, ok := markerKinds[fastapiName(m.Prog.Qualify(scope, call.Func))]; ok {
			marker = call
		}
	}
	if marker == nil {
		// A project function that returns Depends(...): RoleACL(...) as
		// Annotated metadata or as the default.
		var markers []factoryMarker
		for _, meta := range metas {
			if call, ok := meta.(*syntax.Call); ok && markers == nil {
				markers = m.dependsFactory(typScope, call)
			}
		}
		if call, ok := def.(*syntax.Call); ok && markers == nil {
			markers = m.dependsFactory(scope, call)
		}
		if markers != nil {
			p.Kind = DependencyParam
			p.Dep = m.factoryDependency(markers, typ, typScope, path, depth)
			return p
		}
	}
	if marker != nil {
		name := fastapiName(m.Prog.Qualify(markerScope, marker.Func))
		p.Kind = markerKinds[name]
		p.Marker = marker
		if p.Kind == DependencyParam {
			p.Dep = m.dependency(markerScope, marker, name == "Security", typ, typScope, path, depth+1)
		}
		return p
	}
	switch {
	case specialTypes[fastapiName(p.Type)]:
		p.Kind = SpecialParam
	case m.isUploadFile(typScope, typ):
		p.Kind = FileParam
	case path[p.Name]:
		p.Kind = PathParam
	case m.isModel(p.Type):
		p.Kind = BodyParam
	case m.isContainer(typScope, typ):
		p.Kind = BodyParam
	}
	return p
}

// classDeps returns the class attributes of a class-based view that FastAPI
// fills through dependency injection (`user: User = Depends(current_user)`),
// inherited ones included; a subclass's attribute overrides its base's.
func (m *Model) classDeps(c *semantic.Class, path map[string]bool) []*Param {
	var chain []*semantic.Class
	for _, a := range m.Prog.Ancestors(c.Qual) {
		if base := m.Prog.Class(a); base != nil {
			chain = append(chain, base)
		}
	}
	byName := map[string]*Param{}
	var order []string
	for i := len(chain) - 1; i >= -1; i-- {
		cls := c
		if i >= 0 {
			cls = chain[i]
		}
		for _, st := range cls.Node.Body {
			ann, ok := st.(*syntax.AnnAssign)
			if !ok {
				continue
			}
			name, ok := ann.Target.(*syntax.Name)
			if !ok {
				continue
			}
			a := &syntax.Arg{Span: ann.Span, Name: &syntax.Ident{Span: name.Span, Name: name.ID}, Annotation: ann.Annotation}
			p := m.paramIn(cls.Scope, a, ann.Value, path, 0)
			if p.Kind != DependencyParam {
				continue
			}
			if _, seen := byName[name.ID]; !seen {
				order = append(order, name.ID)
			}
			byName[name.ID] = p
		}
	}
	out := make([]*Param, 0, len(order))
	for _, n := range order {
		out = append(out, byName[n])
	}
	return out
}

// unwrapAnnotated looks through Optional and X | None, resolves
// annotation aliases (CurrentUser = Annotated[User, Depends(...)]) and
// splits Annotated[T, meta...] into T and its metadata, with the scope they
// are written in.
func (m *Model) unwrapAnnotated(s *semantic.Scope, ann syntax.Expr) (syntax.Expr, []syntax.Expr, *semantic.Scope) {
	for range maxDepDepth {
		switch a := ann.(type) {
		case *syntax.Name, *syntax.Attribute:
			sym, sc := m.Prog.ResolveScope(s, a)
			if sym != nil && sym.Kind == semantic.VarSym && sc != nil {
				if v, ok := sym.Value().(*syntax.Subscript); ok {
					ann, s = v, sc
					continue
				}
			}
			return ann, nil, s
		case *syntax.Subscript:
			switch m.Prog.Qualify(s, a.Value) {
			case "typing.Annotated", "typing_extensions.Annotated":
				t, ok := a.Slice.(*syntax.Tuple)
				if !ok || len(t.Elts) == 0 {
					return a.Slice, nil, s
				}
				inner, metas, sc := m.unwrapAnnotated(s, t.Elts[0])
				return inner, append(metas, t.Elts[1:]...), sc
			case "typing.Optional", "typing_extensions.Optional":
				ann = a.Slice
				continue
			}
			return ann, nil, s
		case *syntax.BinOp:
			if a.Op == syntax.BitOr && isNoneExpr(a.Right) {
				ann = a.Left
				continue
			}
			if a.Op == syntax.BitOr && isNoneExpr(a.Left) {
				ann = a.Right
				continue
			}
		}
		return ann, nil, s
	}
	return ann, nil, s
}

func isNoneExpr(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstNone
}

// isModel reports whether a qualified class is a Pydantic model.
func (m *Model) isModel(q string) bool {
	return q != "" && m.Prog.IsSubclass(q, baseModelClasses...)
}

// isUploadFile reports UploadFile and collections of it.
func (m *Model) isUploadFile(s *semantic.Scope, t syntax.Expr) bool {
	if t == nil {
		return false
	}
	if sub, ok := t.(*syntax.Subscript); ok {
		if containerTypes[m.Prog.Qualify(s, sub.Value)] {
			return m.isUploadFile(s, sub.Slice)
		}
	}
	return fastapiName(m.Prog.AnnotationType(s, t)) == "UploadFile"
}

// isContainer reports list, dict and similar types, which FastAPI reads
// from the body.
func (m *Model) isContainer(s *semantic.Scope, t syntax.Expr) bool {
	if t == nil {
		return false
	}
	if sub, ok := t.(*syntax.Subscript); ok {
		t = sub.Value
	}
	return containerTypes[m.Prog.Qualify(s, t)]
}

// dependency resolves a Depends(...) or Security(...) marker. Without an
// explicit callable, the annotation's class is the dependency.
func (m *Model) dependency(s *semantic.Scope, call *syntax.Call, security bool, typ syntax.Expr, typScope *semantic.Scope, path map[string]bool, depth int) *Dependency {
	d := &Dependency{Node: call, Module: s.Module}
	target, tscope := arg(call, 0, "dependency"), s
	if target == nil {
		target, tscope = typ, typScope
	}
	if security {
		d.Scopes = m.stringList(s, keyword(call, "scopes"))
	}
	m.resolveCallable(d, tscope, target, depth)
	if d.Func == nil && d.Scheme == nil {
		if fields := knownForms[fastapiName(d.Callable)]; fields != nil {
			for _, name := range fields {
				d.Params = append(d.Params, &Param{Name: name, Kind: FormParam, Type: "str"})
			}
			return d
		}
	}
	key := depCacheKey{f: d.Func, s: d.Scheme, callable: d.Callable, path: pathKey(path)}
	if c := m.depCache[key]; c != nil {
		// The same callable in the same path context: share its analysis,
		// which also keeps hostile dependency graphs linear.
		d.Params, d.Sub = c.Params, c.Sub
		d.info = c.info
		return d
	}
	m.depCache[key] = d
	if depth <= maxDepDepth {
		d.Params = m.params(d.Func, d.Func != nil && d.Func.Class != nil && !d.Func.Node.IsStaticMethod(), path, depth)
		for _, p := range d.Params {
			if p.Dep != nil {
				d.Sub = append(d.Sub, p.Dep)
			}
		}
	} else {
		m.diag(d.Module, call, "%s is more than %d dependencies deep: what it calls, its parameters and the dependencies they name are not followed, so the request data it reads and the checks it makes are missing from the model", exprText(d.Module, call), maxDepDepth)
	}
	d.info = m.analyze(d, depth)
	return d
}

// depCacheKey identifies a resolved dependency for reuse.
type depCacheKey struct {
	f        *semantic.Function
	s        *Scheme
	callable string
	path     string
}

func pathKey(path map[string]bool) string {
	keys := make([]string, 0, len(path))
	for k := range path {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// resolveCallable finds what a dependency calls: a function, a class (its
// __init__ runs), an instance of a class with __call__, the closure a
// factory returns, or a security scheme instance.
func (m *Model) resolveCallable(d *Dependency, s *semantic.Scope, target syntax.Expr, depth int) {
	if target == nil || depth > maxDepDepth {
		return
	}
	switch t := target.(type) {
	case *syntax.Call:
		q := m.Prog.Qualify(s, t.Func)
		d.Callable = q
		if name, ok := m.libraryAuthFactory(s, t); ok {
			d.Callable = libraryAuthName + name
			return
		}
		if f := m.Prog.Func(q); f != nil {
			// A factory: the dependency is what it returns.
			if inner := m.returnedCallable(f); inner != nil {
				d.Func, d.Callable = inner, inner.Qual
				return
			}
			if cls := m.Prog.Class(m.Prog.TypeOf(s, t)); cls != nil {
				d.Class, d.Func = cls, m.Prog.Method(cls.Qual, "__call__")
			}
			return
		}
		if cls := m.Prog.Class(q); cls != nil {
			d.Class, d.Func = cls, m.Prog.Method(cls.Qual, "__call__")
			d.Callable = cls.Qual + ".__call__"
		}
		return
	}
	sym, sc := m.Prog.ResolveScope(s, target)
	d.Callable = m.Prog.Qualify(s, target)
	if sym == nil {
		return
	}
	switch sym.Kind {
	case semantic.FuncSym:
		d.Func, d.Callable = sym.Func, sym.Func.Qual
	case semantic.ClassSym:
		d.Class, d.Func, d.Callable = sym.Class, m.Prog.Method(sym.Class.Qual, "__init__"), sym.Class.Qual
	case semantic.VarSym:
		if sc2 := m.schemeBySym[sym]; sc2 != nil {
			d.Scheme, d.Callable = sc2, sc2.Qual
			return
		}
		if v := sym.Value(); v != nil && sc != nil {
			m.resolveCallable(d, sc, v, depth+1)
		} else if sc != nil {
			// Assigned in branches (if/else): the first value that resolves.
			for _, v := range sym.Values {
				if v == nil {
					continue
				}
				try := &Dependency{}
				m.resolveCallable(try, sc, v, depth+1)
				if try.Func != nil || try.Scheme != nil {
					d.Func, d.Class, d.Scheme, d.Callable = try.Func, try.Class, try.Scheme, try.Callable
					break
				}
			}
		}
	case semantic.ParamSym:
		if sc != nil {
			m.resolveParamCallable(d, sym, sc, depth)
		}
	}
}

// returnedCallable finds the nested function a factory returns.
func (m *Model) returnedCallable(f *semantic.Function) *semantic.Function {
	var found *semantic.Function
	returnedValues(f, func(v syntax.Expr) bool {
		found = m.funcOf(f.Scope, v)
		return found == nil
	})
	return found
}

// dependencyList reads dependencies=[Depends(a), Security(b, scopes=[...])].
//
// A conditional expression, `[Depends(auth)] if settings.auth_enabled else
// []`, is read as the union of its branches: a dependency listed in one
// branch only gets that branch's condition in Cond ("settings.auth_enabled",
// or "not ..." for the else branch), one listed in both stays
// unconditional. Such a route is authenticated when the setting is on,
// which is how a deployment that has authentication runs it; the inventory
// shows the condition next to the dependency.
func (m *Model) dependencyList(mod *semantic.Module, s *semantic.Scope, e syntax.Expr) []*Dependency {
	return m.dependencyListFrom(mod, s, e, nil)
}

// dependencyListFrom is dependencyList following a parameter to what its
// callers pass, each parameter once (recursive factories end); seen is nil
// at the top, where what cannot be resolved is reported.
func (m *Model) dependencyListFrom(mod *semantic.Module, s *semantic.Scope, e syntax.Expr, seen map[*semantic.Symbol]bool) []*Dependency {
	top := seen == nil
	if ife, ok := e.(*syntax.IfExp); ok {
		return m.conditionalDependencies(mod, s, ife)
	}
	if n, ok := e.(*syntax.Name); ok {
		if deps, ok := m.builtDependencies(mod, s, n); ok {
			return deps // see deplist.go
		}
		// dependencies=route_dependencies, a parameter of a router
		// factory: the lists its callers pass.
		if sym, sc := s.Lookup(n.ID); sym != nil && sym.Kind == semantic.ParamSym && sc != nil {
			if seen == nil {
				seen = map[*semantic.Symbol]bool{}
			}
			if seen[sym] {
				return nil
			}
			seen[sym] = true
			for _, a := range m.paramArguments(sym, sc) {
				if deps := m.dependencyListFrom(mod, a.scope, a.expr, seen); deps != nil {
					return deps
				}
			}
		}
	}
	var out []*Dependency
	items := m.argItems(s, e)
	for _, el := range items {
		call, ok := el.(*syntax.Call)
		if !ok {
			continue
		}
		name := fastapiName(m.Prog.Qualify(s, call.Func))
		if name != "Depends" && name != "Security" {
			continue
		}
		out = append(out, m.dependency(s, call, name == "Security", nil, s, nil, 0))
	}
	switch e.(type) {
	case *syntax.List, *syntax.Tuple, *syntax.Set:
		return out // a literal, perhaps empty
	}
	if out == nil && items == nil && e != nil && top {
		m.diag(mod, e, "dependencies %s are not a literal list; they were not resolved", exprText(mod, e))
	}
	return out
}

// Label names the dependency with the condition it is listed under, when
// there is one: "get_current_user (if settings.auth_enabled)".
func (d *Dependency) Label() string {
	if d.Cond == "" {
		return d.Name()
	}
	return d.Name() + " (if " + strings.Join(strings.Fields(d.Cond), " ") + ")"
}

// conditionalDependencies reads the two branches of `deps if cond else
// other`; see dependencyList.
func (m *Model) conditionalDependencies(mod *semantic.Module, s *semantic.Scope, e *syntax.IfExp) []*Dependency {
	cond := exprText(mod, e.Test)
	body, orelse := m.dependencyList(mod, s, e.Body), m.dependencyList(mod, s, e.Orelse)
	inBoth := func(d *Dependency, other []*Dependency) bool {
		for _, o := range other {
			if d.Callable != "" && o.Callable == d.Callable {
				return true
			}
		}
		return false
	}
	var out []*Dependency
	for _, d := range body {
		if !inBoth(d, orelse) && d.Cond == "" {
			d.Cond = cond
		}
		out = append(out, d)
	}
	for _, d := range orelse {
		if inBoth(d, body) {
			continue
		}
		if d.Cond == "" {
			d.Cond = "not " + cond
		}
		out = append(out, d)
	}
	return out
}

// argDefaults returns a function's positional parameters (positional-only
// ones first) and the default of each parameter that has one.
func argDefaults(a *syntax.Arguments) (positional []*syntax.Arg, defaults map[*syntax.Arg]syntax.Expr) {
	positional = append(append([]*syntax.Arg(nil), a.PosOnlyArgs...), a.Args...)
	defaults = map[*syntax.Arg]syntax.Expr{}
	for i, d := range a.Defaults {
		if j := len(positional) - len(a.Defaults) + i; j >= 0 {
			defaults[positional[j]] = d
		}
	}
	for i, d := range a.KwDefaults {
		if d != nil && i < len(a.KwOnlyArgs) {
			defaults[a.KwOnlyArgs[i]] = d
		}
	}
	return positional, defaults
}
