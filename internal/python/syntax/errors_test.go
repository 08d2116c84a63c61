package syntax

import (
	"strings"
	"testing"
)

// TestErrors checks that bad input gives a diagnostic a Python developer
// recognises, at the right place, and never a panic.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"py2 print", "print 'hello'\n", 1, 1, "Missing parentheses in call to 'print'"},
		{"py2 exec", "exec 'code'\n", 1, 1, "Missing parentheses in call to 'exec'"},
		{"py2 backtick", "x = `y`\n", 1, 5, "invalid character '`'"},
		{"py2 octal", "x = 0777\n", 1, 5, "leading zeros in decimal integer literals"},
		{"py2 ne", "if a <> b: pass\n", 1, 6, "invalid syntax"},
		{"unclosed", "x = (1,\ny = 2\n", 1, 5, "'(' was never closed"},
		{"unmatched", "x = 1)\n", 1, 6, "unmatched ')'"},
		{"mismatched", "x = (1]\n", 1, 7, "closing parenthesis ']' does not match opening parenthesis '('"},
		{"no indent", "if x:\npass\n", 2, 1, "expected an indented block after 'if' statement on line 1"},
		{"unexpected indent", "x = 1\n    y = 2\n", 2, 5, "unexpected indent"},
		{"bad dedent", "if x:\n        a\n    b\n", 3, 5, "unindent does not match any outer indentation level"},
		{"unterminated", "x = 'abc\n", 1, 5, "unterminated string literal (detected at line 1)"},
		{"unterminated triple", "x = '''abc\n", 1, 5, "unterminated triple-quoted string literal"},
		{"genexp", "f(x for x in y, 1)\n", 1, 3, "Generator expression must be parenthesized"},
		{"assign call", "f() = 1\n", 1, 1, "cannot assign to function call"},
		{"default order", "def f(a=1, b): pass\n", 1, 12, "parameter without a default follows parameter with a default"},
		{"dollar", "x = $y\n", 1, 5, "invalid character '$'"},
		{"number underscore", "x = 1_\n", 1, 7, "invalid decimal literal"},
		{"bytes non-ascii", "x = b'é'\n", 1, 5, "bytes can only contain ASCII literal characters"},
		{"mixed bytes", "x = 'a' b'b'\n", 1, 5, "cannot mix bytes and nonbytes literals"},
		{"empty field", "x = f'{}'\n", 1, 8, "f-string: valid expression required before '}'"},
		{"bad conversion", "x = f'{a!x}'\n", 1, 10, "f-string: invalid conversion character"},
		{"single brace", "x = f'}'\n", 1, 7, "f-string: single '}' is not allowed"},
		{"unknown name", "x = '\\N{NO SUCH NAME}'\n", 1, 6, "unknown Unicode character name"},
		{"truncated hex", "x = '\\x4'\n", 1, 6, "truncated \\xXX escape"},
		{"aug tuple", "a, b += 1\n", 1, 1, "'tuple' is an illegal expression for augmented assignment"},
		{"keyword target", "nonlocal = 1\n", 1, 10, "invalid syntax"},
		{"null byte", "x = 1\x00\n", 1, 6, "source code cannot contain null bytes"},
		{"tabs", "if x:\n\tif y:\n        pass\n", 3, 9, "inconsistent use of tabs and spaces in indentation"},
		{"try alone", "try:\n    pass\nx = 1\n", 3, 1, "expected 'except' or 'finally' block"},
		{"mixed except", "try:\n    pass\nexcept A:\n    pass\nexcept* B:\n    pass\n", 5, 1, "cannot have both 'except' and 'except*'"},
		{"as without parens", "try:\n    pass\nexcept A, B as e:\n    pass\n", 3, 13, "multiple exception types must be parenthesized when using 'as'"},
		{"bad coding", "# coding: no-such-codec\nx = 1\n", 1, 1, "unknown encoding: no-such-codec"},
		{"bad utf8", "x = '\xff'\n", 1, 6, "'utf-8' codec can't decode byte 0xff"},
		{"empty type params", "def f[](): pass\n", 1, 7, "Type parameter list cannot be empty"},
		{"t and plain", "x = t'a' 'b'\n", 1, 5, "cannot mix t-string literals with string or bytes literals"},
		{"star alone in case", "match x:\n    case *a:\n        pass\n", 2, 10, "invalid syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFile("t.py", []byte(tt.src), nil)
			if err == nil || len(f.Errors) == 0 {
				t.Fatalf("no error for %q", tt.src)
			}
			e := f.Errors[0]
			if e.Pos.Line != tt.line || e.Pos.Column != tt.col || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %d:%d %q, want %d:%d containing %q", e.Pos.Line, e.Pos.Column, e.Msg, tt.line, tt.col, tt.msg)
			}
			if !strings.HasPrefix(e.Error(), "t.py:") {
				t.Errorf("error %q does not name the file", e.Error())
			}
		})
	}
}

// TestRecovery checks that a syntax error costs one statement, not the rest
// of the file.
func TestRecovery(t *testing.T) {
	src := `import os
x = (1 +
def ok():
    return 1
print "py2"
class C:
    def m(self):
        y = = 2
        return 3
    def n(self): pass
z = 4
`
	f, err := ParseFile("r.py", []byte(src), nil)
	if err == nil {
		t.Fatal("want errors")
	}
	if len(f.Errors) < 2 {
		t.Errorf("want an error for each bad line, got %v", f.Errors)
	}
	var funcs, classes []string
	InspectFile(f, func(n Node) bool {
		switch n := n.(type) {
		case *FunctionDef:
			funcs = append(funcs, n.Name.Name)
		case *ClassDef:
			classes = append(classes, n.Name.Name)
		}
		return true
	})
	for _, want := range []string{"m", "n"} {
		if !contains(funcs, want) {
			t.Errorf("function %s lost after errors; have %v", want, funcs)
		}
	}
	if !contains(classes, "C") {
		t.Errorf("class C lost after errors")
	}
	last, ok := f.Body[len(f.Body)-1].(*Assign)
	if !ok || f.Text(last) != "z = 4" {
		t.Errorf("last statement = %#v, want z = 4", f.Body[len(f.Body)-1])
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestLimits checks the size limit and deep nesting.
func TestLimits(t *testing.T) {
	big := []byte("x = 1\n" + strings.Repeat("#", 100))
	f, err := ParseFile("big.py", big, &Options{MaxFileSize: 50})
	if err == nil || !strings.Contains(f.Errors[0].Msg, "over the 50-byte limit") {
		t.Errorf("size limit: got %v", err)
	}
	if _, err := ParseFile("big.py", big, &Options{MaxFileSize: -1}); err != nil {
		t.Errorf("no limit: %v", err)
	}
	for _, src := range []string{
		"x = " + strings.Repeat("(", 5000) + strings.Repeat(")", 5000) + "\n",
		"x = " + strings.Repeat("[", 5000) + "\n",
		"x = " + strings.Repeat("-", 100000) + "1\n",
		"x = " + strings.Repeat("not ", 100000) + "1\n",
		"x = " + strings.Repeat("lambda: ", 50000) + "1\n",
		"x = " + strings.Repeat("a if b else ", 50000) + "1\n",
		"x = 1" + strings.Repeat(" ** 1", 50000) + "\n",
		"x = " + strings.Repeat("await ", 50000) + "1\n",
		strings.Repeat("if x:\n", 300),
		buildIndented(2000),
		"x = " + strings.Repeat("f'{", 500) + strings.Repeat("}'", 500) + "\n",
	} {
		f, err := ParseFile("deep.py", []byte(src), nil)
		if err == nil {
			t.Errorf("no diagnostic for deep input %.40q", src)
			continue
		}
		if !strings.Contains(f.Errors[0].Msg, "too many") && !strings.Contains(f.Errors[0].Msg, "expected") {
			t.Logf("deep input %.40q: %v", src, f.Errors[0])
		}
	}
}

// TestManyDecorators checks that long flat input is not mistaken for deep
// nesting.
func TestManyDecorators(t *testing.T) {
	src := strings.Repeat("@d\n", 100000) + "def f(): pass\n" + strings.Repeat("x = 1\n", 100000)
	f, err := ParseFile("flat.py", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.Body[0].(*FunctionDef).Decorators); n != 100000 {
		t.Errorf("got %d decorators", n)
	}
}

func buildIndented(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i) + "if x:\n")
	}
	b.WriteString(strings.Repeat(" ", n) + "pass\n")
	return b.String()
}
