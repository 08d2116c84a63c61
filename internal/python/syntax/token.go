package syntax

// Kind is a token kind.
type Kind uint8

// Token kinds. Keywords have their own kinds; soft keywords (match, case,
// type, _) are NAMEs.
const (
	EOF Kind = iota
	NEWLINE
	INDENT
	DEDENT
	NAME
	NUMBER
	STRING // any string literal; f- and t-strings included (see token.flags)

	// Operators and delimiters.
	LPAR
	RPAR
	LSQB
	RSQB
	LBRACE
	RBRACE
	COLON
	COMMA
	SEMI
	PLUS
	MINUS
	STAR
	SLASH
	VBAR
	AMPER
	LESS
	GREATER
	EQUAL
	DOT
	PERCENT
	EQEQUAL
	NOTEQUAL
	LESSEQUAL
	GREATEREQUAL
	TILDE
	CIRCUMFLEX
	LEFTSHIFT
	RIGHTSHIFT
	DOUBLESTAR
	PLUSEQUAL
	MINEQUAL
	STAREQUAL
	SLASHEQUAL
	PERCENTEQUAL
	AMPEREQUAL
	VBAREQUAL
	CIRCUMFLEXEQUAL
	LEFTSHIFTEQUAL
	RIGHTSHIFTEQUAL
	DOUBLESTAREQUAL
	DOUBLESLASH
	DOUBLESLASHEQUAL
	AT
	ATEQUAL
	RARROW
	ELLIPSIS
	COLONEQUAL
	EXCLAMATION

	// Keywords.
	kwFalse
	kwNone
	kwTrue
	kwAnd
	kwAs
	kwAssert
	kwAsync
	kwAwait
	kwBreak
	kwClass
	kwContinue
	kwDef
	kwDel
	kwElif
	kwElse
	kwExcept
	kwFinally
	kwFor
	kwFrom
	kwGlobal
	kwIf
	kwImport
	kwIn
	kwIs
	kwLambda
	kwNonlocal
	kwNot
	kwOr
	kwPass
	kwRaise
	kwReturn
	kwTry
	kwWhile
	kwWith
	kwYield

	numKinds
)

var kindText = [numKinds]string{
	EOF: "end of file", NEWLINE: "newline", INDENT: "indent", DEDENT: "dedent",
	NAME: "name", NUMBER: "number", STRING: "string",
	LPAR: "(", RPAR: ")", LSQB: "[", RSQB: "]", LBRACE: "{", RBRACE: "}",
	COLON: ":", COMMA: ",", SEMI: ";", PLUS: "+", MINUS: "-", STAR: "*",
	SLASH: "/", VBAR: "|", AMPER: "&", LESS: "<", GREATER: ">", EQUAL: "=",
	DOT: ".", PERCENT: "%", EQEQUAL: "==", NOTEQUAL: "!=", LESSEQUAL: "<=",
	GREATEREQUAL: ">=", TILDE: "~", CIRCUMFLEX: "^", LEFTSHIFT: "<<",
	RIGHTSHIFT: ">>", DOUBLESTAR: "**", PLUSEQUAL: "+=", MINEQUAL: "-=",
	STAREQUAL: "*=", SLASHEQUAL: "/=", PERCENTEQUAL: "%=", AMPEREQUAL: "&=",
	VBAREQUAL: "|=", CIRCUMFLEXEQUAL: "^=", LEFTSHIFTEQUAL: "<<=",
	RIGHTSHIFTEQUAL: ">>=", DOUBLESTAREQUAL: "**=", DOUBLESLASH: "//",
	DOUBLESLASHEQUAL: "//=", AT: "@", ATEQUAL: "@=", RARROW: "->",
	ELLIPSIS: "...", COLONEQUAL: ":=", EXCLAMATION: "!",
	kwFalse: "False", kwNone: "None", kwTrue: "True", kwAnd: "and", kwAs: "as",
	kwAssert: "assert", kwAsync: "async", kwAwait: "await", kwBreak: "break",
	kwClass: "class", kwContinue: "continue", kwDef: "def", kwDel: "del",
	kwElif: "elif", kwElse: "else", kwExcept: "except", kwFinally: "finally",
	kwFor: "for", kwFrom: "from", kwGlobal: "global", kwIf: "if",
	kwImport: "import", kwIn: "in", kwIs: "is", kwLambda: "lambda",
	kwNonlocal: "nonlocal", kwNot: "not", kwOr: "or", kwPass: "pass",
	kwRaise: "raise", kwReturn: "return", kwTry: "try", kwWhile: "while",
	kwWith: "with", kwYield: "yield",
}

func (k Kind) String() string {
	if k < numKinds {
		return kindText[k]
	}
	return "?"
}

func (k Kind) isKeyword() bool { return k >= kwFalse && k <= kwYield }

// keyword returns the keyword kind of an identifier, or NAME.
func keyword(b []byte) Kind {
	switch len(b) {
	case 2:
		switch string(b) {
		case "as":
			return kwAs
		case "if":
			return kwIf
		case "in":
			return kwIn
		case "is":
			return kwIs
		case "or":
			return kwOr
		}
	case 3:
		switch string(b) {
		case "and":
			return kwAnd
		case "def":
			return kwDef
		case "del":
			return kwDel
		case "for":
			return kwFor
		case "not":
			return kwNot
		case "try":
			return kwTry
		}
	case 4:
		switch string(b) {
		case "None":
			return kwNone
		case "True":
			return kwTrue
		case "elif":
			return kwElif
		case "else":
			return kwElse
		case "from":
			return kwFrom
		case "pass":
			return kwPass
		case "with":
			return kwWith
		}
	case 5:
		switch string(b) {
		case "False":
			return kwFalse
		case "async":
			return kwAsync
		case "await":
			return kwAwait
		case "break":
			return kwBreak
		case "class":
			return kwClass
		case "raise":
			return kwRaise
		case "while":
			return kwWhile
		case "yield":
			return kwYield
		}
	case 6:
		switch string(b) {
		case "assert":
			return kwAssert
		case "except":
			return kwExcept
		case "global":
			return kwGlobal
		case "import":
			return kwImport
		case "lambda":
			return kwLambda
		case "return":
			return kwReturn
		}
	case 7:
		if string(b) == "finally" {
			return kwFinally
		}
	case 8:
		switch string(b) {
		case "continue":
			return kwContinue
		case "nonlocal":
			return kwNonlocal
		}
	}
	return NAME
}

// String literal flags carried by STRING tokens.
const (
	strRaw uint8 = 1 << iota
	strBytes
	strF
	strT
	strU
	strTriple
)

// token is one lexical token; its text is Src[pos:end].
type token struct {
	kind  Kind
	flags uint8 // string prefix flags for STRING
	pos   Pos
	end   Pos
}
