package syntax

// The node set mirrors CPython's ast module (Python 3.14) so that trees can be
// compared with ast.parse, with three Go simplifications: async variants are a
// flag (FunctionDef.IsAsync, For.IsAsync, With.IsAsync, Comprehension.IsAsync),
// TryStar is Try.IsStar, and identifiers that CPython stores as bare strings
// (function, class, attribute, keyword and import names) are *Ident so that
// findings can point at them.

// Node is implemented by every syntax tree node.
type Node interface {
	Pos() Pos // offset of the first byte of the node
	End() Pos // offset just past the last byte of the node
}

// Expr is an expression node.
type Expr interface {
	Node
	exprNode()
}

// Stmt is a statement node.
type Stmt interface {
	Node
	stmtNode()
}

// Pattern is a node of a match statement's case pattern.
type Pattern interface {
	Node
	patternNode()
}

// TypeParam is a PEP 695 type parameter: *TypeVar, *ParamSpec or *TypeVarTuple.
type TypeParam interface {
	Node
	typeParamNode()
}

// Span is the source range of a node; it is embedded in every node.
type Span struct {
	From Pos // first byte
	To   Pos // one past the last byte
}

// Pos returns the offset of the node's first byte.
func (s Span) Pos() Pos { return s.From }

// End returns the offset one past the node's last byte.
func (s Span) End() Pos { return s.To }

// Ctx tells whether an expression is read, assigned or deleted.
type Ctx uint8

// Expression contexts.
const (
	Load Ctx = iota
	Store
	Del
)

func (c Ctx) String() string {
	switch c {
	case Store:
		return "Store"
	case Del:
		return "Del"
	}
	return "Load"
}

// Ident is a bare identifier with its location: a function, class, attribute,
// keyword, import or global name.
type Ident struct {
	Span
	Name string
}

// ---------------------------------------------------------------------------
// Statements

// FunctionDef is `def` or `async def`.
type FunctionDef struct {
	Span
	Name       *Ident
	TypeParams []TypeParam
	Args       *Arguments
	Returns    Expr // nil when absent
	Body       []Stmt
	Decorators []Expr
	IsAsync    bool
}

// ClassDef is a class definition.
type ClassDef struct {
	Span
	Name       *Ident
	TypeParams []TypeParam
	Bases      []Expr
	Keywords   []*Keyword
	Body       []Stmt
	Decorators []Expr
}

// Return is `return [value]`.
type Return struct {
	Span
	Value Expr // nil when absent
}

// Delete is `del targets`.
type Delete struct {
	Span
	Targets []Expr
}

// Assign is `t1 = t2 = value`.
type Assign struct {
	Span
	Targets []Expr
	Value   Expr
}

// TypeAlias is the PEP 695 `type Name[T] = value` statement.
type TypeAlias struct {
	Span
	Name       *Name
	TypeParams []TypeParam
	Value      Expr
}

// AugAssign is `target op= value`.
type AugAssign struct {
	Span
	Target Expr
	Op     Operator
	Value  Expr
}

// AnnAssign is `target: annotation [= value]`. Simple is true when the target
// is a bare name that was not parenthesized.
type AnnAssign struct {
	Span
	Target     Expr
	Annotation Expr
	Value      Expr // nil when absent
	Simple     bool
}

// For is `for` or `async for`.
type For struct {
	Span
	Target  Expr
	Iter    Expr
	Body    []Stmt
	Orelse  []Stmt
	IsAsync bool
}

// While is a while loop.
type While struct {
	Span
	Test   Expr
	Body   []Stmt
	Orelse []Stmt
}

// If is an if statement; elif chains nest in Orelse.
type If struct {
	Span
	Test   Expr
	Body   []Stmt
	Orelse []Stmt
}

// With is `with` or `async with`.
type With struct {
	Span
	Items   []*WithItem
	Body    []Stmt
	IsAsync bool
}

// Match is a match statement.
type Match struct {
	Span
	Subject Expr
	Cases   []*MatchCase
}

// Raise is `raise [exc [from cause]]`.
type Raise struct {
	Span
	Exc   Expr // nil when absent
	Cause Expr // nil when absent
}

// Try is try/except/else/finally; IsStar marks `except*` (CPython's TryStar).
type Try struct {
	Span
	Body      []Stmt
	Handlers  []*ExceptHandler
	Orelse    []Stmt
	Finalbody []Stmt
	IsStar    bool
}

// Assert is `assert test [, msg]`.
type Assert struct {
	Span
	Test Expr
	Msg  Expr // nil when absent
}

// Import is `import a.b as c, d`.
type Import struct {
	Span
	Names []*Alias
}

// ImportFrom is `from [.]*module import names`; Module is nil for `from . import x`.
type ImportFrom struct {
	Span
	Module *Ident
	Names  []*Alias
	Level  int
}

// Global is `global names`.
type Global struct {
	Span
	Names []*Ident
}

// Nonlocal is `nonlocal names`.
type Nonlocal struct {
	Span
	Names []*Ident
}

// ExprStmt is an expression used as a statement (CPython's Expr).
type ExprStmt struct {
	Span
	Value Expr
}

// Pass is `pass`.
type Pass struct{ Span }

// Break is `break`.
type Break struct{ Span }

// Continue is `continue`.
type Continue struct{ Span }

// BadStmt stands for source that could not be parsed; the parser reports an
// error and resumes after it.
type BadStmt struct{ Span }

func (*FunctionDef) stmtNode() {}
func (*ClassDef) stmtNode()    {}
func (*Return) stmtNode()      {}
func (*Delete) stmtNode()      {}
func (*Assign) stmtNode()      {}
func (*TypeAlias) stmtNode()   {}
func (*AugAssign) stmtNode()   {}
func (*AnnAssign) stmtNode()   {}
func (*For) stmtNode()         {}
func (*While) stmtNode()       {}
func (*If) stmtNode()          {}
func (*With) stmtNode()        {}
func (*Match) stmtNode()       {}
func (*Raise) stmtNode()       {}
func (*Try) stmtNode()         {}
func (*Assert) stmtNode()      {}
func (*Import) stmtNode()      {}
func (*ImportFrom) stmtNode()  {}
func (*Global) stmtNode()      {}
func (*Nonlocal) stmtNode()    {}
func (*ExprStmt) stmtNode()    {}
func (*Pass) stmtNode()        {}
func (*Break) stmtNode()       {}
func (*Continue) stmtNode()    {}
func (*BadStmt) stmtNode()     {}

// ---------------------------------------------------------------------------
// Expressions

// BoolOp is `a and b and c` or `a or b`.
type BoolOp struct {
	Span
	Op     BoolOperator
	Values []Expr
}

// NamedExpr is the walrus `target := value`.
type NamedExpr struct {
	Span
	Target *Name
	Value  Expr
}

// BinOp is a binary arithmetic or bitwise operation.
type BinOp struct {
	Span
	Left  Expr
	Op    Operator
	Right Expr
}

// UnaryOp is `not x`, `-x`, `+x` or `~x`.
type UnaryOp struct {
	Span
	Op      UnaryOperator
	Operand Expr
}

// Lambda is `lambda args: body`.
type Lambda struct {
	Span
	Args *Arguments
	Body Expr
}

// IfExp is `body if test else orelse`.
type IfExp struct {
	Span
	Test   Expr
	Body   Expr
	Orelse Expr
}

// Dict is a dict display; a nil key stands for `**value`.
type Dict struct {
	Span
	Keys   []Expr
	Values []Expr
}

// Set is a set display.
type Set struct {
	Span
	Elts []Expr
}

// ListComp is `[elt for ...]`.
type ListComp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// SetComp is `{elt for ...}`.
type SetComp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// DictComp is `{key: value for ...}`.
type DictComp struct {
	Span
	Key        Expr
	Value      Expr
	Generators []*Comprehension
}

// GeneratorExp is `(elt for ...)`.
type GeneratorExp struct {
	Span
	Elt        Expr
	Generators []*Comprehension
}

// Await is `await value`.
type Await struct {
	Span
	Value Expr
}

// Yield is `yield [value]`.
type Yield struct {
	Span
	Value Expr // nil when absent
}

// YieldFrom is `yield from value`.
type YieldFrom struct {
	Span
	Value Expr
}

// Compare is a comparison chain `left op1 c1 op2 c2 ...`.
type Compare struct {
	Span
	Left        Expr
	Ops         []CmpOperator
	Comparators []Expr
}

// Call is a call `func(args, keywords)`.
type Call struct {
	Span
	Func     Expr
	Args     []Expr
	Keywords []*Keyword
}

// CalleeName is the last name of the called expression, the name the call
// is made by: get for db.get(...), f for f(...); "" for anything else.
func (c *Call) CalleeName() string {
	switch f := c.Func.(type) {
	case *Name:
		return f.ID
	case *Attribute:
		return f.Attr.Name
	}
	return ""
}

// FormattedValue is one replacement field of an f-string. Conversion is -1
// or the code of 's', 'r' or 'a'.
type FormattedValue struct {
	Span
	Value      Expr
	Conversion int
	FormatSpec *JoinedStr // nil when absent
}

// Interpolation is one replacement field of a PEP 750 t-string; Str is the
// expression's source text.
type Interpolation struct {
	Span
	Value      Expr
	Str        string
	Conversion int
	FormatSpec *JoinedStr // nil when absent
}

// JoinedStr is an f-string: *Constant (str) and *FormattedValue parts.
type JoinedStr struct {
	Span
	Values []Expr
}

// TemplateStr is a PEP 750 t-string: *Constant (str) and *Interpolation parts.
type TemplateStr struct {
	Span
	Values []Expr
}

// ConstKind is the type of a Constant.
type ConstKind uint8

// Constant kinds.
const (
	ConstNone ConstKind = iota
	ConstTrue
	ConstFalse
	ConstEllipsis
	ConstInt     // Value is the literal as written (e.g. "0x_ff")
	ConstFloat   // Value is the literal as written
	ConstComplex // Value is the literal as written, with its j suffix
	ConstStr     // Value is the decoded text (UTF-8; lone surrogates as WTF-8)
	ConstBytes   // Value is the decoded bytes
)

// Constant is a literal. Adjacent string literals are one Constant.
type Constant struct {
	Span
	Kind    ConstKind
	Value   string
	UPrefix bool // the first literal had a u prefix (CPython's kind='u')
}

// Attribute is `value.attr`.
type Attribute struct {
	Span
	Value Expr
	Attr  *Ident
	Ctx   Ctx
}

// Subscript is `value[slice]`.
type Subscript struct {
	Span
	Value Expr
	Slice Expr
	Ctx   Ctx
}

// Starred is `*value`.
type Starred struct {
	Span
	Value Expr
	Ctx   Ctx
}

// Name is a variable reference.
type Name struct {
	Span
	ID  string
	Ctx Ctx
}

// List is a list display or target.
type List struct {
	Span
	Elts []Expr
	Ctx  Ctx
}

// Tuple is a tuple display or target.
type Tuple struct {
	Span
	Elts []Expr
	Ctx  Ctx
}

// Slice is `lower:upper:step` inside a subscript.
type Slice struct {
	Span
	Lower, Upper, Step Expr // each nil when absent
}

// BadExpr stands for an expression that could not be parsed.
type BadExpr struct{ Span }

func (*BoolOp) exprNode()         {}
func (*NamedExpr) exprNode()      {}
func (*BinOp) exprNode()          {}
func (*UnaryOp) exprNode()        {}
func (*Lambda) exprNode()         {}
func (*IfExp) exprNode()          {}
func (*Dict) exprNode()           {}
func (*Set) exprNode()            {}
func (*ListComp) exprNode()       {}
func (*SetComp) exprNode()        {}
func (*DictComp) exprNode()       {}
func (*GeneratorExp) exprNode()   {}
func (*Await) exprNode()          {}
func (*Yield) exprNode()          {}
func (*YieldFrom) exprNode()      {}
func (*Compare) exprNode()        {}
func (*Call) exprNode()           {}
func (*FormattedValue) exprNode() {}
func (*Interpolation) exprNode()  {}
func (*JoinedStr) exprNode()      {}
func (*TemplateStr) exprNode()    {}
func (*Constant) exprNode()       {}
func (*Attribute) exprNode()      {}
func (*Subscript) exprNode()      {}
func (*Starred) exprNode()        {}
func (*Name) exprNode()           {}
func (*List) exprNode()           {}
func (*Tuple) exprNode()          {}
func (*Slice) exprNode()          {}
func (*BadExpr) exprNode()        {}

// ---------------------------------------------------------------------------
// Helper nodes

// Comprehension is one `for target in iter if ...` clause. CPython gives it no
// position; ours spans from `for` (or `async`) to the last condition.
type Comprehension struct {
	Span
	Target  Expr
	Iter    Expr
	Ifs     []Expr
	IsAsync bool
}

// ExceptHandler is an `except` or `except*` clause.
type ExceptHandler struct {
	Span
	Type Expr   // nil for a bare except
	Name *Ident // nil when there is no `as`
	Body []Stmt
}

// Arguments is a parameter list. KwDefaults has one entry per KwOnlyArgs
// entry, nil where that parameter has no default. Defaults belong to the last
// len(Defaults) of PosOnlyArgs+Args.
type Arguments struct {
	Span
	PosOnlyArgs []*Arg
	Args        []*Arg
	Vararg      *Arg
	KwOnlyArgs  []*Arg
	KwDefaults  []Expr
	Kwarg       *Arg
	Defaults    []Expr
}

// Arg is one parameter.
type Arg struct {
	Span
	Name       *Ident
	Annotation Expr // nil when absent
}

// Keyword is `arg=value` in a call or class bases; Arg is nil for `**value`.
type Keyword struct {
	Span
	Arg   *Ident
	Value Expr
}

// Alias is `name [as asname]` in an import.
type Alias struct {
	Span
	Name   *Ident // dotted for Import, may be "*" for ImportFrom
	Asname *Ident // nil when absent
}

// WithItem is `context_expr [as optional_vars]`.
type WithItem struct {
	Span
	ContextExpr  Expr
	OptionalVars Expr // nil when absent
}

// MatchCase is `case pattern [if guard]: body`.
type MatchCase struct {
	Span
	Pattern Pattern
	Guard   Expr // nil when absent
	Body    []Stmt
}

// ---------------------------------------------------------------------------
// Patterns

// MatchValue matches a value pattern (literal or dotted name).
type MatchValue struct {
	Span
	Value Expr
}

// MatchSingleton matches None, True or False (Value is the Constant).
type MatchSingleton struct {
	Span
	Value *Constant
}

// MatchSequence is `[p, ...]` or `(p, ...)`.
type MatchSequence struct {
	Span
	Patterns []Pattern
}

// MatchMapping is `{key: p, **rest}`.
type MatchMapping struct {
	Span
	Keys     []Expr
	Patterns []Pattern
	Rest     *Ident // nil when absent
}

// MatchClass is `Cls(p, attr=p)`.
type MatchClass struct {
	Span
	Cls         Expr
	Patterns    []Pattern
	KwdAttrs    []*Ident
	KwdPatterns []Pattern
}

// MatchStar is `*name` in a sequence pattern; Name is nil for `*_`.
type MatchStar struct {
	Span
	Name *Ident
}

// MatchAs is `pattern as name`, a capture `name`, or the wildcard `_`
// (Pattern and Name both nil).
type MatchAs struct {
	Span
	Pattern Pattern
	Name    *Ident
}

// MatchOr is `p1 | p2`.
type MatchOr struct {
	Span
	Patterns []Pattern
}

func (*MatchValue) patternNode()     {}
func (*MatchSingleton) patternNode() {}
func (*MatchSequence) patternNode()  {}
func (*MatchMapping) patternNode()   {}
func (*MatchClass) patternNode()     {}
func (*MatchStar) patternNode()      {}
func (*MatchAs) patternNode()        {}
func (*MatchOr) patternNode()        {}

// ---------------------------------------------------------------------------
// Type parameters (PEP 695, defaults from PEP 696)

// TypeVar is `T`, `T: bound` or `T = default`.
type TypeVar struct {
	Span
	Name    *Ident
	Bound   Expr // nil when absent
	Default Expr // nil when absent
}

// ParamSpec is `**P`.
type ParamSpec struct {
	Span
	Name    *Ident
	Default Expr
}

// TypeVarTuple is `*Ts`.
type TypeVarTuple struct {
	Span
	Name    *Ident
	Default Expr
}

func (*TypeVar) typeParamNode()      {}
func (*ParamSpec) typeParamNode()    {}
func (*TypeVarTuple) typeParamNode() {}

// ---------------------------------------------------------------------------
// Operators

// BoolOperator is `and` or `or`.
type BoolOperator uint8

// Boolean operators.
const (
	And BoolOperator = iota
	Or
)

// Operator is a binary or augmented-assignment operator.
type Operator uint8

// Binary operators, named as in CPython's ast.
const (
	Add Operator = iota
	Sub
	Mult
	MatMult
	Div
	Mod
	Pow
	LShift
	RShift
	BitOr
	BitXor
	BitAnd
	FloorDiv
)

// UnaryOperator is a prefix operator.
type UnaryOperator uint8

// Unary operators.
const (
	Invert UnaryOperator = iota
	Not
	UAdd
	USub
)

// CmpOperator is a comparison operator.
type CmpOperator uint8

// Comparison operators.
const (
	Eq CmpOperator = iota
	NotEq
	Lt
	LtE
	Gt
	GtE
	Is
	IsNot
	In
	NotIn
)

var (
	boolOpNames  = [...]string{"And", "Or"}
	operatorName = [...]string{"Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow", "LShift", "RShift", "BitOr", "BitXor", "BitAnd", "FloorDiv"}
	unaryOpNames = [...]string{"Invert", "Not", "UAdd", "USub"}
	cmpOpNames   = [...]string{"Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn"}
)

func (o BoolOperator) String() string  { return boolOpNames[o] }
func (o Operator) String() string      { return operatorName[o] }
func (o UnaryOperator) String() string { return unaryOpNames[o] }
func (o CmpOperator) String() string   { return cmpOpNames[o] }

// Keyword returns the value of the call's keyword argument name, or nil.
func (c *Call) Keyword(name string) Expr {
	for _, kw := range c.Keywords {
		if kw.Arg != nil && kw.Arg.Name == name {
			return kw.Value
		}
	}
	return nil
}

// Arg returns the call's positional argument i (unless it is *starred), or
// else its keyword argument name, or nil.
func (c *Call) Arg(i int, name string) Expr {
	if c == nil {
		return nil
	}
	if i >= 0 && i < len(c.Args) {
		if _, star := c.Args[i].(*Starred); !star {
			return c.Args[i]
		}
	}
	return c.Keyword(name)
}

// All lists the parameters in order: positional-only, positional, *args,
// keyword-only, **kwargs.
func (a *Arguments) All() []*Arg {
	if a == nil {
		return nil
	}
	out := append(append([]*Arg(nil), a.PosOnlyArgs...), a.Args...)
	if a.Vararg != nil {
		out = append(out, a.Vararg)
	}
	out = append(out, a.KwOnlyArgs...)
	if a.Kwarg != nil {
		out = append(out, a.Kwarg)
	}
	return out
}

// IsStaticMethod reports a function decorated with @staticmethod.
func (f *FunctionDef) IsStaticMethod() bool {
	for _, d := range f.Decorators {
		if n, ok := d.(*Name); ok && n.ID == "staticmethod" {
			return true
		}
	}
	return false
}
