package syntax

// Patterns of match statements (PEP 634).

// patterns parses the pattern of a case clause: an open sequence pattern
// (`case a, *rest:`) or a single pattern.
func (p *parser) patterns() Pattern {
	start := p.tok.pos
	first := p.maybeStarPattern()
	if p.tok.kind != COMMA {
		if _, ok := first.(*MatchStar); ok {
			p.fail(first.Pos(), "invalid syntax")
		}
		return first
	}
	elts := []Pattern{first}
	for p.got(COMMA) {
		if p.tok.kind == COLON || p.tok.kind == kwIf {
			break
		}
		elts = append(elts, p.maybeStarPattern())
	}
	return &MatchSequence{Span: Span{start, p.prevEnd}, Patterns: elts}
}

func (p *parser) maybeStarPattern() Pattern {
	if p.tok.kind != STAR {
		return p.pattern()
	}
	start := p.tok.pos
	p.next()
	id := p.ident()
	if id.Name == "_" {
		id = nil
	}
	return &MatchStar{Span: Span{start, p.prevEnd}, Name: id}
}

// pattern parses `or_pattern ['as' NAME]`.
func (p *parser) pattern() Pattern {
	p.enter()
	defer p.leave()
	start := p.tok.pos
	pat := p.orPattern()
	if p.tok.kind != kwAs {
		return pat
	}
	p.next()
	id := p.ident()
	if id.Name == "_" {
		p.fail(id.From, "cannot use '_' as a target")
	}
	return &MatchAs{Span: Span{start, p.prevEnd}, Pattern: pat, Name: id}
}

func (p *parser) orPattern() Pattern {
	start := p.tok.pos
	first := p.closedPattern()
	if p.tok.kind != VBAR {
		return first
	}
	pats := []Pattern{first}
	for p.got(VBAR) {
		pats = append(pats, p.closedPattern())
	}
	return &MatchOr{Span: Span{start, p.prevEnd}, Patterns: pats}
}

func (p *parser) closedPattern() Pattern {
	start := p.tok.pos
	switch p.tok.kind {
	case NUMBER, MINUS:
		v := p.numberPattern()
		return &MatchValue{Span: Span{v.Pos(), v.End()}, Value: v}
	case STRING:
		v := p.strings()
		return &MatchValue{Span: Span{v.Pos(), v.End()}, Value: v}
	case kwNone, kwTrue, kwFalse:
		c := p.atom().(*Constant)
		return &MatchSingleton{Span: c.Span, Value: c}
	case LPAR:
		p.next()
		if p.got(RPAR) {
			return &MatchSequence{Span: Span{start, p.prevEnd}}
		}
		first := p.maybeStarPattern()
		if p.tok.kind != COMMA {
			p.expect(RPAR)
			if _, ok := first.(*MatchStar); ok {
				p.fail(first.Pos(), "invalid syntax")
			}
			return first // a group pattern keeps its inner position
		}
		elts := []Pattern{first}
		for p.got(COMMA) && p.tok.kind != RPAR {
			elts = append(elts, p.maybeStarPattern())
		}
		p.expect(RPAR)
		return &MatchSequence{Span: Span{start, p.prevEnd}, Patterns: elts}
	case LSQB:
		p.next()
		var elts []Pattern
		for p.tok.kind != RSQB {
			elts = append(elts, p.maybeStarPattern())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RSQB)
		return &MatchSequence{Span: Span{start, p.prevEnd}, Patterns: elts}
	case LBRACE:
		return p.mappingPattern()
	case NAME:
		id := p.ident()
		var x Expr = &Name{Span: id.Span, ID: id.Name}
		c := p.startChain()
		for p.tok.kind == DOT {
			p.link(&c, p.tok.pos)
			p.next()
			attr := p.ident()
			x = &Attribute{Span: Span{start, p.prevEnd}, Value: x, Attr: attr}
		}
		p.endChain(&c)
		if p.tok.kind == LPAR {
			return p.classPattern(start, x)
		}
		if _, dotted := x.(*Attribute); dotted {
			return &MatchValue{Span: Span{start, p.prevEnd}, Value: x}
		}
		if id.Name == "_" {
			return &MatchAs{Span: id.Span}
		}
		return &MatchAs{Span: id.Span, Name: id}
	}
	p.fail(p.tok.pos, "invalid syntax")
	return nil
}

// numberPattern parses a signed number or a complex literal `a + bj`.
func (p *parser) numberPattern() Expr {
	start := p.tok.pos
	real := p.signedNumber()
	if p.tok.kind != PLUS && p.tok.kind != MINUS {
		return real
	}
	if isImaginary(real) {
		p.fail(real.Pos(), "real number required in complex literal")
	}
	op := Add
	if p.tok.kind == MINUS {
		op = Sub
	}
	p.next()
	if p.tok.kind != NUMBER {
		p.fail(p.tok.pos, "invalid syntax")
	}
	imag := p.number()
	if !isImaginary(imag) {
		p.fail(imag.Pos(), "imaginary number required in complex literal")
	}
	return &BinOp{Span: Span{start, p.prevEnd}, Left: real, Op: op, Right: imag}
}

func (p *parser) signedNumber() Expr {
	start := p.tok.pos
	neg := p.got(MINUS)
	if p.tok.kind != NUMBER {
		p.fail(p.tok.pos, "invalid syntax")
	}
	n := p.number()
	if neg {
		return &UnaryOp{Span: Span{start, p.prevEnd}, Op: USub, Operand: n}
	}
	return n
}

func isImaginary(e Expr) bool {
	if u, ok := e.(*UnaryOp); ok {
		e = u.Operand
	}
	c, ok := e.(*Constant)
	return ok && c.Kind == ConstComplex
}

func (p *parser) mappingPattern() Pattern {
	start := p.tok.pos
	p.next() // {
	m := &MatchMapping{}
	for p.tok.kind != RBRACE {
		if p.got(DOUBLESTAR) {
			m.Rest = p.ident()
			if m.Rest.Name == "_" {
				p.fail(m.Rest.From, "invalid syntax")
			}
			p.got(COMMA)
			break
		}
		m.Keys = append(m.Keys, p.mappingKey())
		p.expect(COLON)
		m.Patterns = append(m.Patterns, p.pattern())
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RBRACE)
	m.Span = Span{start, p.prevEnd}
	return m
}

// mappingKey parses a literal or a dotted name used as a mapping key.
func (p *parser) mappingKey() Expr {
	start := p.tok.pos
	switch p.tok.kind {
	case NUMBER, MINUS:
		return p.numberPattern()
	case STRING:
		return p.strings()
	case kwNone, kwTrue, kwFalse:
		return p.atom()
	case NAME:
		id := p.ident()
		var x Expr = &Name{Span: id.Span, ID: id.Name}
		c := p.startChain()
		for p.tok.kind == DOT {
			p.link(&c, p.tok.pos)
			p.next()
			x = &Attribute{Span: Span{start, p.prevEnd}, Value: x, Attr: p.ident()}
		}
		p.endChain(&c)
		if _, dotted := x.(*Attribute); dotted {
			return x
		}
	}
	p.fail(start, "mapping pattern keys may only match literals and attribute lookups")
	return nil
}

func (p *parser) classPattern(start Pos, cls Expr) Pattern {
	p.next() // (
	c := &MatchClass{Cls: cls}
	for p.tok.kind != RPAR {
		if p.tok.kind == NAME && p.peek().kind == EQUAL {
			c.KwdAttrs = append(c.KwdAttrs, p.ident())
			p.next() // =
			c.KwdPatterns = append(c.KwdPatterns, p.pattern())
		} else {
			at := p.tok.pos
			pat := p.pattern()
			if len(c.KwdAttrs) > 0 {
				p.fail(at, "positional patterns follow keyword patterns")
			}
			c.Patterns = append(c.Patterns, pat)
		}
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RPAR)
	c.Span = Span{start, p.prevEnd}
	return c
}
