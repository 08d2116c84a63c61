package syntax

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
)

// dumpTree writes a file's tree in the canonical text form that
// testdata/astdump.py writes for CPython's ast: one line per node with its
// CPython name, position (1-based line, 0-based UTF-8 byte column, as
// CPython's lineno/col_offset) and scalar fields, then its node fields.
// omitFStringPos leaves out positions below an f-string, for Pythons before
// 3.12.
func dumpTree(f *File, omitFStringPos bool) string {
	d := &dumper{f: f, omitFStringPos: omitFStringPos}
	d.emit(nil, "Module", 0, false, ls("body", nodes(f.Body)))
	return strings.Join(d.out, "\n") + "\n"
}

type dumper struct {
	f              *File
	out            []string
	omitFStringPos bool
}

// field is one field of a dumped node: a scalar, a node or a list of nodes.
type field struct {
	name   string
	scalar string
	isList bool
	kids   []Node // nil entries print as None
}

func sc(name, v string) field { return field{name: name, scalar: v} }

func nd(name string, n Node) field {
	if isNil(n) {
		return sc(name, "None")
	}
	return field{name: name, kids: []Node{n}}
}

func ls(name string, l []Node) field { return field{name: name, isList: true, kids: l} }

func strList(name string, l []string) field {
	if len(l) == 0 {
		return field{name: name, isList: true}
	}
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = pyQuote(s)
	}
	return sc(name, "["+strings.Join(q, ", ")+"]")
}

func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func nodes[T Node](l []T) []Node {
	out := make([]Node, len(l))
	for i, n := range l {
		out[i] = n
	}
	return out
}

func idents(l []*Ident) []string {
	out := make([]string, len(l))
	for i, id := range l {
		out[i] = id.Name
	}
	return out
}

func identStr(id *Ident) string {
	if id == nil {
		return "None"
	}
	return pyQuote(id.Name)
}

func ctxStr(c Ctx) string { return c.String() }

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func (d *dumper) emit(pos Node, name string, depth int, inF bool, fields ...field) {
	line := strings.Repeat("  ", depth) + name
	if pos != nil {
		if inF && d.omitFStringPos {
			line += " @?"
		} else {
			from, to := pos.Pos(), pos.End()
			line += fmt.Sprintf(" @%d:%d-%d:%d", d.f.Line(from), d.f.ByteColumn(from), d.f.Line(to), d.f.ByteColumn(to))
		}
	}
	var kids []field
	for _, fl := range fields {
		if fl.isList || fl.kids != nil {
			kids = append(kids, fl)
			continue
		}
		line += " " + fl.name + "=" + fl.scalar
	}
	d.out = append(d.out, line)
	if name == "JoinedStr" {
		inF = true // CPython before 3.12 gives what is inside no positions of its own
	}
	for _, fl := range kids {
		d.out = append(d.out, strings.Repeat("  ", depth+1)+fl.name+":")
		for _, k := range fl.kids {
			if isNil(k) {
				d.out = append(d.out, strings.Repeat("  ", depth+2)+"None")
				continue
			}
			d.node(k, depth+2, inF)
		}
	}
}

func (d *dumper) node(n Node, depth int, inF bool) {
	e := func(name string, fields ...field) { d.emit(n, name, depth, inF, fields...) }
	noPos := func(name string, fields ...field) { d.emit(nil, name, depth, inF, fields...) }
	switch n := n.(type) {
	case *FunctionDef:
		name := "FunctionDef"
		if n.IsAsync {
			name = "AsyncFunctionDef"
		}
		fs := []field{sc("name", identStr(n.Name)), nd("args", n.Args), ls("body", nodes(n.Body)),
			ls("decorator_list", nodes(n.Decorators)), nd("returns", n.Returns)}
		if len(n.TypeParams) > 0 {
			fs = append(fs, ls("type_params", nodes(n.TypeParams)))
		}
		e(name, fs...)
	case *ClassDef:
		fs := []field{sc("name", identStr(n.Name)), ls("bases", nodes(n.Bases)), ls("keywords", nodes(n.Keywords)),
			ls("body", nodes(n.Body)), ls("decorator_list", nodes(n.Decorators))}
		if len(n.TypeParams) > 0 {
			fs = append(fs, ls("type_params", nodes(n.TypeParams)))
		}
		e("ClassDef", fs...)
	case *Return:
		e("Return", nd("value", n.Value))
	case *Delete:
		e("Delete", ls("targets", nodes(n.Targets)))
	case *Assign:
		e("Assign", ls("targets", nodes(n.Targets)), nd("value", n.Value))
	case *TypeAlias:
		e("TypeAlias", nd("name", n.Name), ls("type_params", nodes(n.TypeParams)), nd("value", n.Value))
	case *AugAssign:
		e("AugAssign", nd("target", n.Target), sc("op", n.Op.String()), nd("value", n.Value))
	case *AnnAssign:
		e("AnnAssign", nd("target", n.Target), nd("annotation", n.Annotation), nd("value", n.Value), sc("simple", boolStr(n.Simple)))
	case *For:
		name := "For"
		if n.IsAsync {
			name = "AsyncFor"
		}
		e(name, nd("target", n.Target), nd("iter", n.Iter), ls("body", nodes(n.Body)), ls("orelse", nodes(n.Orelse)))
	case *While:
		e("While", nd("test", n.Test), ls("body", nodes(n.Body)), ls("orelse", nodes(n.Orelse)))
	case *If:
		e("If", nd("test", n.Test), ls("body", nodes(n.Body)), ls("orelse", nodes(n.Orelse)))
	case *With:
		name := "With"
		if n.IsAsync {
			name = "AsyncWith"
		}
		e(name, ls("items", nodes(n.Items)), ls("body", nodes(n.Body)))
	case *Match:
		e("Match", nd("subject", n.Subject), ls("cases", nodes(n.Cases)))
	case *Raise:
		e("Raise", nd("exc", n.Exc), nd("cause", n.Cause))
	case *Try:
		name := "Try"
		if n.IsStar {
			name = "TryStar"
		}
		e(name, ls("body", nodes(n.Body)), ls("handlers", nodes(n.Handlers)), ls("orelse", nodes(n.Orelse)), ls("finalbody", nodes(n.Finalbody)))
	case *Assert:
		e("Assert", nd("test", n.Test), nd("msg", n.Msg))
	case *Import:
		e("Import", ls("names", nodes(n.Names)))
	case *ImportFrom:
		e("ImportFrom", sc("module", identStr(n.Module)), ls("names", nodes(n.Names)), sc("level", strconv.Itoa(n.Level)))
	case *Global:
		e("Global", strList("names", idents(n.Names)))
	case *Nonlocal:
		e("Nonlocal", strList("names", idents(n.Names)))
	case *ExprStmt:
		e("Expr", nd("value", n.Value))
	case *Pass:
		e("Pass")
	case *Break:
		e("Break")
	case *Continue:
		e("Continue")
	case *BadStmt:
		e("BadStmt")

	case *BoolOp:
		e("BoolOp", sc("op", n.Op.String()), ls("values", nodes(n.Values)))
	case *NamedExpr:
		e("NamedExpr", nd("target", n.Target), nd("value", n.Value))
	case *BinOp:
		e("BinOp", nd("left", n.Left), sc("op", n.Op.String()), nd("right", n.Right))
	case *UnaryOp:
		e("UnaryOp", sc("op", n.Op.String()), nd("operand", n.Operand))
	case *Lambda:
		e("Lambda", nd("args", n.Args), nd("body", n.Body))
	case *IfExp:
		e("IfExp", nd("test", n.Test), nd("body", n.Body), nd("orelse", n.Orelse))
	case *Dict:
		e("Dict", ls("keys", nodes(n.Keys)), ls("values", nodes(n.Values)))
	case *Set:
		e("Set", ls("elts", nodes(n.Elts)))
	case *ListComp:
		e("ListComp", nd("elt", n.Elt), ls("generators", nodes(n.Generators)))
	case *SetComp:
		e("SetComp", nd("elt", n.Elt), ls("generators", nodes(n.Generators)))
	case *DictComp:
		e("DictComp", nd("key", n.Key), nd("value", n.Value), ls("generators", nodes(n.Generators)))
	case *GeneratorExp:
		e("GeneratorExp", nd("elt", n.Elt), ls("generators", nodes(n.Generators)))
	case *Await:
		e("Await", nd("value", n.Value))
	case *Yield:
		e("Yield", nd("value", n.Value))
	case *YieldFrom:
		e("YieldFrom", nd("value", n.Value))
	case *Compare:
		ops := make([]string, len(n.Ops))
		for i, op := range n.Ops {
			ops[i] = op.String()
		}
		e("Compare", nd("left", n.Left), sc("ops", "["+strings.Join(ops, ", ")+"]"), ls("comparators", nodes(n.Comparators)))
	case *Call:
		e("Call", nd("func", n.Func), ls("args", nodes(n.Args)), ls("keywords", nodes(n.Keywords)))
	case *FormattedValue:
		e("FormattedValue", nd("value", n.Value), sc("conversion", strconv.Itoa(n.Conversion)), nd("format_spec", n.FormatSpec))
	case *Interpolation:
		e("Interpolation", nd("value", n.Value), sc("str", pyQuote(n.Str)), sc("conversion", strconv.Itoa(n.Conversion)), nd("format_spec", n.FormatSpec))
	case *JoinedStr:
		d.emit(n, "JoinedStr", depth, inF, ls("values", nodes(n.Values)))
	case *TemplateStr:
		e("TemplateStr", ls("values", nodes(n.Values)))
	case *Constant:
		kind := "None"
		if n.UPrefix {
			kind = `"u"`
		}
		e("Constant", sc("value", constValue(n)), sc("kind", kind))
	case *Attribute:
		e("Attribute", nd("value", n.Value), sc("attr", identStr(n.Attr)), sc("ctx", ctxStr(n.Ctx)))
	case *Subscript:
		e("Subscript", nd("value", n.Value), nd("slice", n.Slice), sc("ctx", ctxStr(n.Ctx)))
	case *Starred:
		e("Starred", nd("value", n.Value), sc("ctx", ctxStr(n.Ctx)))
	case *Name:
		e("Name", sc("id", pyQuote(n.ID)), sc("ctx", ctxStr(n.Ctx)))
	case *List:
		e("List", ls("elts", nodes(n.Elts)), sc("ctx", ctxStr(n.Ctx)))
	case *Tuple:
		e("Tuple", ls("elts", nodes(n.Elts)), sc("ctx", ctxStr(n.Ctx)))
	case *Slice:
		e("Slice", nd("lower", n.Lower), nd("upper", n.Upper), nd("step", n.Step))
	case *BadExpr:
		e("BadExpr")

	case *Comprehension:
		noPos("comprehension", nd("target", n.Target), nd("iter", n.Iter), ls("ifs", nodes(n.Ifs)), sc("is_async", boolStr(n.IsAsync)))
	case *ExceptHandler:
		e("ExceptHandler", nd("type", n.Type), sc("name", identStr(n.Name)), ls("body", nodes(n.Body)))
	case *Arguments:
		var vararg, kwarg Node
		if n.Vararg != nil {
			vararg = n.Vararg
		}
		if n.Kwarg != nil {
			kwarg = n.Kwarg
		}
		noPos("arguments", ls("posonlyargs", nodes(n.PosOnlyArgs)), ls("args", nodes(n.Args)), nd("vararg", vararg),
			ls("kwonlyargs", nodes(n.KwOnlyArgs)), ls("kw_defaults", nodes(n.KwDefaults)), nd("kwarg", kwarg), ls("defaults", nodes(n.Defaults)))
	case *Arg:
		e("arg", sc("arg", identStr(n.Name)), nd("annotation", n.Annotation))
	case *Keyword:
		e("keyword", sc("arg", identStr(n.Arg)), nd("value", n.Value))
	case *Alias:
		e("alias", sc("name", identStr(n.Name)), sc("asname", identStr(n.Asname)))
	case *WithItem:
		noPos("withitem", nd("context_expr", n.ContextExpr), nd("optional_vars", n.OptionalVars))
	case *MatchCase:
		noPos("match_case", nd("pattern", n.Pattern), nd("guard", n.Guard), ls("body", nodes(n.Body)))

	case *MatchValue:
		e("MatchValue", nd("value", n.Value))
	case *MatchSingleton:
		e("MatchSingleton", sc("value", constValue(n.Value)))
	case *MatchSequence:
		e("MatchSequence", ls("patterns", nodes(n.Patterns)))
	case *MatchMapping:
		e("MatchMapping", ls("keys", nodes(n.Keys)), ls("patterns", nodes(n.Patterns)), sc("rest", identStr(n.Rest)))
	case *MatchClass:
		e("MatchClass", nd("cls", n.Cls), ls("patterns", nodes(n.Patterns)), strList("kwd_attrs", idents(n.KwdAttrs)), ls("kwd_patterns", nodes(n.KwdPatterns)))
	case *MatchStar:
		e("MatchStar", sc("name", identStr(n.Name)))
	case *MatchAs:
		e("MatchAs", nd("pattern", n.Pattern), sc("name", identStr(n.Name)))
	case *MatchOr:
		e("MatchOr", ls("patterns", nodes(n.Patterns)))

	case *TypeVar:
		e("TypeVar", sc("name", identStr(n.Name)), nd("bound", n.Bound), nd("default_value", n.Default))
	case *ParamSpec:
		e("ParamSpec", sc("name", identStr(n.Name)), nd("default_value", n.Default))
	case *TypeVarTuple:
		e("TypeVarTuple", sc("name", identStr(n.Name)), nd("default_value", n.Default))
	default:
		e(fmt.Sprintf("?%T", n))
	}
}

// constValue formats a constant as astdump.py's constant() does.
func constValue(c *Constant) string {
	switch c.Kind {
	case ConstNone:
		return "None"
	case ConstTrue:
		return "True"
	case ConstFalse:
		return "False"
	case ConstEllipsis:
		return "Ellipsis"
	case ConstInt:
		return "int:" + intValue(c.Value)
	case ConstFloat:
		return "float:" + floatValue(c.Value)
	case ConstComplex:
		return "complex:" + floatValue(strings.TrimRight(c.Value, "jJ"))
	case ConstStr:
		return "str:" + pyQuote(c.Value)
	case ConstBytes:
		return "bytes:" + hex.EncodeToString([]byte(c.Value))
	}
	return "?"
}

func intValue(lit string) string {
	s := strings.ReplaceAll(lit, "_", "")
	base := 10
	if len(s) > 1 && s[0] == '0' {
		switch s[1] | 0x20 {
		case 'x':
			base, s = 16, s[2:]
		case 'o':
			base, s = 8, s[2:]
		case 'b':
			base, s = 2, s[2:]
		}
	}
	v, ok := new(big.Int).SetString(s, base)
	if !ok {
		return "?" + lit
	}
	return v.String()
}

// floatValue gives the shortest decimal digits and exponent of a float, as
// astdump.py's number() does with Decimal(repr(v)).normalize().
func floatValue(lit string) string {
	v, _ := strconv.ParseFloat(strings.ReplaceAll(lit, "_", ""), 64)
	if math.IsInf(v, 0) {
		if v > 0 {
			return "inf"
		}
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	digits := strings.Replace(mant, ".", "", 1)
	e -= len(digits) - 1
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		e++
	}
	if digits == "0" {
		e = 0
	}
	return fmt.Sprintf("%se%d", digits, e)
}

// pyQuote quotes a string as Python's json.dumps does with ensure_ascii: the
// string is WTF-8, so lone surrogates come out as \udXXX.
func pyQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x80 {
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				if c < 0x20 || c == 0x7f {
					fmt.Fprintf(&b, `\u%04x`, c)
				} else {
					b.WriteByte(c)
				}
			}
			i++
			continue
		}
		r, size := decodeWTF8(s[i:])
		i += size
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
		} else {
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// decodeWTF8 decodes one code point, accepting encoded surrogates.
func decodeWTF8(s string) (rune, int) {
	c := s[0]
	switch {
	case c >= 0xF0 && len(s) >= 4:
		return rune(c&0x07)<<18 | rune(s[1]&0x3F)<<12 | rune(s[2]&0x3F)<<6 | rune(s[3]&0x3F), 4
	case c >= 0xE0 && len(s) >= 3:
		return rune(c&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), 3
	case c >= 0xC0 && len(s) >= 2:
		return rune(c&0x1F)<<6 | rune(s[1]&0x3F), 2
	}
	return 0xFFFD, 1
}
