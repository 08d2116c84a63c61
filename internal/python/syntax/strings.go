package syntax

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/unicode/runenames"
)

// strings parses one or more adjacent string literals: a Constant for plain
// strings and bytes, a JoinedStr when an f-string takes part, a TemplateStr
// for t-strings.
func (p *parser) strings() Expr {
	start := p.tok.pos
	var toks []token
	for p.tok.kind == STRING {
		toks = append(toks, p.tok)
		p.next()
	}
	end := p.prevEnd
	nBytes, nF, nT := 0, 0, 0
	for _, t := range toks {
		switch {
		case t.flags&strBytes != 0:
			nBytes++
		case t.flags&strT != 0:
			nT++
		case t.flags&strF != 0:
			nF++
		}
	}
	if nBytes > 0 && nBytes < len(toks) {
		p.fail(start, "cannot mix bytes and nonbytes literals")
	}
	if nT > 0 && nT < len(toks) {
		p.fail(start, "cannot mix t-string literals with string or bytes literals")
	}
	if nF == 0 && nT == 0 {
		var sb strings.Builder
		for _, t := range toks {
			from, to := p.body(t)
			p.decodeLiteralRange(&sb, t, from, to, false)
		}
		kind := ConstStr
		if nBytes > 0 {
			kind = ConstBytes
		}
		return &Constant{Span: Span{start, end}, Kind: kind, Value: sb.String(), UPrefix: toks[0].flags&strU != 0}
	}
	b := joinBuilder{p: p, template: nT > 0}
	for _, t := range toks {
		from, to := p.body(t)
		if t.flags&(strF|strT) == 0 {
			b.literal(t, from, to, false)
			continue
		}
		for _, part := range p.fstringParts(t) {
			b.part(t, part)
		}
	}
	b.flush()
	if b.template {
		return &TemplateStr{Span: Span{start, end}, Values: b.values}
	}
	return &JoinedStr{Span: Span{start, end}, Values: b.values}
}

// body returns the range of a string token between its quotes.
func (p *parser) body(t token) (Pos, Pos) {
	from := t.pos
	for c := p.s.src[from]; c != '"' && c != '\''; c = p.s.src[from] {
		from++
	}
	q := Pos(1)
	if t.flags&strTriple != 0 {
		q = 3
	}
	return from + q, t.end - q
}

// fstringParts scans an f- or t-string token again, recording its literal
// runs and replacement fields.
func (p *parser) fstringParts(t token) []fpart {
	from, _ := p.body(t)
	sc := scanner{src: p.s.src, off: int(from), fail: p.fail}
	var parts []fpart
	sc.scanFString(int(t.pos), p.s.src[from-1], t.flags, &parts, false)
	return parts
}

// joinBuilder assembles the values of a JoinedStr or TemplateStr, merging
// adjacent literal text into one Constant as CPython does.
type joinBuilder struct {
	p        *parser
	template bool
	values   []Expr
	text     strings.Builder
	from, to Pos
}

func (b *joinBuilder) literal(t token, from, to Pos, fmode bool) {
	if from >= to {
		return
	}
	if b.text.Len() == 0 {
		b.from = from
	}
	b.p.decodeLiteralRange(&b.text, t, from, to, fmode)
	b.to = to
}

func (b *joinBuilder) flush() {
	if b.text.Len() > 0 {
		b.values = append(b.values, &Constant{Span: Span{b.from, b.to}, Kind: ConstStr, Value: b.text.String()})
	}
	b.text.Reset()
}

func (b *joinBuilder) part(t token, part fpart) {
	if !part.field {
		b.literal(t, part.from, part.to, true)
		return
	}
	p := b.p
	conv := part.conv
	if part.debugTo > 0 {
		if b.text.Len() == 0 {
			b.from = part.exprFrom
		}
		b.text.WriteString(newlinesToLF(string(p.s.src[part.exprFrom:part.debugTo])))
		b.to = part.debugTo
		if conv < 0 && !part.hasSpec {
			conv = 'r'
		}
	}
	b.flush()
	value := p.fieldExpr(part.exprFrom, part.exprTo)
	var spec *JoinedStr
	if part.hasSpec {
		spec = p.formatSpec(t, part)
	}
	span := Span{part.from, part.to}
	if b.template {
		b.values = append(b.values, &Interpolation{Span: span, Value: value,
			Str: string(p.s.src[part.exprFrom:part.exprTo]), Conversion: conv, FormatSpec: spec})
		return
	}
	b.values = append(b.values, &FormattedValue{Span: span, Value: value, Conversion: conv, FormatSpec: spec})
}

// formatSpec builds the JoinedStr of a replacement field's format spec.
func (p *parser) formatSpec(t token, part fpart) *JoinedStr {
	sb := joinBuilder{p: p}
	for _, sp := range part.spec {
		if !sp.field {
			sb.literal(t, sp.from, sp.to, false)
			continue
		}
		sb.part(t, sp)
	}
	sb.flush()
	return &JoinedStr{Span: Span{part.specFrom, part.specTo}, Values: sb.values}
}

// fieldExpr parses the expression of a replacement field, which lies in the
// file's source between from and to.
func (p *parser) fieldExpr(from, to Pos) Expr {
	sp := &parser{file: p.file, errs: p.errs, depth: p.depth + 1, peak: p.depth + 1, slabs: p.slabs}
	sp.s.init(p.s.src[:to], sp.fail, nil)
	sp.s.sub = true
	sp.s.atBOL = false
	sp.s.off = int(from)
	sp.s.names = p.s.names
	sp.s.lines = p.s.lines
	if sp.depth > maxDepth {
		sp.fail(from, errTooDeep)
	}
	sp.next()
	var e Expr
	if sp.tok.kind == kwYield {
		e = sp.yieldExpr()
	} else {
		e = sp.starExpressions()
	}
	if sp.tok.kind != EOF {
		sp.fail(sp.tok.pos, "f-string: expecting '}'")
	}
	p.peak = max(p.peak, sp.peak)
	return e
}

func newlinesToLF(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// decodeLiteralRange appends the value of src[from:to], a piece of the body
// of token t, processing escapes unless the token is raw. In fmode, doubled
// braces stand for one.
func (p *parser) decodeLiteralRange(sb *strings.Builder, t token, from, to Pos, fmode bool) {
	src := p.s.src[from:to]
	raw := t.flags&strRaw != 0
	isBytes := t.flags&strBytes != 0
	if !fmode && !isBytes && bytes.IndexByte(src, '\r') < 0 && (raw || bytes.IndexByte(src, '\\') < 0) {
		sb.Write(src) // nothing to decode: the common case
		return
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\r':
			sb.WriteByte('\n')
			i++
			if i < len(src) && src[i] == '\n' {
				i++
			}
			continue
		case fmode && (c == '{' || c == '}') && i+1 < len(src) && src[i+1] == c:
			sb.WriteByte(c)
			i += 2
			continue
		case isBytes && c >= 0x80:
			p.fail(t.pos, "bytes can only contain ASCII literal characters")
		case c != '\\' || raw:
			sb.WriteByte(c)
			i++
			continue
		}
		// An escape sequence.
		i++
		if i >= len(src) {
			sb.WriteByte('\\')
			break
		}
		e := src[i]
		i++
		switch e {
		case '\n':
		case '\r':
			if i < len(src) && src[i] == '\n' {
				i++
			}
		case '\\', '\'', '"':
			sb.WriteByte(e)
		case 'a':
			sb.WriteByte(7)
		case 'b':
			sb.WriteByte(8)
		case 'f':
			sb.WriteByte(12)
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		case 'v':
			sb.WriteByte(11)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for n := 1; n < 3 && i < len(src) && src[i] >= '0' && src[i] <= '7'; n++ {
				v = v*8 + int(src[i]-'0')
				i++
			}
			if isBytes {
				sb.WriteByte(byte(v))
			} else {
				writeCodePoint(sb, rune(v))
			}
		case 'x':
			v, ok := hexDigits(src[i:], 2)
			if !ok {
				p.escapeError(t, from+Pos(i-2), "truncated \\xXX escape")
			}
			i += 2
			if isBytes {
				sb.WriteByte(byte(v))
			} else {
				writeCodePoint(sb, rune(v))
			}
		case 'u', 'U', 'N':
			if isBytes {
				sb.WriteByte('\\')
				sb.WriteByte(e)
				break
			}
			if e == 'N' {
				name, n, ok := braced(src[i:])
				r, known := lookupRuneName(name)
				if !ok || !known {
					p.escapeError(t, from+Pos(i-2), "unknown Unicode character name")
				}
				i += n
				writeCodePoint(sb, r)
				break
			}
			width := 4
			if e == 'U' {
				width = 8
			}
			v, ok := hexDigits(src[i:], width)
			if !ok {
				p.escapeError(t, from+Pos(i-2), "truncated \\"+string(e)+strings.Repeat("X", width)+" escape")
			}
			if v > 0x10FFFF {
				p.escapeError(t, from+Pos(i-2), "illegal Unicode character")
			}
			i += width
			writeCodePoint(sb, rune(v))
		default:
			// An invalid escape keeps its backslash (CPython warns).
			sb.WriteByte('\\')
			i--
		}
	}
}

func (p *parser) escapeError(t token, at Pos, what string) {
	codec := "unicodeescape"
	if t.flags&strBytes != 0 {
		p.failf(at, "(value error) invalid escape at position %d: %s", at-t.pos, what)
	}
	p.failf(at, "(unicode error) '%s' codec can't decode bytes: %s", codec, what)
}

func hexDigits(b []byte, n int) (uint32, bool) {
	if len(b) < n {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:n]), 16, 32)
	if err != nil || strings.ContainsAny(string(b[:n]), "+-_") {
		return 0, false
	}
	return uint32(v), true
}

// braced returns the text of `{name}` at the start of b and its length.
func braced(b []byte) (string, int, bool) {
	if len(b) == 0 || b[0] != '{' {
		return "", 0, false
	}
	for i := 1; i < len(b); i++ {
		if b[i] == '}' {
			return string(b[1:i]), i + 1, i > 1
		}
	}
	return "", 0, false
}

// writeCodePoint writes r as UTF-8, or a lone surrogate as WTF-8 (the three
// bytes UTF-8 would use), since Python strings can hold them.
func writeCodePoint(sb *strings.Builder, r rune) {
	if r >= 0xD800 && r <= 0xDFFF {
		sb.WriteByte(byte(0xE0 | r>>12))
		sb.WriteByte(byte(0x80 | (r>>6)&0x3F))
		sb.WriteByte(byte(0x80 | r&0x3F))
		return
	}
	sb.WriteRune(r)
}

var (
	runeNamesOnce sync.Once
	runeNames     map[string]rune
)

// lookupRuneName resolves a \N{...} escape; names are matched without
// regard to case, as CPython does.
func lookupRuneName(name string) (rune, bool) {
	name = strings.ToUpper(name)
	if r, ok := algorithmicName(name); ok {
		return r, true
	}
	runeNamesOnce.Do(func() {
		runeNames = make(map[string]rune, 40000)
		for r := rune(0); r <= 0x10FFFF; r++ {
			if n := runenames.Name(r); n != "" && n[0] != '<' {
				runeNames[n] = r
			}
		}
	})
	r, ok := runeNames[name]
	return r, ok
}

// algorithmicName handles the names Unicode derives from the code point.
func algorithmicName(name string) (rune, bool) {
	for _, prefix := range []string{"CJK UNIFIED IDEOGRAPH-", "CJK COMPATIBILITY IDEOGRAPH-"} {
		if hex, ok := strings.CutPrefix(name, prefix); ok {
			v, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || v > 0x10FFFF {
				return 0, false
			}
			return rune(v), true
		}
	}
	return 0, false
}
