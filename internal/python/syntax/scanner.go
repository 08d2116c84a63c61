package syntax

import (
	"fmt"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxBrackets caps bracket nesting, as CPython's tokenizer does (MAXLEVEL).
const maxBrackets = 200

// tabSize is the tab stop of indentation.
const tabSize = 8

// scanner turns source bytes into tokens on demand. It tracks brackets
// (newlines inside them are not tokens), indentation (INDENT/DEDENT) and
// records comments. Errors go to fail, which does not return.
type scanner struct {
	src  []byte
	off  int
	sub  bool // scanning an f-string replacement field: EOF ends it quietly
	fail func(pos Pos, msg string)

	stack    []byte // open brackets
	stackPos []Pos
	indents  []int // indentation columns, tabs to multiples of 8
	alts     []int // the same with tabs counted as 1, to detect inconsistent tabs
	dedents  int   // DEDENT tokens still to deliver
	atBOL    bool  // at the beginning of a logical line
	started  bool  // some token was delivered on the current logical line

	comments *[]Comment
	lines    []Pos             // line starts, for messages; computed when first needed
	names    map[string]string // interned identifiers (NFKC-normalized when not ASCII)
}

func (s *scanner) init(src []byte, fail func(Pos, string), comments *[]Comment) {
	s.src = src
	s.fail = fail
	s.comments = comments
	s.indents = append(s.indents[:0], 0)
	s.alts = append(s.alts[:0], 0)
	s.atBOL = true
}

// scannerState is what save/restore needs to backtrack.
type scannerState struct {
	off      int
	depth    int
	indents  int
	dedents  int
	atBOL    bool
	started  bool
	topStack []byte
}

func (s *scanner) save() scannerState {
	return scannerState{off: s.off, depth: len(s.stack), indents: len(s.indents), dedents: s.dedents,
		atBOL: s.atBOL, started: s.started, topStack: append([]byte(nil), s.stack...)}
}

func (s *scanner) restore(st scannerState) {
	s.off = st.off
	s.stack = append(s.stack[:0], st.topStack...)
	s.stackPos = s.stackPos[:len(s.stack)]
	s.dedents = st.dedents
	s.atBOL = st.atBOL
	s.started = st.started
	// Indentation only changes at line starts, which backtracking never crosses
	// past a pushed level, but keep it exact when it does.
	if st.indents < len(s.indents) {
		s.indents = s.indents[:st.indents]
		s.alts = s.alts[:st.indents]
	}
}

func (s *scanner) errorf(pos int, format string, args ...any) {
	s.fail(Pos(pos), fmt.Sprintf(format, args...))
}

func (s *scanner) addComment(from, to int) {
	if s.comments == nil {
		return
	}
	c := *s.comments
	if n := len(c); n > 0 && c[n-1].From >= Pos(from) {
		return // seen before backtracking
	}
	*s.comments = append(c, Comment{Span: Span{Pos(from), Pos(to)}, Text: string(s.src[from:to])})
}

// skipNewline consumes one line ending (\n, \r\n or \r) at s.off.
func (s *scanner) skipNewline() {
	if s.src[s.off] == '\r' && s.off+1 < len(s.src) && s.src[s.off+1] == '\n' {
		s.off += 2
		return
	}
	s.off++
}

func (s *scanner) lineOf(off int) int {
	if s.lines == nil {
		s.lines = lineStarts(s.src)
	}
	return sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > Pos(off) })
}

// indentation handles the start of a logical line: blank and comment lines
// are skipped, and the indentation is compared with the stack. It returns an
// INDENT or DEDENT token when the level changes.
func (s *scanner) indentation() (token, bool) {
	for {
		col, alt := 0, 0
		for s.off < len(s.src) {
			switch s.src[s.off] {
			case ' ':
				col++
				alt++
			case '\t':
				col = (col/tabSize + 1) * tabSize
				alt++
			case '\f':
				col, alt = 0, 0
			default:
				goto measured
			}
			s.off++
		}
	measured:
		if s.off >= len(s.src) {
			return token{}, false
		}
		switch c := s.src[s.off]; c {
		case '#':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' && s.src[s.off] != '\r' {
				s.off++
			}
			s.addComment(start, s.off)
			if s.off < len(s.src) {
				s.skipNewline()
			}
			continue
		case '\n', '\r':
			s.skipNewline()
			continue
		case '\\':
			// A continuation line right at the start: CPython treats the
			// joined line as a normal logical line.
		}
		s.atBOL = false
		top := s.indents[len(s.indents)-1]
		atop := s.alts[len(s.alts)-1]
		p := Pos(s.off)
		switch {
		case col == top:
			if alt != atop {
				s.errorf(s.off, "inconsistent use of tabs and spaces in indentation")
			}
			return token{}, false
		case col > top:
			if alt <= atop {
				s.errorf(s.off, "inconsistent use of tabs and spaces in indentation")
			}
			if len(s.indents) >= 100 {
				s.errorf(s.off, "too many levels of indentation")
			}
			s.indents = append(s.indents, col)
			s.alts = append(s.alts, alt)
			return token{kind: INDENT, pos: p, end: p}, true
		default:
			n := 0
			for len(s.indents) > 1 && col < s.indents[len(s.indents)-1] {
				s.indents = s.indents[:len(s.indents)-1]
				s.alts = s.alts[:len(s.alts)-1]
				n++
			}
			if col != s.indents[len(s.indents)-1] {
				s.errorf(s.off, "unindent does not match any outer indentation level")
			}
			if alt != s.alts[len(s.alts)-1] {
				s.errorf(s.off, "inconsistent use of tabs and spaces in indentation")
			}
			s.dedents = n - 1
			return token{kind: DEDENT, pos: p, end: p}, true
		}
	}
}

func (s *scanner) push(c byte, pos int) {
	if len(s.stack) >= maxBrackets {
		s.errorf(pos, "too many nested parentheses")
	}
	s.stack = append(s.stack, c)
	s.stackPos = append(s.stackPos, Pos(pos))
}

func (s *scanner) pop(c byte, pos int) {
	if len(s.stack) == 0 {
		s.errorf(pos, "unmatched '%c'", c)
	}
	open := s.stack[len(s.stack)-1]
	if want := closerOf(open); want != c {
		s.errorf(pos, "closing parenthesis '%c' does not match opening parenthesis '%c'", c, open)
	}
	s.stack = s.stack[:len(s.stack)-1]
	s.stackPos = s.stackPos[:len(s.stackPos)-1]
}

func closerOf(open byte) byte {
	switch open {
	case '(':
		return ')'
	case '[':
		return ']'
	}
	return '}'
}

// next returns the next token.
func (s *scanner) next() token {
	if s.dedents > 0 {
		s.dedents--
		return token{kind: DEDENT, pos: Pos(s.off), end: Pos(s.off)}
	}
	if s.atBOL && len(s.stack) == 0 && !s.sub {
		if t, ok := s.indentation(); ok {
			return t
		}
	}
	for {
		if s.off >= len(s.src) {
			return s.eof()
		}
		c := s.src[s.off]
		switch c {
		case ' ', '\t', '\f':
			s.off++
			continue
		case '\\':
			if s.off+1 >= len(s.src) {
				s.errorf(s.off, "unexpected EOF while parsing")
			}
			if n := s.src[s.off+1]; n != '\n' && n != '\r' {
				s.errorf(s.off+1, "unexpected character after line continuation character")
			}
			s.off++
			s.skipNewline()
			if s.off >= len(s.src) && !s.sub {
				s.errorf(s.off, "unexpected EOF while parsing")
			}
			continue
		case '#':
			start := s.off
			for s.off < len(s.src) && s.src[s.off] != '\n' && s.src[s.off] != '\r' {
				s.off++
			}
			s.addComment(start, s.off)
			continue
		case '\n', '\r':
			if len(s.stack) > 0 || s.sub {
				s.skipNewline()
				continue
			}
			p := Pos(s.off)
			s.skipNewline()
			s.atBOL = true
			if !s.started {
				// A logical line with no tokens (after a continuation).
				if t, ok := s.indentation(); ok {
					return t
				}
				continue
			}
			s.started = false
			return token{kind: NEWLINE, pos: p, end: p + 1}
		}
		s.started = true
		return s.scanToken(c)
	}
}

func (s *scanner) eof() token {
	p := Pos(len(s.src))
	if s.sub {
		return token{kind: EOF, pos: p, end: p}
	}
	if len(s.stack) > 0 {
		s.errorf(int(s.stackPos[0]), "'%c' was never closed", s.stack[0])
	}
	if s.started {
		s.started = false
		s.atBOL = true
		return token{kind: NEWLINE, pos: p, end: p}
	}
	if len(s.indents) > 1 {
		s.indents = s.indents[:len(s.indents)-1]
		s.alts = s.alts[:len(s.alts)-1]
		return token{kind: DEDENT, pos: p, end: p}
	}
	return token{kind: EOF, pos: p, end: p}
}

func (s *scanner) byteAt(i int) byte {
	if i < len(s.src) {
		return s.src[i]
	}
	return 0
}

func (s *scanner) op(kind Kind, n int) token {
	t := token{kind: kind, pos: Pos(s.off), end: Pos(s.off + n)}
	s.off += n
	return t
}

// scanToken scans the token starting with byte c at s.off.
func (s *scanner) scanToken(c byte) token {
	start := s.off
	switch {
	case isIdentStart(c):
		return s.scanName()
	case c >= '0' && c <= '9':
		return s.scanNumber()
	case c == '"' || c == '\'':
		return s.scanString(start, 0)
	case c >= utf8.RuneSelf:
		return s.scanName()
	}
	n1 := s.byteAt(s.off + 1)
	n2 := s.byteAt(s.off + 2)
	switch c {
	case '(', '[', '{':
		s.push(c, s.off)
		return s.op(map3(c, LPAR, LSQB, LBRACE), 1)
	case ')', ']', '}':
		s.pop(c, s.off)
		return s.op(map3(c, RPAR, RSQB, RBRACE), 1)
	case ':':
		if n1 == '=' {
			return s.op(COLONEQUAL, 2)
		}
		return s.op(COLON, 1)
	case ',':
		return s.op(COMMA, 1)
	case ';':
		return s.op(SEMI, 1)
	case '+':
		return s.opEq(PLUS, PLUSEQUAL, n1)
	case '-':
		if n1 == '>' {
			return s.op(RARROW, 2)
		}
		return s.opEq(MINUS, MINEQUAL, n1)
	case '*':
		if n1 == '*' {
			if n2 == '=' {
				return s.op(DOUBLESTAREQUAL, 3)
			}
			return s.op(DOUBLESTAR, 2)
		}
		return s.opEq(STAR, STAREQUAL, n1)
	case '/':
		if n1 == '/' {
			if n2 == '=' {
				return s.op(DOUBLESLASHEQUAL, 3)
			}
			return s.op(DOUBLESLASH, 2)
		}
		return s.opEq(SLASH, SLASHEQUAL, n1)
	case '|':
		return s.opEq(VBAR, VBAREQUAL, n1)
	case '&':
		return s.opEq(AMPER, AMPEREQUAL, n1)
	case '^':
		return s.opEq(CIRCUMFLEX, CIRCUMFLEXEQUAL, n1)
	case '%':
		return s.opEq(PERCENT, PERCENTEQUAL, n1)
	case '@':
		return s.opEq(AT, ATEQUAL, n1)
	case '=':
		return s.opEq(EQUAL, EQEQUAL, n1)
	case '~':
		return s.op(TILDE, 1)
	case '!':
		return s.opEq(EXCLAMATION, NOTEQUAL, n1)
	case '<':
		switch n1 {
		case '<':
			if n2 == '=' {
				return s.op(LEFTSHIFTEQUAL, 3)
			}
			return s.op(LEFTSHIFT, 2)
		case '=':
			return s.op(LESSEQUAL, 2)
		case '>':
			s.errorf(s.off, "invalid syntax")
		}
		return s.op(LESS, 1)
	case '>':
		switch n1 {
		case '>':
			if n2 == '=' {
				return s.op(RIGHTSHIFTEQUAL, 3)
			}
			return s.op(RIGHTSHIFT, 2)
		case '=':
			return s.op(GREATEREQUAL, 2)
		}
		return s.op(GREATER, 1)
	case '.':
		if n1 >= '0' && n1 <= '9' {
			return s.scanNumber()
		}
		if n1 == '.' && n2 == '.' {
			return s.op(ELLIPSIS, 3)
		}
		return s.op(DOT, 1)
	}
	if c == '$' || c == '?' || c == '`' || c < ' ' || c == 0x7f {
		if c == 0 {
			s.errorf(s.off, "source code cannot contain null bytes")
		}
		s.errorf(s.off, "invalid character '%c' (U+%04X)", c, c)
	}
	s.errorf(s.off, "invalid syntax")
	return token{}
}

func map3(c byte, a, b, d Kind) Kind {
	switch c {
	case '(', ')':
		return a
	case '[', ']':
		return b
	}
	return d
}

func (s *scanner) opEq(plain, withEq Kind, next byte) token {
	if next == '=' {
		return s.op(withEq, 2)
	}
	return s.op(plain, 1)
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentByte(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

func isIDStartRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinueRune(r rune) bool {
	return isIDStartRune(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Other_ID_Continue)
}

// scanName scans an identifier, keyword or string prefix.
func (s *scanner) scanName() token {
	start := s.off
	ascii := true
	for s.off < len(s.src) {
		c := s.src[s.off]
		if isIdentByte(c) {
			s.off++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeRune(s.src[s.off:])
		if s.off == start && !isIDStartRune(r) || s.off > start && !isIDContinueRune(r) {
			if s.off == start {
				s.errorf(s.off, "invalid character '%c' (U+%04X)", r, r)
			}
			break
		}
		ascii = false
		s.off += size
	}
	// String prefix?
	if q := s.byteAt(s.off); (q == '"' || q == '\'') && s.off-start <= 2 {
		if flags, ok := stringPrefix(s.src[start:s.off]); ok {
			return s.scanString(start, flags)
		}
	}
	kind := NAME
	if ascii {
		kind = keyword(s.src[start:s.off])
	}
	return token{kind: kind, pos: Pos(start), end: Pos(s.off)}
}

// namesPool holds the maps files intern their identifiers in.
var namesPool = sync.Pool{New: func() any { return map[string]string{} }}

// releaseNames empties the scanner's interning map and returns it to the
// pool; the names stay with the nodes that hold them.
func (s *scanner) releaseNames() {
	if s.names != nil {
		clear(s.names)
		namesPool.Put(s.names)
		s.names = nil
	}
}

// identName returns the identifier text of a NAME token, NFKC-normalized as
// CPython does for non-ASCII names.
func (s *scanner) identName(t token) string {
	b := s.src[t.pos:t.end]
	if s.names == nil {
		// A map from the pool, emptied by the last file that used it
		// (ParseFile returns it): a fresh map per file was a tenth of a
		// large scan's garbage.
		s.names = namesPool.Get().(map[string]string)
	}
	// Names repeat: intern them per file (the lookup does not allocate).
	if n, ok := s.names[string(b)]; ok {
		return n
	}
	n := string(b)
	key := n
	for _, c := range b {
		if c >= utf8.RuneSelf {
			n = norm.NFKC.String(n)
			break
		}
	}
	s.names[key] = n
	return n
}

func stringPrefix(p []byte) (uint8, bool) {
	var f uint8
	for _, c := range p {
		var bit uint8
		switch c | 0x20 {
		case 'r':
			bit = strRaw
		case 'b':
			bit = strBytes
		case 'f':
			bit = strF
		case 't':
			bit = strT
		case 'u':
			bit = strU
		default:
			return 0, false
		}
		if f&bit != 0 {
			return 0, false
		}
		f |= bit
	}
	switch {
	case f&strU != 0 && f != strU:
		return 0, false
	case f&strBytes != 0 && f&(strF|strT) != 0, f&strF != 0 && f&strT != 0:
		return 0, false
	}
	return f, true
}

// scanNumber scans an integer, float or imaginary literal.
func (s *scanner) scanNumber() token {
	start := s.off
	src := s.src
	digits := func(ok func(byte) bool, what string) int {
		n := 0
		for s.off < len(src) {
			c := src[s.off]
			if ok(c) {
				s.off++
				n++
				continue
			}
			if c == '_' {
				s.off++
				if s.off >= len(src) || !ok(src[s.off]) {
					s.errorf(s.off, "invalid %s literal", what)
				}
				continue
			}
			break
		}
		return n
	}
	isDec := func(c byte) bool { return c >= '0' && c <= '9' }
	if src[s.off] == '0' && s.off+1 < len(src) {
		var ok func(byte) bool
		var what string
		switch src[s.off+1] | 0x20 {
		case 'x':
			ok, what = func(c byte) bool { return isDec(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }, "hexadecimal"
		case 'o':
			ok, what = func(c byte) bool { return c >= '0' && c <= '7' }, "octal"
		case 'b':
			ok, what = func(c byte) bool { return c == '0' || c == '1' }, "binary"
		}
		if ok != nil {
			s.off += 2
			if s.byteAt(s.off) == '_' {
				s.off++
			}
			if digits(ok, what) == 0 {
				s.errorf(s.off, "invalid %s literal", what)
			}
			if c := s.byteAt(s.off); isDec(c) {
				s.errorf(s.off, "invalid digit '%c' in %s literal", c, what)
			}
			s.endOfNumber(what)
			return token{kind: NUMBER, pos: Pos(start), end: Pos(s.off)}
		}
	}
	isFloat := false
	if src[s.off] != '.' {
		digits(isDec, "decimal")
	}
	if s.byteAt(s.off) == '.' {
		isFloat = true
		s.off++
		if isDec(s.byteAt(s.off)) {
			digits(isDec, "decimal")
		}
	}
	if c := s.byteAt(s.off); c == 'e' || c == 'E' {
		n := s.byteAt(s.off + 1)
		if n == '+' || n == '-' {
			n = s.byteAt(s.off + 2)
		}
		if isDec(n) {
			isFloat = true
			s.off++
			if c := s.byteAt(s.off); c == '+' || c == '-' {
				s.off++
			}
			digits(isDec, "decimal")
		} else if !s.keywordFollows(s.off) {
			s.errorf(s.off, "invalid decimal literal")
		}
	}
	if c := s.byteAt(s.off); c == 'j' || c == 'J' {
		s.off++
		isFloat = true
	}
	if !isFloat && src[start] == '0' {
		for _, c := range src[start:s.off] {
			if c != '0' && c != '_' {
				s.errorf(start, "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers")
			}
		}
	}
	s.endOfNumber("decimal")
	return token{kind: NUMBER, pos: Pos(start), end: Pos(s.off)}
}

// endOfNumber rejects a number glued to a name, except for the keywords
// CPython still tolerates there (1if x else y).
func (s *scanner) endOfNumber(what string) {
	c := s.byteAt(s.off)
	if c == 0 || !(isIdentByte(c) || c >= utf8.RuneSelf) {
		return
	}
	if !s.keywordFollows(s.off) {
		s.errorf(s.off, "invalid %s literal", what)
	}
}

func (s *scanner) keywordFollows(off int) bool {
	rest := s.src[off:]
	for _, kw := range [...]string{"and", "else", "for", "if", "in", "is", "not", "or"} {
		if len(rest) >= len(kw) && string(rest[:len(kw)]) == kw {
			return true
		}
	}
	return false
}

// scanString scans a string literal whose prefix starts at start and whose
// opening quote is at s.off.
func (s *scanner) scanString(start int, flags uint8) token {
	q := s.src[s.off]
	if s.byteAt(s.off+1) == q && s.byteAt(s.off+2) == q {
		flags |= strTriple
		s.off += 3
	} else {
		s.off++
	}
	if flags&(strF|strT) != 0 {
		s.scanFString(start, q, flags, nil, false)
	} else {
		s.scanPlain(start, q, flags)
	}
	return token{kind: STRING, flags: flags, pos: Pos(start), end: Pos(s.off)}
}

func (s *scanner) unterminated(start int, flags uint8) {
	if flags&strTriple != 0 {
		s.errorf(start, "unterminated triple-quoted string literal (detected at line %d)", s.lineOf(len(s.src)))
	}
	s.errorf(start, "unterminated string literal (detected at line %d)", s.lineOf(s.off))
}

func (s *scanner) atClosingQuote(q byte, flags uint8) bool {
	if s.src[s.off] != q {
		return false
	}
	return flags&strTriple == 0 || s.byteAt(s.off+1) == q && s.byteAt(s.off+2) == q
}

func (s *scanner) closeQuote(flags uint8) {
	if flags&strTriple != 0 {
		s.off += 3
	} else {
		s.off++
	}
}

func (s *scanner) scanPlain(start int, q byte, flags uint8) {
	src := s.src
	for {
		if s.off >= len(src) {
			s.unterminated(start, flags)
		}
		switch c := src[s.off]; c {
		case '\\':
			s.off++
			if s.off < len(src) {
				s.skipEscaped()
			}
		case q:
			if s.atClosingQuote(q, flags) {
				s.closeQuote(flags)
				return
			}
			s.off++
		case '\n', '\r':
			if flags&strTriple == 0 {
				s.unterminated(start, flags)
			}
			s.off++
		default:
			s.off++
		}
	}
}

// skipEscaped steps over the character after a backslash.
func (s *scanner) skipEscaped() {
	if s.src[s.off] == '\r' || s.src[s.off] == '\n' {
		s.skipNewline()
		return
	}
	s.off++
}

// fpart is one piece of an f-string or t-string body: a literal run or a
// replacement field.
type fpart struct {
	field    bool
	from, to Pos // literal text, or the whole field with its braces
	// Fields only:
	exprFrom, exprTo Pos
	debugTo          Pos // > 0 when `=` is present: the text src[exprFrom:debugTo] is echoed
	conv             int // -1, or 's', 'r', 'a'
	hasSpec          bool
	spec             []fpart
	specFrom, specTo Pos
}

// scanFString scans the body of an f- or t-string after the opening quote,
// or a format spec (inSpec) up to its closing brace. When rec is not nil the
// parts are recorded there.
func (s *scanner) scanFString(start int, q byte, flags uint8, rec *[]fpart, inSpec bool) {
	src := s.src
	raw := flags&strRaw != 0
	lit := s.off
	flush := func() {
		if rec != nil && s.off > lit {
			*rec = append(*rec, fpart{from: Pos(lit), to: Pos(s.off)})
		}
	}
	for {
		if s.off >= len(src) {
			if inSpec {
				s.errorf(s.off, "f-string: expecting '}'")
			}
			s.unterminated(start, flags)
		}
		switch c := src[s.off]; c {
		case q:
			if !s.atClosingQuote(q, flags) {
				s.off++
				continue
			}
			if inSpec {
				s.errorf(s.off, "f-string: expecting '}'")
			}
			flush()
			s.closeQuote(flags)
			return
		case '\\':
			s.off++
			if s.off >= len(src) {
				continue
			}
			switch n := src[s.off]; {
			case n == '{' || n == '}':
				// The brace keeps its meaning.
			case !raw && n == 'N' && s.byteAt(s.off+1) == '{':
				for s.off < len(src) && src[s.off] != '}' && src[s.off] != q {
					s.off++
				}
				if s.off < len(src) && src[s.off] == '}' {
					s.off++
				}
			default:
				s.skipEscaped()
			}
		case '\n', '\r':
			if flags&strTriple == 0 {
				if inSpec {
					s.errorf(s.off, "f-string: newlines are not allowed in format specifiers for single quoted f-strings")
				}
				s.unterminated(start, flags)
			}
			s.off++
		case '{':
			if !inSpec && s.byteAt(s.off+1) == '{' {
				s.off += 2
				continue
			}
			flush()
			s.scanField(start, q, flags, rec)
			lit = s.off
		case '}':
			if inSpec {
				flush()
				return
			}
			if s.byteAt(s.off+1) == '}' {
				s.off += 2
				continue
			}
			s.errorf(s.off, "f-string: single '}' is not allowed")
		default:
			s.off++
		}
	}
}

// scanField scans a replacement field starting at its '{'.
func (s *scanner) scanField(start int, q byte, flags uint8, rec *[]fpart) {
	part := fpart{field: true, from: Pos(s.off), conv: -1}
	s.push('{', s.off)
	s.off++
	base := len(s.stack)
	part.exprFrom = Pos(s.off)
	part.exprTo = -1
	sawExpr := false
	for {
		t := s.next()
		depth := len(s.stack)
		switch {
		case t.kind == EOF || t.kind == NEWLINE:
			s.errorf(int(t.pos), "f-string: expecting '}'")
		case t.kind == RBRACE && depth == base-1:
			if part.exprTo < 0 {
				part.exprTo = t.pos
			}
			if !sawExpr {
				s.errorf(int(t.pos), "f-string: valid expression required before '}'")
			}
			part.to = t.end
			if rec != nil {
				*rec = append(*rec, part)
			}
			return
		case depth != base:
			sawExpr = true
		case t.kind == EXCLAMATION:
			if part.exprTo < 0 {
				part.exprTo = t.pos
			}
			if !sawExpr {
				s.errorf(int(t.pos), "f-string: valid expression required before '!'")
			}
			n := s.next()
			if n.kind != NAME || n.pos != t.end {
				s.errorf(int(t.end), "f-string: missing conversion character")
			}
			switch string(s.src[n.pos:n.end]) {
			case "s", "r", "a":
				part.conv = int(s.src[n.pos])
			default:
				s.errorf(int(n.pos), "f-string: invalid conversion character %q: expected 's', 'r', or 'a'", s.src[n.pos:n.end])
			}
			if c := s.peekNonSpace(); c != ':' && c != '}' {
				s.errorf(s.off, "f-string: expecting '}'")
			}
		case t.kind == COLON || t.kind == COLONEQUAL:
			if part.exprTo < 0 {
				part.exprTo = t.pos
			}
			if !sawExpr {
				s.errorf(int(t.pos), "f-string: valid expression required before ':'")
			}
			s.off = int(t.pos) + 1
			part.hasSpec = true
			part.specFrom = Pos(s.off)
			var spec *[]fpart
			if rec != nil {
				spec = &part.spec
			}
			s.scanFString(start, q, flags, spec, true)
			part.specTo = Pos(s.off)
			// s.off is at the closing brace of the field.
			s.pop('}', s.off)
			s.off++
			part.to = Pos(s.off)
			if rec != nil {
				*rec = append(*rec, part)
			}
			return
		case t.kind == EQUAL:
			if !sawExpr {
				s.errorf(int(t.pos), "f-string: valid expression required before '='")
			}
			part.exprTo = t.pos
			c := s.peekNonSpace()
			if c != '!' && c != ':' && c != '}' {
				// Not the debug specifier: an assignment is invalid here,
				// and the parser reports it.
				part.exprTo = -1
				sawExpr = true
				continue
			}
			part.debugTo = Pos(s.off)
		default:
			if part.exprTo >= 0 {
				s.errorf(int(t.pos), "f-string: expecting '}'")
			}
			sawExpr = true
		}
	}
}

// peekNonSpace skips blanks and returns the next byte without consuming it.
func (s *scanner) peekNonSpace() byte {
	for s.off < len(s.src) {
		switch c := s.src[s.off]; c {
		case ' ', '\t', '\f', '\n', '\r':
			s.off++
		default:
			return c
		}
	}
	return 0
}
