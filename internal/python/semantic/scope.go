package semantic

import (
	"strings"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// ScopeKind is the kind of a scope.
type ScopeKind uint8

// Scope kinds. Comprehensions and lambdas share their function's scope: a
// simplification that costs nothing for what the analyses ask.
const (
	ModuleScope ScopeKind = iota
	ClassScope
	FunctionScope
)

// Scope is a namespace: a module, a class body or a function body.
type Scope struct {
	Kind   ScopeKind
	Parent *Scope // nil for a module
	Module *Module
	Node   syntax.Node // *syntax.FunctionDef or *syntax.ClassDef; nil for a module
	Qual   string      // qualified name of what the scope belongs to
	Names  map[string]*Symbol
	funcs  []*Function // functions defined directly in this scope
	global map[string]bool
}

func newScope(kind ScopeKind, parent *Scope, m *Module, node syntax.Node, qual string) *Scope {
	return &Scope{Kind: kind, Parent: parent, Module: m, Node: node, Qual: qual, Names: map[string]*Symbol{}}
}

// SymbolKind is what a name is bound to.
type SymbolKind uint8

// Symbol kinds.
const (
	VarSym SymbolKind = iota
	ImportSym
	FuncSym
	ClassSym
	ParamSym
)

// Symbol is a name bound in a scope.
type Symbol struct {
	Name       string
	Kind       SymbolKind
	Target     string        // ImportSym: the qualified name imported
	Func       *Function     // FuncSym
	Class      *Class        // ClassSym
	Arg        *syntax.Arg   // ParamSym
	Values     []syntax.Expr // VarSym: every value assigned, in source order (nil entries for targets of unpacking, loops and with)
	Annotation syntax.Expr   // VarSym or ParamSym: the declared type, if any
	Node       syntax.Node   // where the name was first bound
}

// Value returns the single value assigned to a variable, or nil when it is
// assigned more than once or not by a plain assignment.
func (s *Symbol) Value() syntax.Expr {
	if s == nil || len(s.Values) != 1 {
		return nil
	}
	return s.Values[0]
}

// Function is a function or method definition.
type Function struct {
	Qual   string
	Node   *syntax.FunctionDef
	Module *Module
	Class  *Class                  // the class of a method, else nil
	Scope  *Scope                  // the function's own scope
	Outer  *Scope                  // the scope it is defined in
	calls  atomic.Pointer[[]*Call] // Calls' answer, once computed
}

// Class is a class definition.
type Class struct {
	Qual    string
	Node    *syntax.ClassDef
	Module  *Module
	Scope   *Scope
	Outer   *Scope
	Methods map[string]*Function
	bases   atomic.Pointer[[]string] // Bases' answer, once computed
}

// binder fills scopes with the names a module binds.
type binder struct {
	p       *Program
	m       *Module
	stars   []starImport
	classes map[string]*Class // the module's classes by qualified name (the first of each)
}

// starImport is a `from mod import *`, resolved once every module is bound.
type starImport struct {
	scope *Scope
	mod   string
}

func (b *binder) bind(s *Scope, name string, sym *Symbol) *Symbol {
	if s.global[name] {
		s = s.Module.Scope
	}
	if old := s.Names[name]; old != nil && old.Kind == sym.Kind && sym.Kind == VarSym {
		old.Values = append(old.Values, sym.Values...)
		if old.Annotation == nil {
			old.Annotation = sym.Annotation
		}
		return old
	}
	sym.Name = name
	s.Names[name] = sym
	return sym
}

func (b *binder) stmts(s *Scope, body []syntax.Stmt) {
	for _, st := range body {
		b.stmt(s, st)
	}
}

func (b *binder) stmt(s *Scope, st syntax.Stmt) {
	switch n := st.(type) {
	case *syntax.FunctionDef:
		b.funcDef(s, n)
	case *syntax.ClassDef:
		b.classDef(s, n)
	case *syntax.Import:
		for _, a := range n.Names {
			if a.Asname != nil {
				b.bind(s, a.Asname.Name, &Symbol{Kind: ImportSym, Target: a.Name.Name, Node: a})
				continue
			}
			first, _, _ := strings.Cut(a.Name.Name, ".")
			b.bind(s, first, &Symbol{Kind: ImportSym, Target: first, Node: a})
		}
	case *syntax.ImportFrom:
		base := b.fromModule(n)
		for _, a := range n.Names {
			if a.Name.Name == "*" {
				b.stars = append(b.stars, starImport{s, base})
				continue
			}
			local := a.Name.Name
			if a.Asname != nil {
				local = a.Asname.Name
			}
			target := a.Name.Name
			if base != "" {
				target = base + "." + a.Name.Name
			}
			b.bind(s, local, &Symbol{Kind: ImportSym, Target: target, Node: a})
		}
	case *syntax.Assign:
		for _, t := range n.Targets {
			b.target(s, t, n.Value, nil)
		}
	case *syntax.AnnAssign:
		b.target(s, n.Target, n.Value, n.Annotation)
	case *syntax.AugAssign:
		b.target(s, n.Target, nil, nil)
	case *syntax.TypeAlias:
		b.bind(s, n.Name.ID, &Symbol{Kind: VarSym, Values: []syntax.Expr{n.Value}, Node: n})
	case *syntax.For:
		b.target(s, n.Target, nil, nil)
		b.stmts(s, n.Body)
		b.stmts(s, n.Orelse)
	case *syntax.While:
		b.stmts(s, n.Body)
		b.stmts(s, n.Orelse)
	case *syntax.If:
		b.stmts(s, n.Body)
		b.stmts(s, n.Orelse)
	case *syntax.With:
		for _, it := range n.Items {
			if it.OptionalVars != nil {
				b.target(s, it.OptionalVars, nil, nil)
			}
		}
		b.stmts(s, n.Body)
	case *syntax.Try:
		b.stmts(s, n.Body)
		for _, h := range n.Handlers {
			if h.Name != nil {
				b.bind(s, h.Name.Name, &Symbol{Kind: VarSym, Node: h})
			}
			b.stmts(s, h.Body)
		}
		b.stmts(s, n.Orelse)
		b.stmts(s, n.Finalbody)
	case *syntax.Match:
		for _, c := range n.Cases {
			b.stmts(s, c.Body)
		}
	case *syntax.Global:
		if s.global == nil {
			s.global = map[string]bool{}
		}
		for _, id := range n.Names {
			s.global[id.Name] = true
		}
	}
}

// fromModule resolves the module of `from ... import`, making relative
// imports absolute.
func (b *binder) fromModule(n *syntax.ImportFrom) string {
	mod := ""
	if n.Module != nil {
		mod = n.Module.Name
	}
	if n.Level == 0 {
		return mod
	}
	pkg := b.m.Name
	if !b.m.Package {
		if i := strings.LastIndexByte(pkg, '.'); i >= 0 {
			pkg = pkg[:i]
		} else {
			pkg = ""
		}
	}
	for i := 1; i < n.Level; i++ {
		if j := strings.LastIndexByte(pkg, '.'); j >= 0 {
			pkg = pkg[:j]
		} else {
			pkg = ""
		}
	}
	switch {
	case pkg == "":
		return mod
	case mod == "":
		return pkg
	}
	return pkg + "." + mod
}

// bindStars binds the public module-level names of the modules imported
// with `*`, repeating while chains of star imports add names.
func (p *Program) bindStars(stars []starImport) {
	for round := 0; round < 8; round++ {
		changed := false
		for _, st := range stars {
			m := p.byName[st.mod]
			if m == nil || m.Scope == nil || m.Scope == st.scope {
				continue // external: the names stay unresolved
			}
			for _, name := range sortedNames(m.Scope.Names) {
				if strings.HasPrefix(name, "_") || st.scope.Names[name] != nil {
					continue
				}
				st.scope.Names[name] = &Symbol{Name: name, Kind: ImportSym, Target: st.mod + "." + name, Node: m.Scope.Names[name].Node}
				changed = true
			}
		}
		if !changed {
			return
		}
	}
}

// target binds the names of an assignment target. value is the assigned
// value when the target is a single name.
func (b *binder) target(s *Scope, t syntax.Expr, value, ann syntax.Expr) {
	switch t := t.(type) {
	case *syntax.Name:
		b.bind(s, t.ID, &Symbol{Kind: VarSym, Values: []syntax.Expr{value}, Annotation: ann, Node: t})
	case *syntax.Tuple:
		for _, e := range t.Elts {
			b.target(s, e, nil, nil)
		}
	case *syntax.List:
		for _, e := range t.Elts {
			b.target(s, e, nil, nil)
		}
	case *syntax.Starred:
		b.target(s, t.Value, nil, nil)
	}
}

func (b *binder) funcDef(s *Scope, n *syntax.FunctionDef) {
	qual := s.Qual + "." + n.Name.Name
	f := &Function{Qual: qual, Node: n, Module: b.m, Outer: s}
	if s.Kind == ClassScope {
		f.Class = b.classes[s.Qual]
	}
	f.Scope = newScope(FunctionScope, s, b.m, n, qual)
	for _, a := range n.Args.All() {
		f.Scope.Names[a.Name.Name] = &Symbol{Name: a.Name.Name, Kind: ParamSym, Arg: a, Annotation: a.Annotation, Node: a}
	}
	b.bind(s, n.Name.Name, &Symbol{Kind: FuncSym, Func: f, Node: n})
	s.funcs = append(s.funcs, f)
	b.m.Funcs = append(b.m.Funcs, f)
	b.stmts(f.Scope, n.Body)
}

func (b *binder) classDef(s *Scope, n *syntax.ClassDef) {
	qual := s.Qual + "." + n.Name.Name
	c := &Class{Qual: qual, Node: n, Module: b.m, Outer: s, Methods: map[string]*Function{}}
	c.Scope = newScope(ClassScope, s, b.m, n, qual)
	b.bind(s, n.Name.Name, &Symbol{Kind: ClassSym, Class: c, Node: n})
	if _, dup := b.classes[qual]; !dup {
		b.classes[qual] = c
	}
	b.m.Classes = append(b.m.Classes, c)
	b.stmts(c.Scope, n.Body)
}

// Lookup finds the symbol a name refers to from scope s, following Python's
// rules: local, enclosing functions (class bodies are skipped from inside
// functions), module. It returns nil for builtins and unbound names.
func (s *Scope) Lookup(name string) (*Symbol, *Scope) {
	for sc, first := s, true; sc != nil; sc, first = sc.Parent, false {
		if sc.Kind == ClassScope && !first {
			continue
		}
		if sc.global[name] {
			sc = sc.Module.Scope
		}
		if sym := sc.Names[name]; sym != nil {
			return sym, sc
		}
	}
	return nil, nil
}
