package syntax

// Expression parsing follows the precedence levels of the Python grammar.
// Every compound node spans from its first token to its last one, including
// parentheses around its operands, as CPython's positions do.

// starExpressions parses `star_expression (',' star_expression)* [',']`,
// returning a Tuple when there is a comma.
func (p *parser) starExpressions() Expr {
	start := p.tok.pos
	first := p.starExpression()
	if p.tok.kind != COMMA {
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) {
		if !p.startsExpr() || p.tok.kind == kwYield {
			break
		}
		elts = append(elts, p.starExpression())
	}
	return &Tuple{Span: Span{start, p.prevEnd}, Elts: elts}
}

func (p *parser) starExpression() Expr {
	if p.tok.kind == STAR {
		start := p.tok.pos
		p.next()
		v := p.binary(1)
		return &Starred{Span: Span{start, p.prevEnd}, Value: v}
	}
	return p.expression()
}

func (p *parser) starNamedExpression() Expr {
	if p.tok.kind == STAR {
		start := p.tok.pos
		p.next()
		v := p.binary(1)
		return &Starred{Span: Span{start, p.prevEnd}, Value: v}
	}
	return p.namedExpression()
}

// namedExpression parses `NAME := expression` or an expression.
func (p *parser) namedExpression() Expr {
	if p.tok.kind == NAME {
		if n := p.peek(); n.kind == COLONEQUAL {
			start := p.tok.pos
			id := p.ident()
			p.next() // :=
			v := p.expression()
			return &NamedExpr{Span: Span{start, p.prevEnd}, Target: &Name{Span: id.Span, ID: id.Name, Ctx: Store}, Value: v}
		}
	}
	e := p.expression()
	if p.tok.kind == COLONEQUAL {
		p.failf(e.Pos(), "cannot use assignment expressions with %s", describe(e))
	}
	return e
}

// expression parses a conditional expression or lambda.
func (p *parser) expression() Expr {
	if p.tok.kind == kwLambda {
		return p.lambda()
	}
	start := p.tok.pos
	body := p.disjunction()
	if p.tok.kind != kwIf {
		return body
	}
	p.next()
	test := p.disjunction()
	if p.tok.kind != kwElse {
		p.fail(p.tok.pos, "expected 'else' after 'if' expression")
	}
	p.next()
	p.enter()
	orelse := p.expression()
	p.leave()
	return &IfExp{Span: Span{start, p.prevEnd}, Test: test, Body: body, Orelse: orelse}
}

func (p *parser) lambda() Expr {
	start := p.tok.pos
	p.next()
	args := p.parameters(COLON, false)
	p.expect(COLON)
	p.enter()
	body := p.expression()
	p.leave()
	return &Lambda{Span: Span{start, p.prevEnd}, Args: args, Body: body}
}

func (p *parser) disjunction() Expr {
	start := p.tok.pos
	x := p.conjunction()
	if p.tok.kind != kwOr {
		return x
	}
	values := []Expr{x}
	for p.got(kwOr) {
		values = append(values, p.conjunction())
	}
	return &BoolOp{Span: Span{start, p.prevEnd}, Op: Or, Values: values}
}

func (p *parser) conjunction() Expr {
	start := p.tok.pos
	x := p.inversion()
	if p.tok.kind != kwAnd {
		return x
	}
	values := []Expr{x}
	for p.got(kwAnd) {
		values = append(values, p.inversion())
	}
	return &BoolOp{Span: Span{start, p.prevEnd}, Op: And, Values: values}
}

func (p *parser) inversion() Expr {
	if p.tok.kind == kwNot {
		start := p.tok.pos
		p.next()
		p.enter()
		x := p.inversion()
		p.leave()
		return &UnaryOp{Span: Span{start, p.prevEnd}, Op: Not, Operand: x}
	}
	return p.comparison()
}

func (p *parser) comparison() Expr {
	start := p.tok.pos
	x := p.binary(1)
	var ops []CmpOperator
	var comps []Expr
	for {
		var op CmpOperator
		switch p.tok.kind {
		case EQEQUAL:
			op = Eq
		case NOTEQUAL:
			op = NotEq
		case LESS:
			op = Lt
		case LESSEQUAL:
			op = LtE
		case GREATER:
			op = Gt
		case GREATEREQUAL:
			op = GtE
		case kwIn:
			op = In
		case kwIs:
			op = Is
			if p.peek().kind == kwNot {
				p.next()
				op = IsNot
			}
		case kwNot:
			if p.peek().kind != kwIn {
				goto done
			}
			p.next()
			op = NotIn
		default:
			goto done
		}
		p.next()
		ops = append(ops, op)
		comps = append(comps, p.binary(1))
	}
done:
	if len(ops) == 0 {
		return x
	}
	return &Compare{Span: Span{start, p.prevEnd}, Left: x, Ops: ops, Comparators: comps}
}

// Binary operator precedence: bitwise or (1) up to the term operators (6).
var binPrec = [numKinds]int8{
	VBAR: 1, CIRCUMFLEX: 2, AMPER: 3, LEFTSHIFT: 4, RIGHTSHIFT: 4,
	PLUS: 5, MINUS: 5, STAR: 6, SLASH: 6, DOUBLESLASH: 6, PERCENT: 6, AT: 6,
}

var binOps = [numKinds]Operator{
	VBAR: BitOr, CIRCUMFLEX: BitXor, AMPER: BitAnd, LEFTSHIFT: LShift, RIGHTSHIFT: RShift,
	PLUS: Add, MINUS: Sub, STAR: Mult, SLASH: Div, DOUBLESLASH: FloorDiv, PERCENT: Mod, AT: MatMult,
}

// binary parses the binary operators of precedence minPrec and above
// (bitwise_or when minPrec is 1).
// Each operator wraps the tree built so far: a chain of them is measured
// as one (see chain).
func (p *parser) binary(minPrec int8) Expr {
	start := p.tok.pos
	c := p.startChain()
	x := p.factor()
	p.operand(&c)
	for {
		prec := binPrec[p.tok.kind]
		if prec == 0 || prec < minPrec {
			p.endChain(&c)
			return x
		}
		op := binOps[p.tok.kind]
		p.link(&c, p.tok.pos)
		p.next()
		p.inLink(&c)
		y := p.binary(prec + 1)
		p.outLink(&c)
		x = &BinOp{Span: Span{start, p.prevEnd}, Left: x, Op: op, Right: y}
	}
}

func (p *parser) factor() Expr {
	var op UnaryOperator
	switch p.tok.kind {
	case MINUS:
		op = USub
	case PLUS:
		op = UAdd
	case TILDE:
		op = Invert
	default:
		return p.power()
	}
	start := p.tok.pos
	p.next()
	p.enter()
	x := p.factor()
	p.leave()
	return &UnaryOp{Span: Span{start, p.prevEnd}, Op: op, Operand: x}
}

func (p *parser) power() Expr {
	start := p.tok.pos
	var x Expr
	if p.tok.kind == kwAwait {
		p.next()
		v := p.primary()
		x = &Await{Span: Span{start, p.prevEnd}, Value: v}
	} else {
		x = p.primary()
	}
	if p.tok.kind == DOUBLESTAR {
		p.next()
		p.enter()
		y := p.factor()
		p.leave()
		x = &BinOp{Span: Span{start, p.prevEnd}, Left: x, Op: Pow, Right: y}
	}
	return x
}

// primary parses an atom followed by attribute, call and subscript
// trailers. Each trailer wraps the tree built so far: the trailers are
// measured as a chain (see chain).
func (p *parser) primary() Expr {
	start := p.tok.pos
	c := p.startChain()
	x := p.atom()
	p.operand(&c)
	for {
		switch p.tok.kind {
		case DOT:
			p.link(&c, p.tok.pos)
			p.next()
			attr := p.ident()
			x = p.newAttribute(Span{start, p.prevEnd}, x, attr)
		case LPAR:
			lpar := p.tok.pos
			p.link(&c, lpar)
			p.next()
			p.inLink(&c)
			args, kws := p.callArgs(true)
			p.outLink(&c)
			if len(args) == 1 && len(kws) == 0 {
				if g, ok := args[0].(*GeneratorExp); ok && g.From == -1 {
					g.Span = Span{lpar, p.tok.end}
				}
			}
			p.expect(RPAR)
			x = p.newCall(Span{start, p.prevEnd}, x, args, kws)
		case LSQB:
			p.link(&c, p.tok.pos)
			p.next()
			p.inLink(&c)
			s := p.slices()
			p.outLink(&c)
			p.expect(RSQB)
			x = &Subscript{Span: Span{start, p.prevEnd}, Value: x, Slice: s}
		default:
			p.endChain(&c)
			return x
		}
	}
}

// callArgs parses call arguments (or class bases) up to the closing paren.
// A sole generator argument is returned with From == -1 so the caller can
// give it the span of the call's parentheses.
func (p *parser) callArgs(allowGen bool) (args []Expr, kws []*Keyword) {
	sawKw, sawDoubleStar := false, false
	for p.tok.kind != RPAR {
		start := p.tok.pos
		switch p.tok.kind {
		case STAR:
			p.next()
			v := p.expression()
			if sawDoubleStar {
				p.fail(start, "iterable argument unpacking follows keyword argument unpacking")
			}
			args = append(args, &Starred{Span: Span{start, p.prevEnd}, Value: v})
		case DOUBLESTAR:
			p.next()
			v := p.expression()
			kws = append(kws, &Keyword{Span: Span{start, p.prevEnd}, Value: v})
			sawDoubleStar = true
		default:
			e := p.namedExpression()
			if p.tok.kind == EQUAL {
				n, ok := e.(*Name)
				if !ok || n.From != start {
					p.fail(e.Pos(), `expression cannot contain assignment, perhaps you meant "=="?`)
				}
				p.next()
				v := p.expression()
				kws = append(kws, &Keyword{Span: Span{start, p.prevEnd}, Arg: &Ident{n.Span, n.ID}, Value: v})
				sawKw = true
				break
			}
			if p.tok.kind == kwFor || p.tok.kind == kwAsync {
				gens := p.comprehensions()
				if !allowGen || len(args) > 0 || len(kws) > 0 || p.tok.kind != RPAR {
					if p.tok.kind == COMMA && allowGen && len(args) == 0 && len(kws) == 0 && p.peek().kind == RPAR {
						p.next()
					} else {
						p.fail(start, "Generator expression must be parenthesized")
					}
				}
				args = append(args, &GeneratorExp{Span: Span{-1, -1}, Elt: e, Generators: gens})
				return args, kws
			}
			if sawDoubleStar {
				p.fail(start, "positional argument follows keyword argument unpacking")
			}
			if sawKw {
				p.fail(start, "positional argument follows keyword argument")
			}
			args = append(args, e)
		}
		if !p.got(COMMA) {
			break
		}
	}
	return args, kws
}

// slices parses the inside of a subscript.
func (p *parser) slices() Expr {
	start := p.tok.pos
	first := p.slice()
	if p.tok.kind != COMMA {
		if _, ok := first.(*Starred); ok {
			// x[*a] subscripts with the tuple (*a,).
			return &Tuple{Span: Span{start, p.prevEnd}, Elts: []Expr{first}}
		}
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) {
		if p.tok.kind == RSQB {
			break
		}
		elts = append(elts, p.slice())
	}
	return &Tuple{Span: Span{start, p.prevEnd}, Elts: elts}
}

func (p *parser) slice() Expr {
	start := p.tok.pos
	if p.tok.kind == STAR {
		return p.starNamedExpression()
	}
	var lower Expr
	if p.tok.kind != COLON {
		lower = p.namedExpression()
		if p.tok.kind != COLON {
			return lower
		}
	}
	s := &Slice{Lower: lower}
	p.next() // :
	if k := p.tok.kind; k != COLON && k != COMMA && k != RSQB {
		s.Upper = p.expression()
	}
	if p.got(COLON) {
		if k := p.tok.kind; k != COMMA && k != RSQB {
			s.Step = p.expression()
		}
	}
	s.Span = Span{start, p.prevEnd}
	return s
}

func (p *parser) atom() Expr {
	start := p.tok.pos
	switch p.tok.kind {
	case NAME:
		id := p.s.identName(p.tok)
		p.next()
		return p.newName(Span{start, p.prevEnd}, id, Load)
	case NUMBER:
		return p.number()
	case STRING:
		return p.strings()
	case kwNone, kwTrue, kwFalse, ELLIPSIS:
		kind := ConstEllipsis
		switch p.tok.kind {
		case kwNone:
			kind = ConstNone
		case kwTrue:
			kind = ConstTrue
		case kwFalse:
			kind = ConstFalse
		}
		p.next()
		return p.newConstant(Span{start, p.prevEnd}, kind, "")
	case LPAR:
		return p.parenAtom()
	case LSQB:
		return p.listAtom()
	case LBRACE:
		return p.braceAtom()
	case INDENT:
		p.fail(p.tok.pos, "unexpected indent")
	case NEWLINE, EOF:
		p.fail(p.tok.pos, "invalid syntax")
	}
	if p.tok.kind.isKeyword() {
		p.fail(p.tok.pos, "invalid syntax")
	}
	p.fail(p.tok.pos, "invalid syntax")
	return nil
}

func (p *parser) number() Expr {
	t := p.tok
	text := p.s.src[t.pos:t.end]
	kind := ConstInt
	last := text[len(text)-1]
	switch {
	case last == 'j' || last == 'J':
		kind = ConstComplex
	case len(text) > 1 && text[0] == '0' && (text[1]|0x20 == 'x' || text[1]|0x20 == 'o' || text[1]|0x20 == 'b'):
	default:
		for _, c := range text {
			if c == '.' || c == 'e' || c == 'E' {
				kind = ConstFloat
				break
			}
		}
	}
	p.next()
	return p.newConstant(Span{t.pos, t.end}, kind, string(text))
}

func (p *parser) parenAtom() Expr {
	start := p.tok.pos
	p.next()
	p.enter()
	defer p.leave()
	if p.tok.kind == RPAR {
		p.next()
		return &Tuple{Span: Span{start, p.prevEnd}}
	}
	if p.tok.kind == kwYield {
		y := p.yieldExpr()
		p.expect(RPAR)
		return y
	}
	first := p.starNamedExpression()
	switch p.tok.kind {
	case kwFor, kwAsync:
		gens := p.comprehensions()
		p.expect(RPAR)
		return &GeneratorExp{Span: Span{start, p.prevEnd}, Elt: first, Generators: gens}
	case COMMA:
		elts := []Expr{first}
		for p.got(COMMA) {
			if p.tok.kind == RPAR {
				break
			}
			elts = append(elts, p.starNamedExpression())
		}
		p.expect(RPAR)
		return &Tuple{Span: Span{start, p.prevEnd}, Elts: elts}
	}
	p.expect(RPAR)
	if _, ok := first.(*Starred); ok {
		p.fail(first.Pos(), "cannot use starred expression here")
	}
	return first
}

func (p *parser) listAtom() Expr {
	start := p.tok.pos
	p.next()
	p.enter()
	defer p.leave()
	if p.tok.kind == RSQB {
		p.next()
		return &List{Span: Span{start, p.prevEnd}}
	}
	first := p.starNamedExpression()
	if p.tok.kind == kwFor || p.tok.kind == kwAsync {
		gens := p.comprehensions()
		p.expect(RSQB)
		return &ListComp{Span: Span{start, p.prevEnd}, Elt: first, Generators: gens}
	}
	elts := []Expr{first}
	for p.got(COMMA) {
		if p.tok.kind == RSQB {
			break
		}
		elts = append(elts, p.starNamedExpression())
	}
	p.expect(RSQB)
	return &List{Span: Span{start, p.prevEnd}, Elts: elts}
}

func (p *parser) braceAtom() Expr {
	start := p.tok.pos
	p.next()
	p.enter()
	defer p.leave()
	if p.tok.kind == RBRACE {
		p.next()
		return &Dict{Span: Span{start, p.prevEnd}}
	}
	var key, value Expr
	if p.tok.kind == DOUBLESTAR {
		p.next()
		value = p.binary(1)
	} else {
		key = p.starNamedExpression()
		if p.tok.kind != COLON {
			// A set.
			if p.tok.kind == kwFor || p.tok.kind == kwAsync {
				gens := p.comprehensions()
				p.expect(RBRACE)
				return &SetComp{Span: Span{start, p.prevEnd}, Elt: key, Generators: gens}
			}
			elts := []Expr{key}
			for p.got(COMMA) {
				if p.tok.kind == RBRACE {
					break
				}
				elts = append(elts, p.starNamedExpression())
			}
			p.expect(RBRACE)
			return &Set{Span: Span{start, p.prevEnd}, Elts: elts}
		}
		if _, ok := key.(*Starred); ok {
			p.fail(key.Pos(), "cannot use a starred expression in a dictionary key")
		}
		p.next() // :
		value = p.expression()
		if p.tok.kind == kwFor || p.tok.kind == kwAsync {
			gens := p.comprehensions()
			p.expect(RBRACE)
			return &DictComp{Span: Span{start, p.prevEnd}, Key: key, Value: value, Generators: gens}
		}
	}
	keys, values := []Expr{key}, []Expr{value}
	for p.got(COMMA) {
		if p.tok.kind == RBRACE {
			break
		}
		if p.got(DOUBLESTAR) {
			keys = append(keys, nil)
			values = append(values, p.binary(1))
			continue
		}
		k := p.expression()
		p.expect(COLON)
		keys = append(keys, k)
		values = append(values, p.expression())
	}
	p.expect(RBRACE)
	return &Dict{Span: Span{start, p.prevEnd}, Keys: keys, Values: values}
}

// comprehensions parses one or more `[async] for targets in iter [if cond]*`.
func (p *parser) comprehensions() []*Comprehension {
	var gens []*Comprehension
	for p.tok.kind == kwFor || p.tok.kind == kwAsync {
		start := p.tok.pos
		c := &Comprehension{}
		if p.got(kwAsync) {
			c.IsAsync = true
		}
		p.expect(kwFor)
		c.Target = p.starTargets()
		p.expect(kwIn)
		c.Iter = p.disjunction()
		for p.got(kwIf) {
			c.Ifs = append(c.Ifs, p.disjunction())
		}
		c.Span = Span{start, p.prevEnd}
		gens = append(gens, c)
	}
	return gens
}

func (p *parser) yieldExpr() Expr {
	start := p.tok.pos
	p.next()
	if p.got(kwFrom) {
		v := p.expression()
		return &YieldFrom{Span: Span{start, p.prevEnd}, Value: v}
	}
	var v Expr
	if p.startsExpr() && p.tok.kind != kwYield {
		v = p.starExpressions()
	}
	return &Yield{Span: Span{start, p.prevEnd}, Value: v}
}

// starTargets parses assignment targets such as those of `for` and
// comprehensions, stopping before `in`.
func (p *parser) starTargets() Expr {
	start := p.tok.pos
	first := p.starTarget()
	if p.tok.kind != COMMA {
		p.setCtx(first, Store)
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) {
		if p.tok.kind == kwIn || p.tok.kind == EQUAL || p.tok.kind == COLON {
			break
		}
		elts = append(elts, p.starTarget())
	}
	t := &Tuple{Span: Span{start, p.prevEnd}, Elts: elts}
	p.setCtx(t, Store)
	return t
}

func (p *parser) starTarget() Expr {
	if p.tok.kind == STAR {
		start := p.tok.pos
		p.next()
		p.enter()
		v := p.starTarget()
		p.leave()
		return &Starred{Span: Span{start, p.prevEnd}, Value: v}
	}
	return p.binary(1)
}

// setCtx marks an expression as an assignment or deletion target, rejecting
// what cannot be one.
func (p *parser) setCtx(e Expr, ctx Ctx) {
	switch x := e.(type) {
	case *Name:
		x.Ctx = ctx
		if x.ID == "__debug__" && ctx == Store {
			p.fail(x.From, "cannot assign to __debug__")
		}
	case *Attribute:
		x.Ctx = ctx
	case *Subscript:
		x.Ctx = ctx
	case *Starred:
		if ctx == Del {
			p.fail(x.From, "cannot delete starred")
		}
		x.Ctx = ctx
		p.setCtx(x.Value, ctx)
	case *Tuple:
		x.Ctx = ctx
		for _, el := range x.Elts {
			p.setCtx(el, ctx)
		}
	case *List:
		x.Ctx = ctx
		for _, el := range x.Elts {
			p.setCtx(el, ctx)
		}
	default:
		verb := "assign to"
		if ctx == Del {
			verb = "delete"
		}
		p.failf(e.Pos(), "cannot %s %s", verb, describe(e))
	}
}

// describe names an expression the way CPython's error messages do.
func describe(e Expr) string {
	switch x := e.(type) {
	case *Call:
		return "function call"
	case *Constant:
		switch x.Kind {
		case ConstNone:
			return "None"
		case ConstTrue:
			return "True"
		case ConstFalse:
			return "False"
		case ConstEllipsis:
			return "ellipsis"
		}
		return "literal"
	case *JoinedStr:
		return "f-string expression"
	case *TemplateStr:
		return "t-string expression"
	case *Compare:
		return "comparison"
	case *BoolOp, *BinOp, *UnaryOp:
		return "expression"
	case *Lambda:
		return "lambda"
	case *IfExp:
		return "conditional expression"
	case *NamedExpr:
		return "named expression"
	case *Await:
		return "await expression"
	case *Yield, *YieldFrom:
		return "yield expression"
	case *ListComp:
		return "list comprehension"
	case *SetComp:
		return "set comprehension"
	case *DictComp:
		return "dict comprehension"
	case *GeneratorExp:
		return "generator expression"
	case *Dict:
		return "dict literal"
	case *Set:
		return "set display"
	case *Tuple:
		return "tuple"
	case *List:
		return "list"
	case *Name:
		return "name"
	case *Attribute:
		return "attribute"
	case *Subscript:
		return "subscript"
	case *Starred:
		return "starred"
	}
	return "expression"
}

// parameters parses a def (annotations allowed) or lambda parameter list up
// to the closing token, which is left for the caller.
func (p *parser) parameters(closing Kind, annotations bool) *Arguments {
	a := &Arguments{Span: Span{p.tok.pos, p.tok.pos}}
	sawDefault, sawSlash, sawStar := false, false, false
	param := func(allowStarAnn bool) *Arg {
		start := p.tok.pos
		arg := &Arg{Name: p.ident()}
		if annotations && p.tok.kind == COLON {
			p.next()
			if allowStarAnn && p.tok.kind == STAR {
				arg.Annotation = p.starExpression()
			} else {
				arg.Annotation = p.expression()
			}
		}
		arg.Span = Span{start, p.prevEnd}
		return arg
	}
	for p.tok.kind != closing {
		switch p.tok.kind {
		case SLASH:
			if sawSlash {
				p.fail(p.tok.pos, "/ may appear only once")
			}
			if sawStar {
				p.fail(p.tok.pos, "/ must be ahead of *")
			}
			if len(a.Args) == 0 {
				p.fail(p.tok.pos, "at least one argument must precede /")
			}
			sawSlash = true
			a.PosOnlyArgs, a.Args = a.Args, nil
			p.next()
		case STAR:
			if sawStar {
				p.fail(p.tok.pos, "* argument may appear only once")
			}
			sawStar = true
			p.next()
			if p.tok.kind == NAME {
				a.Vararg = param(true)
			} else if k := p.tok.kind; k == closing || k == DOUBLESTAR || k == COMMA && p.peek().kind == closing {
				p.fail(p.tok.pos, "named arguments must follow bare *")
			}
		case DOUBLESTAR:
			p.next()
			a.Kwarg = param(false)
			p.got(COMMA)
			if p.tok.kind != closing {
				p.fail(p.tok.pos, "arguments cannot follow var-keyword argument")
			}
			continue
		default:
			arg := param(false)
			var def Expr
			if p.got(EQUAL) {
				def = p.expression()
			}
			if sawStar {
				a.KwOnlyArgs = append(a.KwOnlyArgs, arg)
				a.KwDefaults = append(a.KwDefaults, def)
			} else {
				a.Args = append(a.Args, arg)
				if def != nil {
					sawDefault = true
					a.Defaults = append(a.Defaults, def)
				} else if sawDefault {
					p.fail(arg.From, "parameter without a default follows parameter with a default")
				}
			}
		}
		if !p.got(COMMA) {
			break
		}
	}
	if sawStar && a.Vararg == nil && len(a.KwOnlyArgs) == 0 {
		p.fail(p.tok.pos, "named arguments must follow bare *")
	}
	a.Span.To = max(p.prevEnd, a.Span.From) // an empty list is empty at the closing token
	return a
}
