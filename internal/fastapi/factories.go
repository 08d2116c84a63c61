package fastapi

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// dependsFactory reads a call to a program function that returns a
// Depends(...) or Security(...) marker (`role: Annotated[Role, RoleACL(...)]`,
// `role: Role = RoleACL(...)`): the markers it may return, each with the
// scope it is written in. It returns nil for any other call.
func (m *Model) dependsFactory(s *semantic.Scope, call *syntax.Call) []factoryMarker {
	f := m.Prog.Func(m.Prog.Qualify(s, call.Func))
	if f == nil {
		if r := m.Prog.ResolveCall(s, call); r != nil {
			f = r.Func
		}
	}
	if f == nil {
		return nil
	}
	var out []factoryMarker
	name := f.Node.Name.Name
	returnedValues(f, func(v syntax.Expr) bool {
		if c, ok := v.(*syntax.Call); ok {
			switch fastapiName(m.Prog.Qualify(f.Scope, c.Func)) {
			case "Depends":
				out = append(out, factoryMarker{c, f.Scope, false, name})
			case "Security":
				out = append(out, factoryMarker{c, f.Scope, true, name})
			}
		}
		return true
	})
	return out
}

// factoryMarker is one Depends or Security call a dependency factory returns.
type factoryMarker struct {
	call     *syntax.Call
	scope    *semantic.Scope
	security bool
	factory  string // the factory's name
}

// factoryDependency resolves the dependency a factory call stands for.
// When its branches return different dependencies, the route is only as
// guarded as the weakest: the first that does not authenticate is kept,
// else the first.
func (m *Model) factoryDependency(markers []factoryMarker, typ syntax.Expr, typScope *semantic.Scope, path map[string]bool, depth int) *Dependency {
	var first *Dependency
	for _, fm := range markers {
		d := m.dependency(fm.scope, fm.call, fm.security, typ, typScope, path, depth+1)
		d.Factory = fm.factory
		if first == nil {
			first = d
		}
		if !d.Authenticates() {
			return d
		}
	}
	return first
}

// libraryAuthFactories are library methods that return an authenticating
// dependency, by the class of the object they are called on; the
// dependency is optional (None without credentials) when called with
// optional=True.
var libraryAuthFactories = map[string][]string{
	"fastapi_users.FastAPIUsers":                               {"current_user", "current_user_token"},
	"fastapi_users.fastapi_users.FastAPIUsers":                 {"current_user", "current_user_token"},
	"fastapi_users.authentication.Authenticator":               {"current_user", "current_user_token"},
	"fastapi_users.authentication.authenticator.Authenticator": {"current_user", "current_user_token"},
}

// libraryAuthName is the callable name given to dependencies made by a
// library auth factory; analyze treats it as authenticating.
const libraryAuthName = "<library auth>"

// libraryAuthFactory reports a call of a library method that returns an
// authenticating dependency (fastapi_users.current_user(active=True)),
// and names it for the auth chain.
func (m *Model) libraryAuthFactory(s *semantic.Scope, call *syntax.Call) (string, bool) {
	a, ok := call.Func.(*syntax.Attribute)
	if !ok {
		return "", false
	}
	if kw := keyword(call, "optional"); kw != nil && !isFalse(kw) {
		return "", false
	}
	class := m.receiverClass(s, a.Value)
	if class == "" {
		return "", false
	}
	for base, methods := range libraryAuthFactories {
		if !m.Prog.IsSubclass(class, base) {
			continue
		}
		for _, name := range methods {
			if name == a.Attr.Name {
				return shortName(base) + "." + name, true
			}
		}
	}
	return "", false
}

// receiverClass is the class of the object a method is called on: what
// TypeOf knows, or the class of a generic constructor call
// (FastAPIUsers[User, UUID](...)).
func (m *Model) receiverClass(s *semantic.Scope, e syntax.Expr) string {
	if t := m.Prog.TypeOf(s, e); t != "" {
		return t
	}
	sym, sc := m.Prog.ResolveScope(s, e)
	if sym == nil || sym.Kind != semantic.VarSym || sc == nil {
		return ""
	}
	call, ok := sym.Value().(*syntax.Call)
	if !ok {
		return ""
	}
	if sub, ok := call.Func.(*syntax.Subscript); ok {
		return m.Prog.Qualify(sc, sub.Value)
	}
	return ""
}

// resolveParamCallable resolves Depends(authenticator) where authenticator
// is a parameter of the function around the route (a router factory
// handed the app's authenticator): the argument its callers pass, the
// first that resolves to a function, a class or a security scheme.
func (m *Model) resolveParamCallable(d *Dependency, sym *semantic.Symbol, sc *semantic.Scope, depth int) {
	if m.paramDeps == nil {
		m.paramDeps = map[*semantic.Symbol]*Dependency{}
	}
	// Each parameter is resolved once: call sites that pass parameters
	// on would otherwise multiply at every level.
	found, done := m.paramDeps[sym]
	if !done {
		m.paramDeps[sym] = nil // in progress: a cycle ends here
		for _, a := range m.paramArguments(sym, sc) {
			try := &Dependency{}
			m.resolveCallable(try, a.scope, a.expr, depth+1)
			if try.Func != nil || try.Scheme != nil || strings.HasPrefix(try.Callable, libraryAuthName) {
				found = try
				break
			}
		}
		m.paramDeps[sym] = found
	}
	if found != nil {
		d.Func, d.Class, d.Scheme, d.Callable = found.Func, found.Class, found.Scheme, found.Callable
	}
}

// argument is an expression a caller passes, with the scope it is written in.
type argument struct {
	expr  syntax.Expr
	scope *semantic.Scope
}

// paramArguments returns what the callers of a function pass for one of
// its parameters, at every call site (module-level ones included).
func (m *Model) paramArguments(sym *semantic.Symbol, sc *semantic.Scope) []argument {
	def, ok := sc.Node.(*syntax.FunctionDef)
	if !ok || sym.Arg == nil {
		return nil
	}
	f := m.funcByNode[def]
	if f == nil {
		return nil
	}
	positional := append(append([]*syntax.Arg(nil), def.Args.PosOnlyArgs...), def.Args.Args...)
	index := -1
	for i, a := range positional {
		if a == sym.Arg {
			index = i
		}
	}
	if index >= 0 && f.Class != nil && !def.IsStaticMethod() {
		index-- // self is bound by the call
	}
	var out []argument
	for _, c := range m.Prog.Index().CallsNamed(def.Name.Name) {
		if c.Target != f {
			continue
		}
		var a syntax.Expr
		if index >= 0 {
			a = arg(c.Call, index, sym.Name)
		} else {
			a = keyword(c.Call, sym.Name)
		}
		if a != nil {
			out = append(out, argument{a, c.Scope})
		}
	}
	return out
}
