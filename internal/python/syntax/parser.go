package syntax

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// DefaultMaxFileSize is the size above which files are not parsed.
const DefaultMaxFileSize = 5 << 20

// maxDepth caps the depth of the syntax tree, counted in nested
// expressions and statements, so that hostile input cannot exhaust the
// stack of the parser or of any recursive walk over the tree. Every
// construct that deepens the tree counts: brackets, unary operators,
// nested statements, and also the links of a left-deep chain built in a
// loop (a.b.c, f()(), a[0][0], a + b + c: N links are N levels) and the
// branches of an elif chain (each nests an If in the one before). CPython
// refuses such chains past about 3,000 links.
const maxDepth = 1500

// maxErrors is the most syntax errors recorded for one file. Past it the
// parser records a last error saying so and stops: a hostile file of
// millions of bad lines would otherwise cost a diagnostic (and a recovery)
// per line, gigabytes for a 5 MB file.
const maxErrors = 100

// errorLimit is the panic that stops a parse once maxErrors is reached.
type errorLimit struct{}

// Options tune parsing.
type Options struct {
	// MaxFileSize is the largest source accepted, in bytes; 0 means
	// DefaultMaxFileSize and a negative value means no limit.
	MaxFileSize int
}

// bailout carries a syntax error up to the nearest recovery point.
type bailout struct {
	pos Pos
	msg string
}

type parser struct {
	s       scanner
	file    *File
	tok     token // current token
	peeked  token // next token, when hasPeek
	hasPeek bool
	prevEnd Pos // end of the last consumed token other than NEWLINE/INDENT/DEDENT
	depth   int // tree levels above the node being parsed
	// peak is the deepest depth reached since the innermost chain began
	// measuring (see link): it gives the height of what a link held.
	peak int
	// failed is set after a statement failed, until the next statement
	// of that block begins: the indented blocks and clauses between are
	// the rest of the failed statement.
	failed bool
	errs   *ErrorList
	slabs  *nodeSlabs
}

// ParseFile parses Python source. It always returns a File: on syntax
// errors, File.Errors lists them and the tree holds the statements that could
// be read (a BadStmt stands for each one that could not). The returned error
// is File.Errors.Err(), or an error for input that was not parsed at all
// (too large, undecodable).
func ParseFile(name string, src []byte, opts *Options) (*File, error) {
	f := &File{Name: name}
	limit := DefaultMaxFileSize
	if opts != nil && opts.MaxFileSize != 0 {
		limit = opts.MaxFileSize
	}
	if limit > 0 && len(src) > limit {
		f.Src = nil
		f.lines = []Pos{0}
		f.Errors = ErrorList{{Pos: Position{Line: 1, Column: 1}, Msg: fmt.Sprintf("file is %d bytes, over the %d-byte limit; not parsed", len(src), limit), File: name}}
		return f, f.Errors
	}
	text, err := decodeSource(src)
	if err != nil {
		f.Src = src
		f.lines = lineStarts(src)
		f.Errors = ErrorList{{Pos: f.Position(Pos(err.offset)), Msg: err.msg, File: name}}
		return f, f.Errors
	}
	f.Src = text
	f.lines = lineStarts(text)
	p := &parser{file: f, errs: &f.Errors, slabs: &nodeSlabs{}}
	p.s.init(text, p.fail, &f.Comments)
	p.s.lines = f.lines
	p.parseFile()
	p.s.releaseNames()
	sort.SliceStable(f.Errors, func(i, j int) bool { return f.Errors[i].Pos.Offset < f.Errors[j].Pos.Offset })
	return f, f.Errors.Err()
}

// lineStarts returns the offset of each line's first byte; \n, \r\n and \r
// end lines.
func lineStarts(src []byte) []Pos {
	lines := make([]Pos, 1, bytes.Count(src, []byte{'\n'})+2)
	if bytes.IndexByte(src, '\r') < 0 {
		for off := 0; ; {
			i := bytes.IndexByte(src[off:], '\n')
			if i < 0 {
				return lines
			}
			off += i + 1
			lines = append(lines, Pos(off))
		}
	}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			lines = append(lines, Pos(i+1))
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			lines = append(lines, Pos(i+1))
		}
	}
	return lines
}

// fail reports a syntax error; it does not return.
func (p *parser) fail(pos Pos, msg string) {
	panic(bailout{pos, msg})
}

func (p *parser) failf(pos Pos, format string, args ...any) {
	p.fail(pos, fmt.Sprintf(format, args...))
}

// record adds a syntax error; at the maxErrors-th it adds a last one saying
// that parsing stopped, and stops it.
func (p *parser) record(pos Pos, msg string) {
	n := len(*p.errs)
	if n > 0 && (*p.errs)[n-1].Pos.Offset == int(pos) {
		return
	}
	if n >= maxErrors {
		*p.errs = append(*p.errs, &Error{Pos: p.file.Position(pos), File: p.file.Name,
			Msg: fmt.Sprintf("too many syntax errors (over %d); the rest of the file was not parsed", maxErrors)})
		panic(errorLimit{})
	}
	*p.errs = append(*p.errs, &Error{Pos: p.file.Position(pos), Msg: msg, File: p.file.Name})
}

// parseFile parses the whole file, stopping early at the error limit.
func (p *parser) parseFile() {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(errorLimit); !ok {
				panic(r)
			}
		}
	}()
	p.fileInput()
}

func (p *parser) next() {
	switch p.tok.kind {
	case NEWLINE, INDENT, DEDENT:
	default:
		p.prevEnd = p.tok.end
	}
	if p.hasPeek {
		p.tok = p.peeked
		p.hasPeek = false
		return
	}
	p.tok = p.s.next()
}

func (p *parser) peek() token {
	if !p.hasPeek {
		p.peeked = p.s.next()
		p.hasPeek = true
	}
	return p.peeked
}

func (p *parser) got(k Kind) bool {
	if p.tok.kind == k {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(k Kind) Pos {
	if p.tok.kind != k {
		p.errorExpected(k)
	}
	pos := p.tok.pos
	p.next()
	return pos
}

func (p *parser) errorExpected(k Kind) {
	switch {
	case p.tok.kind == INDENT:
		p.fail(p.tok.pos, "unexpected indent")
	case k == COLON || k == RPAR || k == RSQB || k == RBRACE || k == kwIn || k == kwImport || k == EQUAL:
		p.failf(p.tok.pos, "expected '%s'", k)
	}
	p.fail(p.tok.pos, "invalid syntax")
}

func (p *parser) isName(text string) bool {
	return p.tok.kind == NAME && string(p.s.src[p.tok.pos:p.tok.end]) == text
}

func (p *parser) ident() *Ident {
	if p.tok.kind != NAME {
		if p.tok.kind.isKeyword() {
			p.failf(p.tok.pos, "invalid syntax: '%s' is a keyword", p.tok.kind)
		}
		p.fail(p.tok.pos, "invalid syntax")
	}
	id := p.newIdent(Span{p.tok.pos, p.tok.end}, p.s.identName(p.tok))
	p.next()
	return id
}

// state is a snapshot for backtracking.
type state struct {
	s       scannerState
	tok     token
	peeked  token
	hasPeek bool
	prevEnd Pos
	depth   int
	peak    int
}

func (p *parser) save() state {
	return state{s: p.s.save(), tok: p.tok, peeked: p.peeked, hasPeek: p.hasPeek, prevEnd: p.prevEnd, depth: p.depth, peak: p.peak}
}

func (p *parser) restore(st state) {
	p.s.restore(st.s)
	p.tok, p.peeked, p.hasPeek, p.prevEnd, p.depth, p.peak = st.tok, st.peeked, st.hasPeek, st.prevEnd, st.depth, st.peak
}

// try runs f speculatively: on a syntax error it restores the state and
// returns false.
func (p *parser) try(f func()) (ok bool) {
	st := p.save()
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(bailout); !is {
				panic(r)
			}
			p.restore(st)
			ok = false
		}
	}()
	f()
	return true
}

const errTooDeep = "too many nested expressions or statements"

// enter goes one level deeper into the tree; past maxDepth it fails at the
// current token.
func (p *parser) enter() {
	p.depth++
	p.peak = max(p.peak, p.depth)
	if p.depth > maxDepth {
		p.fail(p.tok.pos, errTooDeep)
	}
}

func (p *parser) leave() { p.depth-- }

// chain measures a left-deep chain that a loop builds (a.b.c, f()(),
// a[0][0], a + b + c, case A.B.C): each link wraps the tree built so far,
// so a chain of N links is N levels deep, and what an early link holds
// (call arguments, a subscript, a right operand) ends up deeper than it
// was when the parser read it. The chain keeps the height of the tree it
// builds and fails as soon as that passes maxDepth, however it got there.
type chain struct {
	base   int // depth of the chain's top
	height int // levels below base that the chain's tree reaches
	peak   int // the enclosing measurement's peak, restored by endChain
}

// startChain begins measuring a chain whose first operand is parsed next,
// at the current depth.
func (p *parser) startChain() chain {
	c := chain{base: p.depth, peak: p.peak}
	p.peak = p.depth
	return c
}

// operand records the height of the chain's first operand, just parsed.
func (p *parser) operand(c *chain) {
	c.height = p.peak - c.base
}

// link adds a link at pos: the tree built so far moves a level down.
func (p *parser) link(c *chain, pos Pos) {
	c.height++
	if c.base+c.height > maxDepth {
		p.fail(pos, errTooDeep)
	}
}

// inLink begins reading what the link just added holds, a level below the
// chain's top.
func (p *parser) inLink(c *chain) {
	p.depth = c.base + 1
	p.peak = p.depth
}

// outLink ends reading what the link holds and counts its height.
func (p *parser) outLink(c *chain) {
	c.height = max(c.height, 1+p.peak-(c.base+1))
	p.depth = c.base
}

// endChain records the chain's height in the enclosing measurement.
func (p *parser) endChain(c *chain) {
	p.depth = c.base
	p.peak = max(c.peak, c.base+c.height)
}

// ---------------------------------------------------------------------------
// Files and blocks

func (p *parser) fileInput() {
	func() {
		defer p.recoverTo(nil, 0)
		p.next()
	}()
	f := p.file
	for p.tok.kind != EOF {
		f.Body = p.statementInto(f.Body)
	}
}

// recoverTo turns a bailout into a recorded error, skips to the next line
// and, when stmts is not nil, appends a BadStmt covering the skipped text.
// The depth goes back to what it was where parsing resumes: the levels
// entered by the failed statement were never left.
func (p *parser) recoverTo(stmts *[]Stmt, depth int) {
	r := recover()
	if r == nil {
		return
	}
	b, ok := r.(bailout)
	if !ok {
		panic(r)
	}
	p.depth, p.peak = depth, depth
	b = p.unclosed(b)
	p.record(b.pos, b.msg)
	from := p.tok.pos
	if b.pos < from {
		from = b.pos
	}
	p.sync(b.pos)
	if stmts != nil {
		*stmts = append(*stmts, &BadStmt{Span{from, max(from, p.prevEnd)}})
		p.failed = true
	}
}

// unclosed blames a generic syntax error on a line after an open bracket
// on that bracket, as CPython does: the bracket is the likelier mistake.
func (p *parser) unclosed(b bailout) bailout {
	n := len(p.s.stack)
	if n == 0 || !(b.msg == "invalid syntax" || strings.HasPrefix(b.msg, "expected '")) {
		return b
	}
	open := p.s.stackPos[n-1]
	if p.file.Line(b.pos) <= p.file.Line(open) {
		return b
	}
	return bailout{open, fmt.Sprintf("'%c' was never closed", p.s.stack[n-1])}
}

// sync moves past the line holding the error (or the current token) so that
// parsing resumes at the next statement. An error raised while
// resynchronizing (for example an inconsistent dedent or an unmatched
// bracket on the next line) is recorded and that line skipped too, in a
// loop rather than by recursion: a file of a million bad lines must not
// exhaust the stack.
func (p *parser) sync(errPos Pos) {
	for {
		b, failed := p.syncOnce(errPos)
		if !failed {
			return
		}
		p.record(b.pos, b.msg)
		if int(b.pos) >= len(p.s.src) || p.s.off >= len(p.s.src) {
			p.tok = token{kind: EOF, pos: Pos(len(p.s.src)), end: Pos(len(p.s.src))}
			return
		}
		errPos = max(b.pos, Pos(p.s.off))
	}
}

// syncOnce skips to the line after errPos and reads its first token; it
// returns the syntax error that reading raised, if any.
func (p *parser) syncOnce(errPos Pos) (b bailout, failed bool) {
	s := &p.s
	p.hasPeek = false
	s.stack, s.stackPos = s.stack[:0], s.stackPos[:0]
	s.dedents = 0
	defer func() {
		if r := recover(); r != nil {
			var ok bool
			if b, ok = r.(bailout); !ok {
				panic(r)
			}
			failed = true
		}
	}()
	if p.tok.kind == NEWLINE && p.tok.pos >= errPos {
		// The error was on the line just ended.
		p.tok = s.next()
		return b, false
	}
	off := max(int(p.tok.end), int(errPos), s.off)
	if int(errPos) < s.off && p.tok.kind == NEWLINE {
		off = s.off
	}
	off = min(off, len(s.src))
	for off < len(s.src) && s.src[off] != '\n' && s.src[off] != '\r' {
		off++
	}
	s.off = off
	s.started = false
	s.atBOL = false
	if off < len(s.src) {
		s.skipNewline()
		s.atBOL = true
	}
	p.tok = s.next()
	return b, false
}

// statementInto parses one statement (or a line of simple statements) and
// appends it to stmts, recovering from syntax errors.
func (p *parser) statementInto(stmts []Stmt) (out []Stmt) {
	out = stmts
	depth := p.depth
	defer p.recoverTo(&out, depth)
	if p.failed && isClause(p.tok.kind) {
		// After a compound statement that failed, its further clauses
		// (an elif chain past the depth limit, an except after a bad
		// try) belong to it: their lines are skipped with no second
		// error, and their blocks by the rule for indents below.
		p.sync(p.tok.pos)
		return out
	}
	if p.tok.kind == INDENT {
		// After a statement that failed (often a compound statement's
		// header), the indented block is its body: no second error.
		failed := p.failed
		if n := len(out); n == 0 || !isBad(out[n-1]) && !failed {
			p.record(p.tok.pos, "unexpected indent")
		}
		p.next()
		for p.tok.kind != DEDENT && p.tok.kind != EOF {
			out = p.statementInto(out)
		}
		p.got(DEDENT)
		p.failed = failed
		return out
	}
	if p.tok.kind == DEDENT {
		p.next()
		return out
	}
	p.failed = false
	out = p.statement(out)
	p.failed = false // a statement that failed inside this one was its own
	return out
}

func isBad(s Stmt) bool {
	_, ok := s.(*BadStmt)
	return ok
}

// isClause reports the keywords that continue a compound statement.
func isClause(k Kind) bool {
	return k == kwElif || k == kwElse || k == kwExcept || k == kwFinally
}

// block parses the `: suite` of a compound statement.
func (p *parser) block(what string, at Pos) []Stmt {
	p.expect(COLON)
	if p.tok.kind != NEWLINE {
		return p.simpleStatements(nil)
	}
	p.next()
	if p.tok.kind != INDENT {
		p.failf(p.tok.pos, "expected an indented block after %s on line %d", what, p.file.Line(at))
	}
	p.next()
	var body []Stmt
	for p.tok.kind != DEDENT && p.tok.kind != EOF {
		body = p.statementInto(body)
	}
	p.got(DEDENT)
	return body
}

func (p *parser) statement(out []Stmt) []Stmt {
	p.enter()
	defer p.leave()
	start := p.tok.pos
	switch p.tok.kind {
	case kwDef:
		return append(out, p.funcDef(start, nil, false))
	case kwClass:
		return append(out, p.classDef(start, nil))
	case AT:
		return append(out, p.decorated())
	case kwIf:
		return append(out, p.ifStmt())
	case kwWhile:
		return append(out, p.whileStmt())
	case kwFor:
		return append(out, p.forStmt(start, false))
	case kwTry:
		return append(out, p.tryStmt())
	case kwWith:
		return append(out, p.withStmt(start, false))
	case kwAsync:
		p.next()
		switch p.tok.kind {
		case kwDef:
			return append(out, p.funcDef(start, nil, true))
		case kwFor:
			return append(out, p.forStmt(start, true))
		case kwWith:
			return append(out, p.withStmt(start, true))
		}
		p.fail(p.tok.pos, "invalid syntax")
	case NAME:
		if p.isName("match") {
			if m := p.tryMatch(); m != nil {
				return append(out, m)
			}
		}
	}
	return p.simpleStatements(out)
}

// simpleStatements parses `small_stmt (';' small_stmt)* [';'] NEWLINE`.
func (p *parser) simpleStatements(out []Stmt) []Stmt {
	for {
		out = append(out, p.smallStatement())
		if !p.got(SEMI) {
			break
		}
		if p.tok.kind == NEWLINE {
			break
		}
	}
	if p.tok.kind != NEWLINE {
		if p.tok.kind == EOF {
			return out
		}
		p.fail(p.tok.pos, "invalid syntax")
	}
	p.next()
	return out
}

func (p *parser) smallStatement() Stmt {
	start := p.tok.pos
	switch p.tok.kind {
	case kwPass:
		p.next()
		return &Pass{Span{start, p.prevEnd}}
	case kwBreak:
		p.next()
		return &Break{Span{start, p.prevEnd}}
	case kwContinue:
		p.next()
		return &Continue{Span{start, p.prevEnd}}
	case kwReturn:
		p.next()
		var v Expr
		if p.startsExpr() {
			v = p.starExpressions()
		}
		return &Return{Span{start, p.prevEnd}, v}
	case kwRaise:
		p.next()
		r := &Raise{}
		if p.startsExpr() {
			r.Exc = p.expression()
			if p.got(kwFrom) {
				r.Cause = p.expression()
			}
		}
		r.Span = Span{start, p.prevEnd}
		return r
	case kwGlobal, kwNonlocal:
		kind := p.tok.kind
		p.next()
		var names []*Ident
		for {
			names = append(names, p.ident())
			if !p.got(COMMA) {
				break
			}
		}
		if kind == kwGlobal {
			return &Global{Span{start, p.prevEnd}, names}
		}
		return &Nonlocal{Span{start, p.prevEnd}, names}
	case kwDel:
		p.next()
		var targets []Expr
		for {
			t := p.binary(1)
			p.setCtx(t, Del)
			targets = append(targets, t)
			if !p.got(COMMA) || !p.startsExpr() {
				break
			}
		}
		return &Delete{Span{start, p.prevEnd}, targets}
	case kwAssert:
		p.next()
		a := &Assert{Test: p.expression()}
		if p.got(COMMA) {
			a.Msg = p.expression()
		}
		a.Span = Span{start, p.prevEnd}
		return a
	case kwImport:
		return p.importStmt()
	case kwFrom:
		return p.fromImport()
	case NAME:
		if p.isName("type") {
			if n := p.peek(); n.kind == NAME {
				return p.typeAlias()
			}
		}
	}
	return p.exprStatement()
}

// startsExpr reports whether the current token can begin an expression.
func (p *parser) startsExpr() bool {
	switch p.tok.kind {
	case NAME, NUMBER, STRING, LPAR, LSQB, LBRACE, MINUS, PLUS, TILDE, STAR,
		DOUBLESTAR, ELLIPSIS, kwNone, kwTrue, kwFalse, kwNot, kwLambda, kwAwait, kwYield:
		return true
	}
	return false
}

func (p *parser) exprStatement() Stmt {
	start := p.tok.pos
	var e Expr
	if p.tok.kind == kwYield {
		e = p.yieldExpr()
	} else {
		e = p.starExpressions()
	}
	switch k := p.tok.kind; {
	case k == EQUAL:
		targets := []Expr{e}
		var value Expr
		for p.got(EQUAL) {
			if p.tok.kind == kwYield {
				value = p.yieldExpr()
			} else {
				value = p.starExpressions()
			}
			if p.tok.kind == EQUAL {
				targets = append(targets, value)
			}
		}
		for _, t := range targets {
			p.setCtx(t, Store)
		}
		return &Assign{Span{start, p.prevEnd}, targets, value}
	case k == COLON:
		switch e.(type) {
		case *Name, *Attribute, *Subscript:
		case *Tuple:
			p.fail(e.Pos(), "only single target (not tuple) can be annotated")
		case *List:
			p.fail(e.Pos(), "only single target (not list) can be annotated")
		default:
			p.fail(e.Pos(), "illegal target for annotation")
		}
		p.setCtx(e, Store)
		p.next()
		a := &AnnAssign{Target: e, Annotation: p.expression()}
		_, isName := e.(*Name)
		a.Simple = isName && e.Pos() == start
		if p.got(EQUAL) {
			if p.tok.kind == kwYield {
				a.Value = p.yieldExpr()
			} else {
				a.Value = p.starExpressions()
			}
		}
		a.Span = Span{start, p.prevEnd}
		return a
	case augOps[k] != 0:
		switch e.(type) {
		case *Name, *Attribute, *Subscript:
		default:
			p.failf(e.Pos(), "'%s' is an illegal expression for augmented assignment", describe(e))
		}
		p.setCtx(e, Store)
		op := augOps[k] - 1
		p.next()
		var v Expr
		if p.tok.kind == kwYield {
			v = p.yieldExpr()
		} else {
			v = p.starExpressions()
		}
		return &AugAssign{Span{start, p.prevEnd}, e, op, v}
	}
	if n, ok := e.(*Name); ok && (n.ID == "print" || n.ID == "exec") && e.Pos() == start {
		switch p.tok.kind {
		case NAME, NUMBER, STRING, kwNone, kwTrue, kwFalse:
			p.failf(start, "Missing parentheses in call to '%s'. Did you mean %s(...)?", n.ID, n.ID)
		}
	}
	return &ExprStmt{Span{start, p.prevEnd}, e}
}

// augOps maps augmented assignment tokens to Operator+1.
var augOps = [numKinds]Operator{
	PLUSEQUAL: Add + 1, MINEQUAL: Sub + 1, STAREQUAL: Mult + 1, ATEQUAL: MatMult + 1,
	SLASHEQUAL: Div + 1, PERCENTEQUAL: Mod + 1, DOUBLESTAREQUAL: Pow + 1,
	LEFTSHIFTEQUAL: LShift + 1, RIGHTSHIFTEQUAL: RShift + 1, VBAREQUAL: BitOr + 1,
	CIRCUMFLEXEQUAL: BitXor + 1, AMPEREQUAL: BitAnd + 1, DOUBLESLASHEQUAL: FloorDiv + 1,
}

func (p *parser) typeAlias() Stmt {
	start := p.tok.pos
	p.next() // type
	id := p.ident()
	name := &Name{Span: id.Span, ID: id.Name, Ctx: Store}
	var params []TypeParam
	if p.tok.kind == LSQB {
		params = p.typeParams()
	}
	p.expect(EQUAL)
	v := p.expression()
	return &TypeAlias{Span{start, p.prevEnd}, name, params, v}
}

func (p *parser) dottedName() *Ident {
	first := p.ident()
	if p.tok.kind != DOT {
		return first
	}
	// Built in one buffer: `import a.b.b...` of 400,000 parts must not
	// copy the name so far at each part.
	name := []byte(first.Name)
	for p.got(DOT) {
		name = append(append(name, '.'), p.ident().Name...)
	}
	return &Ident{Span{first.From, p.prevEnd}, string(name)}
}

func (p *parser) importStmt() Stmt {
	start := p.tok.pos
	p.next()
	var names []*Alias
	for {
		a := &Alias{Name: p.dottedName()}
		if p.got(kwAs) {
			a.Asname = p.ident()
		}
		a.Span = Span{a.Name.From, p.prevEnd}
		names = append(names, a)
		if !p.got(COMMA) {
			break
		}
	}
	return &Import{Span{start, p.prevEnd}, names}
}

func (p *parser) fromImport() Stmt {
	start := p.tok.pos
	p.next()
	level := 0
	for {
		if p.tok.kind == DOT {
			level++
		} else if p.tok.kind == ELLIPSIS {
			level += 3
		} else {
			break
		}
		p.next()
	}
	imp := &ImportFrom{Level: level}
	if p.tok.kind != kwImport || level == 0 {
		imp.Module = p.dottedName()
	}
	p.expect(kwImport)
	if p.tok.kind == STAR {
		pos := p.tok.pos
		p.next()
		imp.Names = []*Alias{{Span: Span{pos, p.prevEnd}, Name: &Ident{Span{pos, p.prevEnd}, "*"}}}
	} else {
		paren := p.got(LPAR)
		for {
			a := &Alias{Name: p.ident()}
			if p.got(kwAs) {
				a.Asname = p.ident()
			}
			a.Span = Span{a.Name.From, p.prevEnd}
			imp.Names = append(imp.Names, a)
			if !p.got(COMMA) {
				break
			}
			if paren && p.tok.kind == RPAR {
				break
			}
			if !paren && p.tok.kind != NAME {
				p.fail(p.tok.pos, "trailing comma not allowed without surrounding parentheses")
			}
		}
		if paren {
			p.expect(RPAR)
		}
	}
	imp.Span = Span{start, p.prevEnd}
	return imp
}

// ---------------------------------------------------------------------------
// Compound statements

func (p *parser) decorated() Stmt {
	var decos []Expr
	for p.tok.kind == AT {
		p.next()
		decos = append(decos, p.namedExpression())
		if p.tok.kind != NEWLINE {
			p.fail(p.tok.pos, "invalid syntax")
		}
		p.next()
	}
	start := p.tok.pos
	switch p.tok.kind {
	case kwDef:
		return p.funcDef(start, decos, false)
	case kwClass:
		return p.classDef(start, decos)
	case kwAsync:
		p.next()
		if p.tok.kind == kwDef {
			return p.funcDef(start, decos, true)
		}
	}
	p.fail(p.tok.pos, "invalid syntax")
	return nil
}

func (p *parser) funcDef(start Pos, decos []Expr, async bool) Stmt {
	p.expect(kwDef)
	f := &FunctionDef{Name: p.ident(), Decorators: decos, IsAsync: async}
	if p.tok.kind == LSQB {
		f.TypeParams = p.typeParams()
	}
	if p.tok.kind != LPAR {
		p.fail(p.tok.pos, "expected '('")
	}
	p.next()
	f.Args = p.parameters(RPAR, true)
	p.expect(RPAR)
	if p.got(RARROW) {
		f.Returns = p.expression()
	}
	what := "function definition"
	f.Body = p.block(what, start)
	f.Span = Span{start, p.prevEnd}
	return f
}

func (p *parser) classDef(start Pos, decos []Expr) Stmt {
	p.expect(kwClass)
	c := &ClassDef{Name: p.ident(), Decorators: decos}
	if p.tok.kind == LSQB {
		c.TypeParams = p.typeParams()
	}
	if p.got(LPAR) {
		c.Bases, c.Keywords = p.callArgs(false)
		p.expect(RPAR)
	}
	c.Body = p.block("class definition", start)
	c.Span = Span{start, p.prevEnd}
	return c
}

func (p *parser) typeParams() []TypeParam {
	p.expect(LSQB)
	var params []TypeParam
	for p.tok.kind != RSQB {
		start := p.tok.pos
		switch p.tok.kind {
		case STAR:
			p.next()
			tp := &TypeVarTuple{Name: p.ident()}
			if p.got(EQUAL) {
				tp.Default = p.starExpression()
			}
			tp.Span = Span{start, p.prevEnd}
			params = append(params, tp)
		case DOUBLESTAR:
			p.next()
			tp := &ParamSpec{Name: p.ident()}
			if p.got(EQUAL) {
				tp.Default = p.expression()
			}
			tp.Span = Span{start, p.prevEnd}
			params = append(params, tp)
		default:
			tp := &TypeVar{Name: p.ident()}
			if p.got(COLON) {
				tp.Bound = p.expression()
			}
			if p.got(EQUAL) {
				tp.Default = p.expression()
			}
			tp.Span = Span{start, p.prevEnd}
			params = append(params, tp)
		}
		if !p.got(COMMA) {
			break
		}
	}
	if len(params) == 0 {
		p.fail(p.tok.pos, "Type parameter list cannot be empty")
	}
	p.expect(RSQB)
	return params
}

// ifStmt parses an if statement with its elif and else clauses. Each elif
// is an If in the Orelse of the one before, a level deeper: the chain is
// read in a loop and each branch counts a level toward maxDepth.
func (p *parser) ifStmt() Stmt {
	start := p.tok.pos
	base := p.depth
	p.next()
	s := &If{Test: p.namedExpression()}
	s.Body = p.block("'if' statement", start)
	last := s
	for p.tok.kind == kwElif {
		at := p.tok.pos
		p.enter()
		if p.depth == maxDepth {
			// No room for the branch's block: the elif is what is too deep.
			p.fail(at, errTooDeep)
		}
		p.next()
		e := &If{Span: Span{at, at}, Test: p.namedExpression()}
		e.Body = p.block("'elif' statement", at)
		last.Orelse = []Stmt{e}
		last = e
	}
	if p.tok.kind == kwElse {
		at := p.tok.pos
		p.next()
		last.Orelse = p.block("'else' statement", at)
	}
	p.depth = base
	// Every clause ends where the statement does.
	s.Span = Span{start, p.prevEnd}
	for e := s; e != last; {
		e = e.Orelse[0].(*If)
		e.To = p.prevEnd
	}
	return s
}

func (p *parser) whileStmt() Stmt {
	start := p.tok.pos
	p.next()
	s := &While{Test: p.namedExpression()}
	s.Body = p.block("'while' statement", start)
	if p.tok.kind == kwElse {
		at := p.tok.pos
		p.next()
		s.Orelse = p.block("'else' statement", at)
	}
	s.Span = Span{start, p.prevEnd}
	return s
}

func (p *parser) forStmt(start Pos, async bool) Stmt {
	p.expect(kwFor)
	s := &For{IsAsync: async, Target: p.starTargets()}
	p.expect(kwIn)
	s.Iter = p.starExpressions()
	s.Body = p.block("'for' statement", start)
	if p.tok.kind == kwElse {
		at := p.tok.pos
		p.next()
		s.Orelse = p.block("'else' statement", at)
	}
	s.Span = Span{start, p.prevEnd}
	return s
}

func (p *parser) withStmt(start Pos, async bool) Stmt {
	p.expect(kwWith)
	s := &With{IsAsync: async}
	if p.tok.kind == LPAR {
		// Parenthesized context managers, tried first as CPython does.
		ok := p.try(func() {
			p.next()
			var items []*WithItem
			for p.tok.kind != RPAR {
				items = append(items, p.withItem())
				if !p.got(COMMA) {
					break
				}
			}
			p.expect(RPAR)
			if p.tok.kind != COLON || len(items) == 0 {
				p.fail(p.tok.pos, "invalid syntax")
			}
			s.Items = items
		})
		if !ok {
			s.Items = nil
		}
	}
	if s.Items == nil {
		for {
			s.Items = append(s.Items, p.withItem())
			if !p.got(COMMA) {
				break
			}
		}
	}
	s.Body = p.block("'with' statement", start)
	s.Span = Span{start, p.prevEnd}
	return s
}

func (p *parser) withItem() *WithItem {
	start := p.tok.pos
	w := &WithItem{ContextExpr: p.expression()}
	if p.got(kwAs) {
		w.OptionalVars = p.starTarget()
		p.setCtx(w.OptionalVars, Store)
		if k := p.tok.kind; k != COMMA && k != COLON && k != RPAR {
			p.fail(p.tok.pos, "invalid syntax")
		}
	}
	w.Span = Span{start, p.prevEnd}
	return w
}

func (p *parser) tryStmt() Stmt {
	start := p.tok.pos
	p.next()
	s := &Try{Body: p.block("'try' statement", start)}
	sawStar, sawPlain := false, false
	for p.tok.kind == kwExcept {
		hstart := p.tok.pos
		p.next()
		star := p.got(STAR)
		if star {
			sawStar = true
		} else {
			sawPlain = true
		}
		if sawStar && sawPlain {
			p.fail(hstart, "cannot have both 'except' and 'except*' on the same 'try'")
		}
		h := &ExceptHandler{}
		if p.tok.kind != COLON {
			first := p.expression()
			if p.tok.kind == COMMA {
				// PEP 758: except A, B: (an unparenthesized tuple, without `as`).
				elts := []Expr{first}
				for p.got(COMMA) {
					elts = append(elts, p.expression())
				}
				if p.tok.kind == kwAs {
					p.fail(p.tok.pos, "multiple exception types must be parenthesized when using 'as'")
				}
				first = &Tuple{Span: Span{first.Pos(), p.prevEnd}, Elts: elts}
			}
			h.Type = first
			if p.got(kwAs) {
				h.Name = p.ident()
			}
		} else if star {
			p.fail(p.tok.pos, "expected one or more exception types")
		}
		what := "'except' statement"
		if star {
			what = "'except*' statement"
		}
		h.Body = p.block(what, hstart)
		h.Span = Span{hstart, p.prevEnd}
		s.Handlers = append(s.Handlers, h)
	}
	s.IsStar = sawStar
	if p.tok.kind == kwElse {
		if len(s.Handlers) == 0 {
			p.fail(p.tok.pos, "expected 'except' or 'finally' block")
		}
		at := p.tok.pos
		p.next()
		s.Orelse = p.block("'else' statement", at)
	}
	if p.tok.kind == kwFinally {
		at := p.tok.pos
		p.next()
		s.Finalbody = p.block("'finally' statement", at)
	}
	if len(s.Handlers) == 0 && len(s.Finalbody) == 0 {
		p.fail(p.tok.pos, "expected 'except' or 'finally' block")
	}
	s.Span = Span{start, p.prevEnd}
	return s
}

// tryMatch parses a match statement, or returns nil (having consumed
// nothing) when `match` is an ordinary name here.
func (p *parser) tryMatch() Stmt {
	n := p.peek()
	switch n.kind {
	case EQUAL, DOT, COMMA, RPAR, RSQB, COLON, NEWLINE, SEMI, EOF:
		return nil
	}
	if augOps[n.kind] != 0 {
		return nil
	}
	start := p.tok.pos
	var subject Expr
	if !p.try(func() {
		p.next()
		subject = p.matchSubject()
		if p.tok.kind != COLON {
			p.fail(p.tok.pos, "invalid syntax")
		}
		if n := p.peek(); n.kind != NEWLINE {
			p.fail(n.pos, "invalid syntax")
		}
	}) {
		return nil
	}
	p.next() // :
	p.expect(NEWLINE)
	if p.tok.kind != INDENT {
		p.failf(p.tok.pos, "expected an indented block after 'match' statement on line %d", p.file.Line(start))
	}
	p.next()
	m := &Match{Subject: subject}
	for p.isName("case") {
		m.Cases = append(m.Cases, p.matchCase())
	}
	if len(m.Cases) == 0 {
		p.fail(p.tok.pos, "invalid syntax")
	}
	if p.tok.kind != DEDENT && p.tok.kind != EOF {
		p.fail(p.tok.pos, "invalid syntax")
	}
	p.got(DEDENT)
	m.Span = Span{start, p.prevEnd}
	return m
}

func (p *parser) matchSubject() Expr {
	start := p.tok.pos
	first := p.starNamedExpression()
	if p.tok.kind != COMMA {
		if _, ok := first.(*Starred); ok {
			p.fail(first.Pos(), "invalid syntax")
		}
		return first
	}
	elts := []Expr{first}
	for p.got(COMMA) {
		if p.tok.kind == COLON {
			break
		}
		elts = append(elts, p.starNamedExpression())
	}
	return &Tuple{Span: Span{start, p.prevEnd}, Elts: elts}
}

func (p *parser) matchCase() *MatchCase {
	start := p.tok.pos
	p.next() // case
	c := &MatchCase{Pattern: p.patterns()}
	if p.got(kwIf) {
		c.Guard = p.namedExpression()
	}
	c.Body = p.block("'case' statement", start)
	c.Span = Span{start, p.prevEnd}
	return c
}
