package semantic

import (
	"fmt"
	"strings"
	"testing"
)

// TestLongInheritanceChain checks that a chain of 100,000 classes, each
// deriving from the one before, is followed to its root whichever class is
// asked about first. (Walked recursively and without memory it took 28 s
// and 1.7 GB; time is measured in benchmarks, not asserted here.)
func TestLongInheritanceChain(t *testing.T) {
	const n = 100_000
	var b strings.Builder
	b.WriteString("from fastapi import FastAPI\nclass C0(FastAPI): pass\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "class C%d(C%d): pass\n", i, i-1)
	}
	p := program(t, map[string]string{"main.py": b.String()})
	if !p.IsSubclass(fmt.Sprintf("main.C%d", n), "fastapi.FastAPI") {
		t.Errorf("C%d does not derive from FastAPI", n)
	}
	for i := n; i >= 0; i-- {
		if !p.IsSubclass(fmt.Sprintf("main.C%d", i), "fastapi.FastAPI") {
			t.Fatalf("C%d does not derive from FastAPI", i)
		}
	}
	if p.IsSubclass(fmt.Sprintf("main.C%d", n), "fastapi.APIRouter") {
		t.Errorf("C%d derives from APIRouter", n)
	}
}

// TestInheritanceCycle checks that classes deriving from each other (not
// Python, but parseable) end.
func TestInheritanceCycle(t *testing.T) {
	p := program(t, map[string]string{"main.py": "class A(B): pass\nclass B(C): pass\nclass C(A): pass\nclass D(C, int): pass\n"})
	if p.IsSubclass("main.D", "fastapi.FastAPI") || !p.IsSubclass("main.D", "builtins.int", "int") {
		t.Error("wrong answers in a cycle")
	}
}
