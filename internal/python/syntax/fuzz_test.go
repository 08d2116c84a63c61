package syntax

import (
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds every checked-in test file as a seed input.
func addSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.py"))
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
}

// FuzzScanner tokenizes arbitrary input: it must end, never panic other
// than with a syntax error, and produce tokens in order inside the input.
func FuzzScanner(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		var s scanner
		fail := func(pos Pos, msg string) { panic(bailout{pos, msg}) }
		var comments []Comment
		s.init(src, fail, &comments)
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(bailout); !ok {
					panic(r)
				}
			}
		}()
		last := Pos(0)
		for i := 0; ; i++ {
			tok := s.next()
			if tok.pos < last || tok.end < tok.pos || int(tok.end) > len(src) {
				t.Fatalf("token %v at %d-%d after %d (len %d)", tok.kind, tok.pos, tok.end, last, len(src))
			}
			last = tok.pos
			if tok.kind == EOF {
				break
			}
			if i > 4*len(src)+200 {
				t.Fatalf("no end after %d tokens", i)
			}
		}
	})
}

// FuzzParse parses arbitrary input: never a panic; every node of a tree
// lies inside the source, the tree's depth is bounded, and a tree without
// errors can be dumped.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := ParseFile("fuzz.py", src, nil)
		if file == nil {
			t.Fatal("nil file")
		}
		n := Pos(len(file.Src))
		InspectFile(file, func(node Node) bool {
			if node == nil {
				return false
			}
			if node.Pos() < 0 || node.End() > n || node.Pos() > node.End() {
				if err == nil {
					t.Fatalf("%T spans %d-%d in %d bytes", node, node.Pos(), node.End(), n)
				}
			}
			return true
		})
		// Every construct that deepens the tree counts toward maxDepth;
		// the few it does not count (a BoolOp around its operands, a
		// statement around its expression) add a bounded number of
		// levels per counted one.
		if h := treeHeight(file); h > 16*maxDepth {
			t.Fatalf("tree %d deep, over 16 times the nesting limit", h)
		}
		if err == nil {
			_ = dumpTree(file, false)
		}
		for _, e := range file.Errors {
			if e.Pos.Line < 1 || e.Pos.Column < 1 || e.Msg == "" {
				t.Fatalf("bad diagnostic %+v", e)
			}
		}
	})
}
