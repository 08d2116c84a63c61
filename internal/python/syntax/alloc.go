package syntax

// slab hands out nodes of one type from chunks, so that a file's many small
// nodes cost a few allocations instead of one each. Nodes of a file live
// and die together; chunks start small and double, so that the unused end
// of the last one stays small next to what the file uses (a program of
// 200,000 one-line modules spent half its memory on chunks of 16).
type slab[T any] struct{ buf []T }

func (s *slab[T]) new() *T {
	if len(s.buf) == cap(s.buf) {
		n := 2 * cap(s.buf)
		if n < 2 {
			n = 2
		} else if n > 512 {
			n = 512
		}
		s.buf = make([]T, 0, n)
	}
	s.buf = s.buf[:len(s.buf)+1]
	return &s.buf[len(s.buf)-1]
}

// nodeSlabs are the slabs of the most frequent node types.
type nodeSlabs struct {
	names     slab[Name]
	idents    slab[Ident]
	attrs     slab[Attribute]
	calls     slab[Call]
	constants slab[Constant]
}

func (p *parser) newName(span Span, id string, ctx Ctx) *Name {
	n := p.slabs.names.new()
	*n = Name{Span: span, ID: id, Ctx: ctx}
	return n
}

func (p *parser) newIdent(span Span, name string) *Ident {
	n := p.slabs.idents.new()
	*n = Ident{Span: span, Name: name}
	return n
}

func (p *parser) newAttribute(span Span, value Expr, attr *Ident) *Attribute {
	n := p.slabs.attrs.new()
	*n = Attribute{Span: span, Value: value, Attr: attr}
	return n
}

func (p *parser) newCall(span Span, fn Expr, args []Expr, kws []*Keyword) *Call {
	n := p.slabs.calls.new()
	*n = Call{Span: span, Func: fn, Args: args, Keywords: kws}
	return n
}

func (p *parser) newConstant(span Span, kind ConstKind, value string) *Constant {
	n := p.slabs.constants.new()
	*n = Constant{Span: span, Kind: kind, Value: value}
	return n
}
