package semantic

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// maxChain bounds how far resolution follows aliases, so that cycles in
// hostile code end.
const maxChain = 16

// Qualify returns the qualified name an expression refers to, following
// imports and re-exports: `F` after `from fastapi import FastAPI as F` is
// fastapi.FastAPI, `users.router` after `from .routes import users` is
// app.routes.users.router. Builtins and unbound globals give their bare
// name; locals and parameters, and expressions that are not dotted names,
// give "".
func (p *Program) Qualify(s *Scope, e syntax.Expr) string {
	switch e := e.(type) {
	case *syntax.Name:
		sym, sc := s.Lookup(e.ID)
		if sym == nil {
			return e.ID
		}
		switch sym.Kind {
		case ImportSym:
			return p.Canonical(sym.Target)
		case FuncSym:
			return sym.Func.Qual
		case ClassSym:
			return sym.Class.Qual
		case VarSym:
			if sc.Kind != FunctionScope {
				return sc.Qual + "." + e.ID
			}
		}
		return ""
	case *syntax.Attribute:
		base := p.Qualify(s, e.Value)
		if base == "" {
			return ""
		}
		return p.Canonical(base + "." + e.Attr.Name)
	}
	return ""
}

// Resolve returns the symbol an expression names, following imports into
// program modules: a Name is looked up from s, a dotted name through the
// modules it crosses. It returns nil when the name is not bound in the
// program (builtins, external libraries, attributes of values).
func (p *Program) Resolve(s *Scope, e syntax.Expr) *Symbol {
	var sym *Symbol
	switch e := e.(type) {
	case *syntax.Name:
		sym, _ = s.Lookup(e.ID)
	case *syntax.Attribute:
		q := p.Qualify(s, e)
		if q == "" {
			return nil
		}
		sym, _ = p.Symbol(q)
	}
	return p.follow(sym)
}

// ResolveScope is Resolve that also returns the scope the symbol is bound in.
func (p *Program) ResolveScope(s *Scope, e syntax.Expr) (*Symbol, *Scope) {
	switch e := e.(type) {
	case *syntax.Name:
		sym, sc := s.Lookup(e.ID)
		if sym != nil && sym.Kind == ImportSym {
			return p.followScope(sym, sc)
		}
		return sym, sc
	case *syntax.Attribute:
		q := p.Qualify(s, e)
		if q == "" {
			return nil, nil
		}
		sym, m := p.Symbol(q)
		if m == nil {
			return nil, nil
		}
		return p.followScope(sym, m.Scope)
	}
	return nil, nil
}

func (p *Program) follow(sym *Symbol) *Symbol {
	sym, _ = p.followScope(sym, nil)
	return sym
}

func (p *Program) followScope(sym *Symbol, sc *Scope) (*Symbol, *Scope) {
	for i := 0; sym != nil && sym.Kind == ImportSym && i < maxChain; i++ {
		next, m := p.Symbol(sym.Target)
		if next == nil {
			return sym, sc
		}
		sym, sc = next, m.Scope
	}
	return sym, sc
}

// Unfollowed reports a symbol that resolution left as an import of a
// program symbol because the chain of re-exports was longer than it
// follows (more than maxChain imports): what it names is unknown.
func (p *Program) Unfollowed(sym *Symbol) bool {
	if sym == nil || sym.Kind != ImportSym {
		return false
	}
	next, _ := p.Symbol(sym.Target)
	return next != nil
}

// TypeOf returns the qualified name of the class of an expression's value
// where simple evidence tells it: a constructor call, a call to a function
// with a return annotation, an annotated or once-assigned variable or
// parameter. It returns "" when unknown.
func (p *Program) TypeOf(s *Scope, e syntax.Expr) string {
	return p.typeOf(s, e, 0)
}

func (p *Program) typeOf(s *Scope, e syntax.Expr, depth int) string {
	if depth > maxChain {
		return ""
	}
	switch e := e.(type) {
	case *syntax.Call:
		callee := p.Qualify(s, e.Func)
		if callee == "" {
			return ""
		}
		if f := p.funcs[callee]; f != nil {
			if f.Node.Returns != nil {
				return p.AnnotationType(f.Outer, f.Node.Returns)
			}
			return ""
		}
		if p.classes[callee] != nil || isClassName(callee) {
			return callee
		}
	case *syntax.Name:
		sym, sc := s.Lookup(e.ID)
		if sym == nil {
			return ""
		}
		switch sym.Kind {
		case ImportSym:
			next, nsc := p.followScope(sym, sc)
			if next != sym && next.Kind == VarSym {
				return p.varType(nsc, next, depth)
			}
		case VarSym:
			return p.varType(sc, sym, depth)
		case ParamSym:
			if sym.Annotation != nil {
				return p.AnnotationType(sc.Parent, sym.Annotation)
			}
			if f, ok := sc.Node.(*syntax.FunctionDef); ok && sc.Parent != nil && sc.Parent.Kind == ClassScope && len(f.Args.All()) > 0 && f.Args.All()[0] == sym.Arg && !f.IsStaticMethod() {
				return sc.Parent.Qual // self
			}
		}
	case *syntax.Attribute:
		if sym, sc := p.ResolveScope(s, e); sym != nil && sym.Kind == VarSym {
			return p.varType(sc, sym, depth)
		}
	}
	return ""
}

func (p *Program) varType(sc *Scope, sym *Symbol, depth int) string {
	if sym.Annotation != nil {
		return p.AnnotationType(sc, sym.Annotation)
	}
	if v := sym.Value(); v != nil {
		return p.typeOf(sc, v, depth+1)
	}
	return ""
}

// isClassName guesses that an external dotted name is a class from its
// spelling (CapWords), as in fastapi.FastAPI or sqlalchemy.orm.Session.
func isClassName(q string) bool {
	last := q[strings.LastIndexByte(q, '.')+1:]
	return last != "" && last[0] >= 'A' && last[0] <= 'Z' && strings.ToUpper(last) != last
}

// AnnotationType returns the qualified class an annotation names, looking
// through Optional[X], X | None, Annotated[X, ...] and string annotations
// of a dotted name.
func (p *Program) AnnotationType(s *Scope, ann syntax.Expr) string {
	for range maxChain {
		switch a := ann.(type) {
		case *syntax.Subscript:
			switch q := p.Qualify(s, a.Value); q {
			case "typing.Optional", "typing_extensions.Optional", "typing.Annotated", "typing_extensions.Annotated":
				if t, ok := a.Slice.(*syntax.Tuple); ok && len(t.Elts) > 0 {
					ann = t.Elts[0]
				} else {
					ann = a.Slice
				}
				continue
			}
			return p.Qualify(s, a.Value)
		case *syntax.BinOp:
			if a.Op != syntax.BitOr {
				return ""
			}
			if isNone(a.Right) {
				ann = a.Left
			} else if isNone(a.Left) {
				ann = a.Right
			} else {
				return ""
			}
			continue
		case *syntax.Constant:
			if a.Kind != syntax.ConstStr {
				return ""
			}
			return p.qualifyDotted(s, a.Value)
		}
		return p.Qualify(s, ann)
	}
	return ""
}

func isNone(e syntax.Expr) bool {
	c, ok := e.(*syntax.Constant)
	return ok && c.Kind == syntax.ConstNone
}

// qualifyDotted qualifies a dotted name written in a string annotation.
func (p *Program) qualifyDotted(s *Scope, text string) string {
	parts := strings.Split(strings.TrimSpace(text), ".")
	for _, part := range parts {
		if part == "" || strings.ContainsAny(part, " []|,()") {
			return ""
		}
	}
	var e syntax.Expr = &syntax.Name{ID: parts[0]}
	for _, part := range parts[1:] {
		e = &syntax.Attribute{Value: e, Attr: &syntax.Ident{Name: part}}
	}
	return p.Qualify(s, e)
}

// Bases returns the qualified names of a class's bases (Generic[T] counts as
// Generic).
func (c *Class) Bases(p *Program) []string {
	if b := c.bases.Load(); b != nil {
		return *b
	}
	bases := []string{}
	for _, b := range c.Node.Bases {
		if sub, ok := b.(*syntax.Subscript); ok {
			b = sub.Value
		}
		if q := p.Qualify(c.Outer, b); q != "" {
			bases = append(bases, q)
		}
	}
	c.bases.CompareAndSwap(nil, &bases)
	return *c.bases.Load()
}

// Ancestors returns the qualified names of every class a class derives
// from, program classes and external ones, nearest first.
func (p *Program) Ancestors(qual string) []string {
	if a, ok := p.ancestors.load(qual); ok {
		return a
	}
	a := p.ancestorsOf(qual)
	p.ancestors.store(qual, a)
	return a
}

func (p *Program) ancestorsOf(qual string) []string {
	var out []string
	seen := map[string]bool{qual: true}
	queue := []string{qual}
	for len(queue) > 0 && len(seen) < 256 {
		q := queue[0]
		queue = queue[1:]
		c := p.classes[p.Canonical(q)]
		if c == nil {
			continue
		}
		for _, b := range c.Bases(p) {
			if !seen[b] {
				seen[b] = true
				out = append(out, b)
				queue = append(queue, b)
			}
		}
	}
	return out
}

// IsSubclass reports whether the class named qual is, or derives from, one
// of the classes named by bases (qualified names), however far up.
//
// The answer for every class met on the way is remembered (for the same
// bases), so asking about each class of a program costs time linear in
// the number of classes and bases: a chain C1(C0), C2(C1), ... of 100,000
// classes is walked once, with a stack instead of recursion.
func (p *Program) IsSubclass(qual string, bases ...string) bool {
	q := p.Canonical(qual)
	for _, b := range bases {
		if q == b {
			return true
		}
	}
	key := strings.Join(bases, ",") + "|"
	if v, ok := p.subclass.load(key + q); ok {
		return v
	}
	target := func(b string) bool {
		for _, t := range bases {
			if b == t {
				return true
			}
		}
		return false
	}
	type visit struct {
		class  string
		bases  []string
		next   int
		result bool
	}
	c := p.classes[q]
	if c == nil {
		return false
	}
	onStack := map[string]bool{q: true} // a cycle (not Python) is not followed
	stack := []*visit{{class: q, bases: c.Bases(p)}}
	var result bool
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		if top.result || top.next == len(top.bases) {
			p.subclass.store(key+top.class, top.result)
			stack = stack[:len(stack)-1]
			delete(onStack, top.class)
			if len(stack) > 0 {
				stack[len(stack)-1].result = stack[len(stack)-1].result || top.result
			}
			result = top.result
			continue
		}
		b := top.bases[top.next]
		top.next++
		if target(b) {
			top.result = true
			continue
		}
		cb := p.Canonical(b)
		if target(cb) {
			top.result = true
			continue
		}
		if v, ok := p.subclass.load(key + cb); ok {
			top.result = v
			continue
		}
		bc := p.classes[cb]
		if bc == nil || onStack[cb] {
			continue
		}
		onStack[cb] = true
		stack = append(stack, &visit{class: cb, bases: bc.Bases(p)})
	}
	return result
}

// Method finds a method by name on a program class or its program bases.
func (p *Program) Method(classQual, name string) *Function {
	if c := p.classes[p.Canonical(classQual)]; c != nil {
		if f := c.Methods[name]; f != nil {
			return f
		}
	}
	for _, a := range p.Ancestors(classQual) {
		if c := p.classes[a]; c != nil {
			if f := c.Methods[name]; f != nil {
				return f
			}
		}
	}
	return nil
}

// Call is a call made in a function body.
type Call struct {
	Node   *syntax.Call
	Callee string    // qualified name of the called function or class, or ""
	Func   *Function // the program function called, when known (methods included)
}

// Calls returns the calls a function makes in its own body (nested
// functions and classes have their own), resolving what it can.
func (f *Function) Calls(p *Program) []*Call {
	if calls := f.calls.Load(); calls != nil {
		return *calls
	}
	var calls []*Call
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef:
				return false
			case *syntax.Call:
				calls = append(calls, p.resolveCall(f.Scope, n))
			}
			return true
		})
	}
	// Two goroutines may walk the same function at once: the first to
	// finish publishes its calls and both return them.
	f.calls.CompareAndSwap(nil, &calls)
	return *f.calls.Load()
}

// ResolveCall resolves the callee of a call made in scope s.
func (p *Program) ResolveCall(s *Scope, c *syntax.Call) *Call { return p.resolveCall(s, c) }

func (p *Program) resolveCall(s *Scope, c *syntax.Call) *Call {
	call := &Call{Node: c, Callee: p.Qualify(s, c.Func)}
	if call.Callee != "" {
		call.Func = p.funcs[call.Callee]
		if call.Func == nil {
			if cls := p.classes[call.Callee]; cls != nil {
				call.Func = p.Method(cls.Qual, "__init__")
			}
		}
		return call
	}
	if a, ok := c.Func.(*syntax.Attribute); ok {
		if t := p.TypeOf(s, a.Value); t != "" {
			call.Callee = t + "." + a.Attr.Name
			call.Func = p.Method(t, a.Attr.Name)
		}
	}
	return call
}
