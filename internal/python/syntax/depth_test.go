package syntax

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// treeHeight returns the number of nodes on the longest path from a
// file's top-level statements down, walking with an explicit stack so
// that it works on any tree.
func treeHeight(f *File) int {
	type item struct {
		n     Node
		depth int
	}
	var stack []item
	for _, s := range f.Body {
		stack = append(stack, item{s, 1})
	}
	height := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		height = max(height, it.depth)
		eachChild(it.n, func(c Node) { stack = append(stack, item{c, it.depth + 1}) })
	}
	return height
}

// chainShapes builds a left-deep chain of n links of each shape that a
// loop in the parser builds.
var chainShapes = []struct {
	name string
	make func(n int) string
}{
	{"attribute", func(n int) string { return "x = a" + strings.Repeat(".b", n) }},
	{"call", func(n int) string { return "x = f" + strings.Repeat("()", n) }},
	{"subscript", func(n int) string { return "x = a" + strings.Repeat("[0]", n) }},
	{"mixed trailers", func(n int) string { return "x = a" + strings.Repeat(".b(c)[d]", n/3) + strings.Repeat(".b", n%3) }},
	{"plus", func(n int) string { return "x = a" + strings.Repeat(" + a", n) }},
	{"times", func(n int) string { return "x = a" + strings.Repeat("*a", n) }},
	{"bitor", func(n int) string { return "x = a" + strings.Repeat("|a", n) }},
	{"shift", func(n int) string { return "x = a" + strings.Repeat("<<a", n) }},
	{"match value", func(n int) string { return "match x:\n    case a" + strings.Repeat(".b", n) + ":\n        pass" }},
	{"mapping key", func(n int) string {
		return "match x:\n    case {a" + strings.Repeat(".b", n) + ": 1}:\n        pass"
	}},
	{"star target", func(n int) string { return "for " + strings.Repeat("* ", n) + "a in b: pass" }},
}

// TestLeftDeepChains checks that a chain built in a loop counts a level per
// link: 1,400 links parse, 400,000 make one syntax error at the link past
// the limit, quickly, and the statement after them is still read.
func TestLeftDeepChains(t *testing.T) {
	for _, sh := range chainShapes {
		t.Run(sh.name, func(t *testing.T) {
			ok := sh.make(1400) + "\n"
			f, err := ParseFile("ok.py", []byte(ok), nil)
			if sh.name == "star target" {
				// A starred target nested in a starred target is not
				// Python, but it parses here; only its depth matters.
				err = nil
			}
			if err != nil {
				t.Fatalf("1,400 links: %v", err)
			}
			if h := treeHeight(f); h < 1400 {
				t.Errorf("1,400 links make a tree %d deep", h)
			}

			deep := sh.make(400_000)
			src := deep + "\ny = 1\n"
			start := time.Now()
			f, _ = ParseFile("deep.py", []byte(src), nil)
			t.Logf("400,000 links parsed in %v", time.Since(start))
			if len(f.Errors) != 1 || f.Errors[0].Msg != errTooDeep {
				t.Fatalf("400,000 links: errors %v, want one %q", f.Errors, errTooDeep)
			}
			e := f.Errors[0]
			line := strings.Split(src, "\n")[e.Pos.Line-1]
			if len(line) < 400_000 || e.Pos.Column < 1400 || e.Pos.Column > 6*maxDepth {
				t.Errorf("error at %d:%d, want in the chain past its 1,400th link", e.Pos.Line, e.Pos.Column)
			}
			last := f.Body[len(f.Body)-1]
			if a, ok := last.(*Assign); !ok || f.Text(a) != "y = 1" {
				t.Errorf("the statement after the chain: got %T %q", last, f.Text(last))
			}
			if h := treeHeight(f); h > maxDepth {
				t.Errorf("tree %d deep", h)
			}
		})
	}
}

// TestChainHeldDepth checks what early links hold: it ends up under every
// later link, so a call whose argument is 1,000 deep followed by 1,000
// calls is 2,000 deep, and nesting such chains in brackets cannot
// multiply the height past the limit unnoticed.
func TestChainHeldDepth(t *testing.T) {
	inner := "a" + strings.Repeat(".b", 1000)
	for _, src := range []string{
		"x = f(" + inner + ")" + strings.Repeat("()", 1000),
		"x = f[" + inner + "]" + strings.Repeat("[0]", 1000),
		"x = f(" + inner + ")" + strings.Repeat(".c", 1000),
		"x = a + (" + inner + ")" + strings.Repeat(" + a", 1000),
		"x = a + b" + strings.Repeat(".b", 1000) + strings.Repeat(" + a", 1000),
		"x = f'{" + inner + "}'" + strings.Repeat(" + a", 1000),
		func() string {
			s := "a"
			for range 100 {
				s = "f(" + s + ")" + strings.Repeat("()", 100)
			}
			return "x = " + s
		}(),
	} {
		f, _ := ParseFile("held.py", []byte(src+"\ny = 1\n"), nil)
		if len(f.Errors) != 1 || f.Errors[0].Msg != errTooDeep || f.Errors[0].Pos.Line != 1 {
			t.Errorf("%.30q...: errors %v, want one %q on line 1", src, f.Errors, errTooDeep)
		}
		if h := treeHeight(f); h > maxDepth {
			t.Errorf("%.30q...: tree %d deep", src, h)
		}
	}
	// Width is not depth: a call of 100,000 arguments, each a short chain,
	// and long chains one after another are fine.
	wide := "x = f(" + strings.Repeat("a.b.c(d)[e] + g.h, ", 100_000) + ")\n" +
		strings.Repeat("y = a"+strings.Repeat(".b", 1000)+"\n", 50)
	if _, err := ParseFile("wide.py", []byte(wide), nil); err != nil {
		t.Errorf("wide input: %v", err)
	}
}

// elifChain returns an if statement with n branches, then `z = 1`.
func elifChain(n int) string {
	var b strings.Builder
	b.WriteString("if x == 0:\n    y = 0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "elif x==%d:\n y=1\n", i)
	}
	b.WriteString("else:\n    y = -1\nz = 1\n")
	return b.String()
}

// TestElifChain checks that each elif counts a level: 1,400 branches parse
// into nested Ifs ending with the statement; 3,000 make one error, at the
// elif past the limit, and the statement after the chain is read.
func TestElifChain(t *testing.T) {
	f, err := ParseFile("ok.py", []byte(elifChain(1400)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Body) != 2 {
		t.Fatalf("%d statements, want 2", len(f.Body))
	}
	s := f.Body[0].(*If)
	n := 1
	for len(s.Orelse) == 1 {
		e, ok := s.Orelse[0].(*If)
		if !ok {
			break
		}
		if e.To != f.Body[0].End() {
			t.Fatalf("elif %d ends at %d, the statement at %d", n, e.To, f.Body[0].End())
		}
		s = e
		n++
	}
	if n != 1400 || f.Text(s.Orelse[0]) != "y = -1" {
		t.Errorf("%d branches, last else %q", n, f.Text(s.Orelse[0]))
	}

	for _, branches := range []int{3000, 200_000} {
		start := time.Now()
		f, _ = ParseFile("deep.py", []byte(elifChain(branches)), nil)
		t.Logf("%d branches parsed in %v", branches, time.Since(start))
		// The if is at depth 1 and the k-th elif at 1+k; the one at
		// maxDepth has no room for its block.
		wantLine := 2*(maxDepth-1) + 1
		if len(f.Errors) != 1 || f.Errors[0].Msg != errTooDeep || f.Errors[0].Pos.Line != wantLine || f.Errors[0].Pos.Column != 1 {
			t.Fatalf("%d branches: errors %v, want one %q at %d:1", branches, f.Errors, errTooDeep, wantLine)
		}
		last := f.Body[len(f.Body)-1]
		if f.Text(last) != "z = 1" {
			t.Errorf("%d branches: last statement %q", branches, f.Text(last))
		}
	}
}

// TestRecoveryRestoresDepth checks that a statement failing deep inside
// expressions does not leave its levels counted for the statements after
// it.
func TestRecoveryRestoresDepth(t *testing.T) {
	bad := "x = " + strings.Repeat("-", 1000) + "+\n"
	src := strings.Repeat(bad, 5) + "y = " + strings.Repeat("-", 1000) + "1\n"
	f, _ := ParseFile("leak.py", []byte(src), nil)
	if len(f.Errors) != 5 {
		t.Fatalf("errors %v, want one per bad line", f.Errors)
	}
	for _, e := range f.Errors {
		if e.Msg == errTooDeep {
			t.Errorf("%v: depth left over from the failed lines", e)
		}
	}
	if last := f.Body[len(f.Body)-1]; !strings.HasPrefix(f.Text(last), "y = ") {
		t.Errorf("last statement %q", f.Text(last))
	}
}

// TestLongDottedName checks that a dotted module name of 400,000 parts is
// read in linear time: it is a name, not a nesting.
func TestLongDottedName(t *testing.T) {
	name := "a" + strings.Repeat(".b", 400_000)
	src := "import " + name + "\nfrom " + name + " import c\n"
	start := time.Now()
	f, err := ParseFile("dotted.py", []byte(src), nil)
	t.Logf("parsed in %v (quadratic, it took over 60 s)", time.Since(start))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Body[0].(*Import).Names[0].Name.Name; got != name {
		t.Errorf("import of a %d-byte name, want %d bytes", len(got), len(name))
	}
	if got := f.Body[1].(*ImportFrom).Module.Name; got != name {
		t.Errorf("from-import of a %d-byte name, want %d bytes", len(got), len(name))
	}
}

// TestClauseAfterFailedStatement checks that the clauses of a failed
// compound statement make no second error, while a stray clause after a
// statement that parsed (whose block held an error) still does.
func TestClauseAfterFailedStatement(t *testing.T) {
	f, _ := ParseFile("a.py", []byte("try:\n    x = (1,\nexcept E:\n    pass\nfinally:\n    pass\ny = 1\n"), nil)
	if len(f.Errors) != 1 || f.Text(f.Body[len(f.Body)-1]) != "y = 1" {
		t.Errorf("errors %v, last statement %q", f.Errors, f.Text(f.Body[len(f.Body)-1]))
	}
	f, _ = ParseFile("b.py", []byte("def f():\n    x = = 1\nelse:\n    pass\n"), nil)
	if len(f.Errors) != 2 || f.Errors[1].Pos.Line != 3 {
		t.Errorf("errors %v, want one on line 2 and one on line 3", f.Errors)
	}
}
