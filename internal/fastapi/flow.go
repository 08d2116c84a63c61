package fastapi

import (
	"path"
	"slices"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Apps and routers travel: they are passed to setup functions and methods,
// returned by factories, stored as instance attributes and walked in loops
// over static lists. This file follows them. A statement that uses a
// parameter or a loop variable as a router is evaluated once per context
// it runs in: each call site of its function (arguments bound to
// parameters, following callers that pass their own parameters on) and
// each element of the static list its loop walks.

// binding is the expression a name stands for in one context: an argument
// at a call site, a parameter's default, or an element of a static list a
// loop walks; env is the context that expression is evaluated in.
type binding struct {
	s   *semantic.Scope
	e   syntax.Expr
	env flowEnv
}

// flowEnv binds parameters and loop variables to what they stand for in
// one context. A nil flowEnv binds nothing.
type flowEnv map[*semantic.Symbol]binding

// with returns a copy of env with sym bound to b.
func (env flowEnv) with(sym *semantic.Symbol, b binding) flowEnv {
	out := make(flowEnv, len(env)+1)
	for k, v := range env {
		out[k] = v
	}
	out[sym] = b
	return out
}

// resolveState is what a resolution met on its way.
type resolveState struct {
	cut  bool // the chain was longer than followed
	open bool // a parameter or loop variable no context binds
}

const (
	// maxContexts bounds the contexts one statement is evaluated in.
	maxContexts = 128
	// maxContextDepth bounds how many callers up parameters are followed.
	maxContextDepth = 3
)

// attrAssign is a value assigned to an attribute of self in a method.
type attrAssign struct {
	s *semantic.Scope
	e syntax.Expr
}

// collectAttr records `self.name = value` in methods, so that routers kept
// as instance attributes (and objects holding them) can be found.
func (m *Model) collectAttr(s *semantic.Scope, st syntax.Stmt) {
	as, ok := st.(*syntax.Assign)
	if !ok || s.Kind != semantic.FunctionScope || s.Parent == nil || s.Parent.Kind != semantic.ClassScope {
		return
	}
	fd, ok := s.Node.(*syntax.FunctionDef)
	if !ok || fd.IsStaticMethod() || len(fd.Args.All()) == 0 {
		return
	}
	self := fd.Args.All()[0].Name.Name
	for _, t := range as.Targets {
		a, ok := t.(*syntax.Attribute)
		if !ok {
			continue
		}
		if n, ok := a.Value.(*syntax.Name); ok && n.ID == self {
			key := s.Parent.Qual + "." + a.Attr.Name
			m.attrs[key] = append(m.attrs[key], attrAssign{s, as.Value})
			if call, ok := as.Value.(*syntax.Call); ok {
				m.attrNames[call] = key
			}
		}
	}
}

// bound returns what a name stands for in env.
func (m *Model) bound(s *semantic.Scope, e syntax.Expr, env flowEnv) (binding, bool) {
	n, ok := e.(*syntax.Name)
	if !ok || env == nil {
		return binding{}, false
	}
	sym := m.lookupName(s, n.ID)
	b, ok := env[sym]
	return b, ok && sym != nil
}

// symRouter is the router a resolved symbol holds.
func (m *Model) symRouter(sym *semantic.Symbol, sc *semantic.Scope, env flowEnv, depth int, st *resolveState) *Router {
	if r := m.routerBySym[sym]; r != nil {
		return m.variant(r, env)
	}
	if m.Prog.Unfollowed(sym) {
		st.cut = true
		return nil
	}
	switch sym.Kind {
	case semantic.ParamSym:
		st.open = true
	case semantic.VarSym:
		if v := sym.Value(); v != nil && sc != nil {
			return m.routerOfDepth(sc, v, env, depth+1, st)
		}
		for _, v := range sym.Values {
			if v == nil { // a loop or unpacking target
				st.open = true
			}
		}
	}
	return nil
}

// qualSymbol finds the program symbol a qualified name refers to, following
// re-exports.
func (m *Model) qualSymbol(q string) (*semantic.Symbol, *semantic.Scope) {
	sym, mod := m.Prog.Symbol(q)
	for i := 0; sym != nil && sym.Kind == semantic.ImportSym && i < maxRouterSteps; i++ {
		next, nm := m.Prog.Symbol(sym.Target)
		if next == nil {
			break
		}
		sym, mod = next, nm
	}
	if mod == nil {
		return sym, nil
	}
	return sym, mod.Scope
}

// attrRouter resolves `x.name` that is not a dotted module path: an
// attribute of a module bound to a loop variable or parameter, or an
// instance or class attribute of a program class.
func (m *Model) attrRouter(s *semantic.Scope, a *syntax.Attribute, env flowEnv, depth int, st *resolveState) *Router {
	if b, ok := m.bound(s, a.Value, env); ok {
		if q := m.Prog.Qualify(b.s, b.e); q != "" {
			if sym, sc := m.qualSymbol(q + "." + a.Attr.Name); sym != nil {
				return m.symRouter(sym, sc, b.env, depth+1, st)
			}
		}
	}
	cls := m.classOf(s, a.Value, env, depth+1)
	if cls == "" {
		return nil
	}
	for _, c := range append([]string{cls}, m.Prog.Ancestors(cls)...) {
		for _, as := range m.attrs[c+"."+a.Attr.Name] {
			if r := m.routerOfDepth(as.s, as.e, nil, depth+1, st); r != nil {
				return r
			}
		}
		if pc := m.Prog.Class(c); pc != nil {
			if sym := pc.Scope.Names[a.Attr.Name]; sym != nil {
				if r := m.symRouter(sym, pc.Scope, nil, depth+1, st); r != nil {
					return r
				}
			}
		}
	}
	return nil
}

// classOf is the program class of an expression's value: what TypeOf
// knows, plus bound names and instance attributes.
func (m *Model) classOf(s *semantic.Scope, e syntax.Expr, env flowEnv, depth int) string {
	if depth > maxRouterSteps {
		return ""
	}
	if b, ok := m.bound(s, e, env); ok {
		return m.classOf(b.s, b.e, b.env, depth+1)
	}
	if t := m.Prog.TypeOf(s, e); t != "" {
		return t
	}
	switch e := e.(type) {
	case *syntax.Attribute:
		base := m.classOf(s, e.Value, env, depth+1)
		if base == "" {
			return ""
		}
		for _, c := range append([]string{base}, m.Prog.Ancestors(base)...) {
			for _, as := range m.attrs[c+"."+e.Attr.Name] {
				if t := m.classOf(as.s, as.e, nil, depth+1); t != "" {
					return t
				}
			}
		}
	case *syntax.Name:
		if sym, sc := s.Lookup(e.ID); sym != nil && sym.Kind == semantic.VarSym && sym.Value() != nil && sc != nil {
			return m.classOf(sc, sym.Value(), env, depth+1)
		}
	}
	return ""
}

// callRouter is the router a call gives: a router or app constructed
// there, or the one a program function or method returns, its parameters
// bound to the call's arguments.
func (m *Model) callRouter(s *semantic.Scope, call *syntax.Call, env flowEnv, depth int, st *resolveState) *Router {
	// getattr(module, "router") is module.router.
	if n, ok := call.Func.(*syntax.Name); ok && n.ID == "getattr" && len(call.Args) >= 2 {
		if name, ok := m.constString(s, call.Args[1]); ok {
			attr := &syntax.Attribute{Span: call.Span, Value: call.Args[0], Attr: &syntax.Ident{Span: call.Span, Name: name}}
			return m.routerOfDepth(s, attr, env, depth+1, st)
		}
	}
	callee := m.Prog.Qualify(s, call.Func)
	if callee != "" && m.Prog.Func(callee) == nil {
		if m.Prog.IsSubclass(callee, appClasses...) || m.Prog.IsSubclass(callee, routerClasses...) {
			return m.routerAt(s, call, callee)
		}
	}
	f := m.Prog.Func(callee)
	if f == nil && callee == "" {
		if a, ok := call.Func.(*syntax.Attribute); ok {
			if cls := m.classOf(s, a.Value, env, depth+1); cls != "" {
				f = m.Prog.Method(cls, a.Attr.Name)
			}
		}
	}
	if f == nil {
		return nil
	}
	return m.returnedRouter(f, m.bindArgs(f, call, s, env), depth, st)
}

// routerAt returns the router or app a constructor call makes that is not
// assigned to a plain variable (an argument, a return value, an instance
// attribute), creating it the first time.
func (m *Model) routerAt(s *semantic.Scope, call *syntax.Call, class string) *Router {
	if r := m.routerByNode[call]; r != nil {
		return r
	}
	name := m.attrNames[call]
	if name == "" {
		name = s.Qual + "." + shortName(class) + "()"
	}
	r := m.newRouter(s.Module, s, call, class, name, nil)
	m.routerDeps(r)
	m.routesSetting(r, nil)
	return r
}

// bindArgs binds a function's parameters to a call's arguments (and to
// their defaults when not given).
func (m *Model) bindArgs(f *semantic.Function, call *syntax.Call, s *semantic.Scope, env flowEnv) flowEnv {
	a := f.Node.Args
	if a == nil {
		return nil
	}
	pos := append(append([]*syntax.Arg(nil), a.PosOnlyArgs...), a.Args...)
	out := flowEnv{}
	bind := func(p *syntax.Arg, b binding) {
		if sym := f.Scope.Names[p.Name.Name]; sym != nil && sym.Kind == semantic.ParamSym {
			out[sym] = b
		}
	}
	// Defaults first; arguments given override them.
	for i, d := range a.Defaults {
		if j := len(pos) - len(a.Defaults) + i; j >= 0 && d != nil {
			bind(pos[j], binding{f.Outer, d, nil})
		}
	}
	for i, d := range a.KwDefaults {
		if i < len(a.KwOnlyArgs) && d != nil {
			bind(a.KwOnlyArgs[i], binding{f.Outer, d, nil})
		}
	}
	params := pos
	if f.Class != nil && !f.Node.IsStaticMethod() && len(params) > 0 {
		params = params[1:] // self or cls
	}
	for i, e := range call.Args {
		if _, ok := e.(*syntax.Starred); ok || i >= len(params) {
			break
		}
		bind(params[i], binding{s, e, env})
	}
	for _, kw := range call.Keywords {
		if kw.Arg == nil {
			continue
		}
		for _, p := range append(pos, a.KwOnlyArgs...) {
			if p.Name.Name == kw.Arg.Name {
				bind(p, binding{s, kw.Value, env})
			}
		}
	}
	return out
}

// contexts returns the contexts a statement of scope s (inside loop, when
// not nil) runs in; a nil flowEnv when none is known.
func (m *Model) contexts(s *semantic.Scope, loop *syntax.For) []flowEnv {
	envs := []flowEnv{nil}
	if fd, ok := s.Node.(*syntax.FunctionDef); ok && s.Kind == semantic.FunctionScope {
		if f := m.funcByNode[fd]; f != nil {
			envs = m.funcContexts(f, 0)
		}
	}
	if loop != nil {
		envs = m.loopContexts(s, loop, envs)
	}
	return envs
}

// funcContexts binds a function's parameters at each of its call sites.
func (m *Model) funcContexts(f *semantic.Function, depth int) []flowEnv {
	if envs, ok := m.ctxCache[f]; ok {
		return envs
	}
	if depth > maxContextDepth {
		return []flowEnv{nil}
	}
	m.ctxCache[f] = []flowEnv{nil} // while computing: recursion sees no context
	var out []flowEnv
	names := []string{f.Node.Name.Name}
	if f.Class != nil && names[0] == "__init__" {
		names = append(names, shortName(f.Class.Qual)) // constructor calls
	}
	for _, c := range m.Prog.Index().CallsNamed(names...) {
		if c.Target != f && !m.callsMethod(c, f) {
			continue
		}
		callers := []flowEnv{nil}
		if c.Func != nil && c.Func != f && len(c.Func.Node.Args.All()) > 0 {
			callers = m.funcContexts(c.Func, depth+1)
		}
		for _, ce := range callers {
			if len(out) < maxContexts {
				out = append(out, m.bindArgs(f, c.Call, c.Scope, ce))
			}
		}
	}
	if len(out) == 0 {
		out = []flowEnv{nil}
	}
	m.ctxCache[f] = out
	return out
}

// callsMethod reports a call site of method f that the index could not
// resolve, or resolved to a method f overrides: its receiver is an
// instance attribute of f's class, or an object of a class f's class
// derives from (f overrides the method), or
// an object whose class is not statically known (chosen at run time by a
// factory) while f is one of at most maxDispatch program methods of that
// name: each of them may be the one that runs.
func (m *Model) callsMethod(c *semantic.CallSite, f *semantic.Function) bool {
	a, ok := c.Call.Func.(*syntax.Attribute)
	if f.Class == nil || !ok {
		return false
	}
	name := a.Attr.Name
	if c.Target != nil {
		// Resolved to a base class's method (a factory's declared return
		// type): an override in a subclass may be the one that runs.
		return c.Target.Class != nil && f.Node.Name.Name == name && f != c.Target &&
			slices.Contains(m.Prog.Ancestors(f.Class.Qual), c.Target.Class.Qual)
	}
	cls := m.classOf(c.Scope, a.Value, nil, 0)
	if cls != "" {
		if m.Prog.Method(cls, name) == f {
			return true
		}
		return f.Node.Name.Name == name && m.Prog.Class(cls) != nil && slices.Contains(m.Prog.Ancestors(f.Class.Qual), m.Prog.Canonical(cls))
	}
	if !variableReceiver(c.Scope, a.Value) || strings.HasPrefix(name, "__") || f.Node.Name.Name != name {
		return false
	}
	cands := m.methodsNamed(name)
	if !slices.Contains(cands, f) {
		return false
	}
	if len(cands) > maxDispatch {
		if !m.dispatchSeen[c.Call] && m.passesRouter(c) {
			m.dispatchSeen[c.Call] = true
			m.diag(c.Module, c.Call, "%s is called on an object of unknown class and %d program classes define it; no app or router is followed into them", name, len(cands))
		}
		return false
	}
	return true
}

// variableReceiver reports a receiver held in a variable, a parameter or
// an attribute of self: not a module, class or imported name, whose
// methods the index resolves (or knows to be a library's).
func variableReceiver(s *semantic.Scope, e syntax.Expr) bool {
	switch e := e.(type) {
	case *syntax.Name:
		if e.ID == "self" || e.ID == "cls" {
			return false
		}
		sym, _ := s.Lookup(e.ID)
		return sym != nil && (sym.Kind == semantic.VarSym || sym.Kind == semantic.ParamSym)
	case *syntax.Attribute:
		v, ok := e.Value.(*syntax.Name)
		return ok && v.ID == "self"
	}
	return false
}

// passesRouter reports a call given an app or router as an argument.
func (m *Model) passesRouter(c *semantic.CallSite) bool {
	for _, a := range c.Call.Args {
		if m.routerOfDepth(c.Scope, a, nil, 0, &resolveState{}) != nil {
			return true
		}
	}
	for _, kw := range c.Call.Keywords {
		if m.routerOfDepth(c.Scope, kw.Value, nil, 0, &resolveState{}) != nil {
			return true
		}
	}
	return false
}

// maxDispatch bounds the program methods a call on an object of unknown
// class is followed into.
const maxDispatch = 8

// methodsNamed returns the program methods (of classes) with a name.
func (m *Model) methodsNamed(name string) []*semantic.Function {
	if m.methodsByName == nil {
		m.methodsByName = map[string][]*semantic.Function{}
		for _, f := range m.Prog.Functions() {
			if f.Class != nil && f.Class.Methods[f.Node.Name.Name] == f {
				m.methodsByName[f.Node.Name.Name] = append(m.methodsByName[f.Node.Name.Name], f)
			}
		}
	}
	return m.methodsByName[name]
}

// loopContexts binds a loop's target names to each element of the static
// list it walks, in each of envs.
func (m *Model) loopContexts(s *semantic.Scope, loop *syntax.For, envs []flowEnv) []flowEnv {
	var out []flowEnv
	for _, env := range envs {
		items := m.listItems(s, loop.Iter, env, 0)
		if items == nil {
			out = append(out, env)
			continue
		}
		for _, it := range items {
			next := m.bindTarget(s, loop.Target, it, env)
			if next != nil && len(out) < maxContexts {
				out = append(out, next)
			}
		}
	}
	if out == nil {
		return envs
	}
	return out
}

// bindTarget binds a loop target (a name, or a tuple of names unpacking a
// tuple display) to a value.
func (m *Model) bindTarget(s *semantic.Scope, target syntax.Expr, b binding, env flowEnv) flowEnv {
	switch t := target.(type) {
	case *syntax.Name:
		sym := m.lookupName(s, t.ID)
		if sym == nil {
			return nil
		}
		return env.with(sym, b)
	case *syntax.Tuple:
		items := m.listItems(b.s, b.e, b.env, 0)
		if len(items) != len(t.Elts) {
			return nil
		}
		for i, el := range t.Elts {
			if env = m.bindTarget(s, el, items[i], env); env == nil {
				return nil
			}
		}
		return env
	}
	return nil
}

// listItems returns the elements of a list or tuple display an expression
// evaluates to (through names, bindings and concatenation), or nil.
func (m *Model) listItems(s *semantic.Scope, e syntax.Expr, env flowEnv, depth int) []binding {
	if e == nil || depth > maxRouterSteps {
		return nil
	}
	if b, ok := m.bound(s, e, env); ok {
		return m.listItems(b.s, b.e, b.env, depth+1)
	}
	switch x := e.(type) {
	case *syntax.List, *syntax.Tuple:
		var out []binding
		for _, el := range elements(x) {
			if _, ok := el.(*syntax.Starred); ok {
				return nil
			}
			out = append(out, binding{s, el, env})
		}
		return out
	case *syntax.BinOp:
		if x.Op == syntax.Add {
			l, r := m.listItems(s, x.Left, env, depth+1), m.listItems(s, x.Right, env, depth+1)
			if l != nil && r != nil {
				return append(l, r...)
			}
		}
	case *syntax.Name, *syntax.Attribute:
		if sym, sc := m.Prog.ResolveScope(s, e); sym != nil && sym.Kind == semantic.VarSym && sym.Value() != nil && sc != nil {
			return m.listItems(sc, sym.Value(), nil, depth+1)
		}
	}
	return nil
}

// constStringIn evaluates a path or prefix: constString through the
// bindings of env, then strValue.
func (m *Model) constStringIn(s *semantic.Scope, e syntax.Expr, env flowEnv) (string, bool) {
	return m.strValue(s, e, env, 0)
}

// strValue evaluates a string that constString cannot: names bound by a
// context, parameters every call site gives the same value, variables
// assigned None and one constant, instance attributes, str() and pathlib
// paths (with .parent and .name), and configuration reads with a default
// (a call given an upper-case variable name and a default string, or
// default=).
func (m *Model) strValue(s *semantic.Scope, e syntax.Expr, env flowEnv, depth int) (string, bool) {
	if e == nil || depth > maxRouterSteps {
		return "", false
	}
	if b, ok := m.bound(s, e, env); ok {
		return m.strValue(b.s, b.e, b.env, depth+1)
	}
	if v, ok := m.constString(s, e); ok {
		return v, true
	}
	switch x := e.(type) {
	case *syntax.JoinedStr:
		// f"/reports/{name}" with name bound by a context.
		var b strings.Builder
		for _, v := range x.Values {
			switch v := v.(type) {
			case *syntax.Constant:
				b.WriteString(v.Value)
			case *syntax.FormattedValue:
				str, ok := m.strValue(s, v.Value, env, depth+1)
				if v.FormatSpec != nil || v.Conversion >= 0 || !ok {
					return "", false
				}
				b.WriteString(str)
			}
		}
		return b.String(), true
	case *syntax.Call:
		callee := m.Prog.Qualify(s, x.Func)
		if (callee == "str" || strings.HasPrefix(callee, "pathlib.")) && len(x.Args) == 1 {
			return m.strValue(s, x.Args[0], env, depth+1)
		}
		if d := keyword(x, "default"); d != nil {
			return m.strValue(s, d, env, depth+1)
		}
		if len(x.Args) >= 2 {
			if name, ok := x.Args[0].(*syntax.Constant); ok && name.Kind == syntax.ConstStr && name.Value != "" && strings.ToUpper(name.Value) == name.Value {
				return m.strValue(s, x.Args[1], env, depth+1)
			}
		}
	case *syntax.Attribute:
		switch x.Attr.Name {
		case "parent", "name":
			if v, ok := m.strValue(s, x.Value, env, depth+1); ok {
				if x.Attr.Name == "parent" {
					return path.Dir(v), true
				}
				return path.Base(v), true
			}
		}
		if cls := m.classOf(s, x.Value, env, depth+1); cls != "" {
			for _, c := range append([]string{cls}, m.Prog.Ancestors(cls)...) {
				for _, as := range m.attrs[c+"."+x.Attr.Name] {
					if v, ok := m.strValue(as.s, as.e, nil, depth+1); ok {
						return v, true
					}
				}
				if pc := m.Prog.Class(c); pc != nil {
					if f := pc.Scope.Names[x.Attr.Name]; f != nil && f.Value() != nil {
						return m.strValue(pc.Scope, f.Value(), nil, depth+1)
					}
				}
			}
		}
	case *syntax.Name:
		sym, sc := s.Lookup(x.ID)
		if sym == nil || sc == nil {
			return "", false
		}
		switch sym.Kind {
		case semantic.VarSym:
			// None, then one value: the value.
			val, n := "", 0
			for _, v := range sym.Values {
				if c, ok := v.(*syntax.Constant); ok && c.Kind == syntax.ConstNone {
					continue
				}
				str, ok := m.strValue(sc, v, env, depth+1)
				if !ok || n > 0 && str != val {
					return "", false
				}
				val, n = str, n+1
			}
			return val, n > 0
		case semantic.ParamSym:
			// Every call site gives the same value.
			fd, ok := sc.Node.(*syntax.FunctionDef)
			if !ok || m.funcByNode[fd] == nil {
				return "", false
			}
			val, n := "", 0
			for _, ce := range m.funcContexts(m.funcByNode[fd], 0) {
				b, ok := ce[sym]
				if !ok {
					return "", false
				}
				str, ok := m.strValue(b.s, b.e, b.env, depth+1)
				if !ok || n > 0 && str != val {
					return "", false
				}
				val, n = str, n+1
			}
			return val, n > 0
		}
	}
	return "", false
}

// isOpen reports whether an expression names a router only through a
// parameter or loop variable that no context binds yet.
func (m *Model) isOpen(s *semantic.Scope, e syntax.Expr) bool {
	if e == nil {
		return false
	}
	st := &resolveState{}
	return m.routerOfDepth(s, e, nil, 0, st) == nil && st.open
}
