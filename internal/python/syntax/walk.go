package syntax

// Visitor's Visit is called for each node reached by Walk. If it returns a
// non-nil visitor w, Walk visits each child of the node with w, then calls
// w.Visit(nil).
type Visitor interface {
	Visit(n Node) (w Visitor)
}

// Walk traverses a syntax tree in depth-first source order, as go/ast.Walk
// does. Nil children are skipped.
func Walk(v Visitor, n Node) {
	if v = v.Visit(n); v == nil {
		return
	}
	eachChild(n, func(c Node) { Walk(v, c) })
	v.Visit(nil)
}

type inspector func(Node) bool

func (f inspector) Visit(n Node) Visitor {
	if f(n) {
		return f
	}
	return nil
}

// Inspect traverses a syntax tree in depth-first source order: it calls
// f(n) for each node n, and when f returns true, visits n's children and
// then calls f(nil).
func Inspect(n Node, f func(Node) bool) {
	Walk(inspector(f), n)
}

// InspectFile calls Inspect on every top-level statement of f.
func InspectFile(f *File, fn func(Node) bool) {
	for _, s := range f.Body {
		Inspect(s, fn)
	}
}

// eachChild calls f for each non-nil direct child of n, in source order.
func eachChild(n Node, f func(Node)) {
	expr := func(e Expr) {
		if e != nil {
			f(e)
		}
	}
	exprs := func(l []Expr) {
		for _, e := range l {
			expr(e)
		}
	}
	stmts := func(l []Stmt) {
		for _, s := range l {
			f(s)
		}
	}
	ident := func(id *Ident) {
		if id != nil {
			f(id)
		}
	}
	pattern := func(p Pattern) {
		if p != nil {
			f(p)
		}
	}
	patterns := func(l []Pattern) {
		for _, p := range l {
			f(p)
		}
	}
	typeParams := func(l []TypeParam) {
		for _, t := range l {
			f(t)
		}
	}
	keywords := func(l []*Keyword) {
		for _, k := range l {
			f(k)
		}
	}
	comprehensions := func(l []*Comprehension) {
		for _, c := range l {
			f(c)
		}
	}
	joined := func(j *JoinedStr) {
		if j != nil {
			f(j)
		}
	}

	switch n := n.(type) {
	case *FunctionDef:
		exprs(n.Decorators)
		ident(n.Name)
		typeParams(n.TypeParams)
		f(n.Args)
		expr(n.Returns)
		stmts(n.Body)
	case *ClassDef:
		exprs(n.Decorators)
		ident(n.Name)
		typeParams(n.TypeParams)
		exprs(n.Bases)
		keywords(n.Keywords)
		stmts(n.Body)
	case *Return:
		expr(n.Value)
	case *Delete:
		exprs(n.Targets)
	case *Assign:
		exprs(n.Targets)
		expr(n.Value)
	case *TypeAlias:
		f(n.Name)
		typeParams(n.TypeParams)
		expr(n.Value)
	case *AugAssign:
		expr(n.Target)
		expr(n.Value)
	case *AnnAssign:
		expr(n.Target)
		expr(n.Annotation)
		expr(n.Value)
	case *For:
		expr(n.Target)
		expr(n.Iter)
		stmts(n.Body)
		stmts(n.Orelse)
	case *While:
		expr(n.Test)
		stmts(n.Body)
		stmts(n.Orelse)
	case *If:
		expr(n.Test)
		stmts(n.Body)
		stmts(n.Orelse)
	case *With:
		for _, it := range n.Items {
			f(it)
		}
		stmts(n.Body)
	case *Match:
		expr(n.Subject)
		for _, c := range n.Cases {
			f(c)
		}
	case *Raise:
		expr(n.Exc)
		expr(n.Cause)
	case *Try:
		stmts(n.Body)
		for _, h := range n.Handlers {
			f(h)
		}
		stmts(n.Orelse)
		stmts(n.Finalbody)
	case *Assert:
		expr(n.Test)
		expr(n.Msg)
	case *Import:
		for _, a := range n.Names {
			f(a)
		}
	case *ImportFrom:
		ident(n.Module)
		for _, a := range n.Names {
			f(a)
		}
	case *Global:
		for _, id := range n.Names {
			f(id)
		}
	case *Nonlocal:
		for _, id := range n.Names {
			f(id)
		}
	case *ExprStmt:
		expr(n.Value)

	case *BoolOp:
		exprs(n.Values)
	case *NamedExpr:
		f(n.Target)
		expr(n.Value)
	case *BinOp:
		expr(n.Left)
		expr(n.Right)
	case *UnaryOp:
		expr(n.Operand)
	case *Lambda:
		f(n.Args)
		expr(n.Body)
	case *IfExp:
		expr(n.Body)
		expr(n.Test)
		expr(n.Orelse)
	case *Dict:
		for i, v := range n.Values {
			expr(n.Keys[i])
			expr(v)
		}
	case *Set:
		exprs(n.Elts)
	case *ListComp:
		expr(n.Elt)
		comprehensions(n.Generators)
	case *SetComp:
		expr(n.Elt)
		comprehensions(n.Generators)
	case *DictComp:
		expr(n.Key)
		expr(n.Value)
		comprehensions(n.Generators)
	case *GeneratorExp:
		expr(n.Elt)
		comprehensions(n.Generators)
	case *Await:
		expr(n.Value)
	case *Yield:
		expr(n.Value)
	case *YieldFrom:
		expr(n.Value)
	case *Compare:
		expr(n.Left)
		exprs(n.Comparators)
	case *Call:
		expr(n.Func)
		exprs(n.Args)
		keywords(n.Keywords)
	case *FormattedValue:
		expr(n.Value)
		joined(n.FormatSpec)
	case *Interpolation:
		expr(n.Value)
		joined(n.FormatSpec)
	case *JoinedStr:
		exprs(n.Values)
	case *TemplateStr:
		exprs(n.Values)
	case *Attribute:
		expr(n.Value)
		ident(n.Attr)
	case *Subscript:
		expr(n.Value)
		expr(n.Slice)
	case *Starred:
		expr(n.Value)
	case *List:
		exprs(n.Elts)
	case *Tuple:
		exprs(n.Elts)
	case *Slice:
		expr(n.Lower)
		expr(n.Upper)
		expr(n.Step)

	case *Comprehension:
		expr(n.Target)
		expr(n.Iter)
		exprs(n.Ifs)
	case *ExceptHandler:
		expr(n.Type)
		ident(n.Name)
		stmts(n.Body)
	case *Arguments:
		// Parameters in source order; each default follows its parameter.
		positional := append(append([]*Arg(nil), n.PosOnlyArgs...), n.Args...)
		first := len(positional) - len(n.Defaults)
		for i, a := range positional {
			f(a)
			if i >= first {
				expr(n.Defaults[i-first])
			}
		}
		if n.Vararg != nil {
			f(n.Vararg)
		}
		for i, a := range n.KwOnlyArgs {
			f(a)
			expr(n.KwDefaults[i])
		}
		if n.Kwarg != nil {
			f(n.Kwarg)
		}
	case *Arg:
		ident(n.Name)
		expr(n.Annotation)
	case *Keyword:
		ident(n.Arg)
		expr(n.Value)
	case *Alias:
		ident(n.Name)
		ident(n.Asname)
	case *WithItem:
		expr(n.ContextExpr)
		expr(n.OptionalVars)
	case *MatchCase:
		pattern(n.Pattern)
		expr(n.Guard)
		stmts(n.Body)

	case *MatchValue:
		expr(n.Value)
	case *MatchSingleton:
		f(n.Value)
	case *MatchSequence:
		patterns(n.Patterns)
	case *MatchMapping:
		for i, k := range n.Keys {
			expr(k)
			pattern(n.Patterns[i])
		}
		ident(n.Rest)
	case *MatchClass:
		expr(n.Cls)
		patterns(n.Patterns)
		for i, a := range n.KwdAttrs {
			f(a)
			pattern(n.KwdPatterns[i])
		}
	case *MatchStar:
		ident(n.Name)
	case *MatchAs:
		pattern(n.Pattern)
		ident(n.Name)
	case *MatchOr:
		patterns(n.Patterns)

	case *TypeVar:
		ident(n.Name)
		expr(n.Bound)
		expr(n.Default)
	case *ParamSpec:
		ident(n.Name)
		expr(n.Default)
	case *TypeVarTuple:
		ident(n.Name)
		expr(n.Default)
	}
}
