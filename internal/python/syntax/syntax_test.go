package syntax

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestPositions(t *testing.T) {
	src := "# héllo\r\nnom = \"café\"  # trailing\r\nx = nom\r\n"
	src = "if True:\r\n" + strings.ReplaceAll(src, "\r\n", "\r\n    ")
	f, err := ParseFile("p.py", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []*Name
	InspectFile(f, func(n Node) bool {
		if n, ok := n.(*Name); ok {
			names = append(names, n)
		}
		return true
	})
	if len(names) != 3 {
		t.Fatalf("got %d names", len(names))
	}
	c := names[0].Pos()
	if p := f.Position(c); p.Line != 3 || p.Column != 5 {
		t.Errorf("nom at %v, want 3:5", p)
	}
	var str *Constant
	InspectFile(f, func(n Node) bool {
		if c, ok := n.(*Constant); ok && c.Kind == ConstStr {
			str = c
		}
		return true
	})
	if str == nil || str.Value != "café" || f.Text(str) != `"café"` {
		t.Fatalf("string constant = %#v", str)
	}
	// Columns count code points; CPython's byte column is also available.
	if p := f.Position(str.End()); p.Column != 17 || f.ByteColumn(str.End()) != 17 {
		t.Errorf("end of string at column %d (byte column %d), want 17 and 17", p.Column, f.ByteColumn(str.End()))
	}
	if got := len(f.Comments); got != 2 {
		t.Fatalf("got %d comments, want 2", got)
	}
	if f.Comments[1].Text != "# trailing" || f.Position(f.Comments[1].Pos()).Line != 3 {
		t.Errorf("comment = %+v", f.Comments[1])
	}
	if f.LineText(3) != "    nom = \"café\"  # trailing" {
		t.Errorf("line 3 = %q", f.LineText(3))
	}
	if f.LineCount() != 5 {
		t.Errorf("line count = %d", f.LineCount())
	}
}

func TestEncodings(t *testing.T) {
	latin := []byte("# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n")
	f, err := ParseFile("l.py", latin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := f.Body[0].(*Assign).Value.(*Constant).Value; v != "café" {
		t.Errorf("latin-1 value = %q", v)
	}
	bom := []byte("\xef\xbb\xbfx = 1\n")
	f, err = ParseFile("b.py", bom, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Position(f.Body[0].Pos()); p.Line != 1 || p.Column != 1 {
		t.Errorf("after BOM, statement at %v", p)
	}
	cp := []byte("#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\ns = '\x80'\n")
	f, err = ParseFile("c.py", cp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := f.Body[0].(*Assign).Value.(*Constant).Value; v != "€" {
		t.Errorf("cp1252 value = %q", v)
	}
}

// TestWalkCoversEveryChild checks with reflection that Inspect reaches every
// node-valued field of every node in the test files.
func TestWalkCoversEveryChild(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.py"))
	nodeType := reflect.TypeFor[Node]()
	checked := 0
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := ParseFile(path, src, nil)
		if err != nil {
			continue
		}
		seen := map[Node]bool{}
		InspectFile(f, func(n Node) bool {
			if n != nil {
				seen[n] = true
			}
			return true
		})
		for n := range seen {
			v := reflect.ValueOf(n).Elem()
			for i := 0; i < v.NumField(); i++ {
				fv := v.Field(i)
				var kids []reflect.Value
				switch {
				case fv.Kind() == reflect.Slice && fv.Type().Elem().Implements(nodeType):
					for j := 0; j < fv.Len(); j++ {
						kids = append(kids, fv.Index(j))
					}
				case fv.Type().Implements(nodeType) && fv.Type() != reflect.TypeFor[Span]():
					kids = append(kids, fv)
				}
				for _, k := range kids {
					if (k.Kind() == reflect.Interface || k.Kind() == reflect.Pointer) && k.IsNil() {
						continue
					}
					child := k.Interface().(Node)
					checked++
					if !seen[child] {
						t.Errorf("%s: Inspect does not reach %T.%s (%T)", path, n, v.Type().Field(i).Name, child)
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d child links checked", checked)
	}
}

// TestInspectPrune checks that returning false skips a node's children and
// that Walk ends each visited node with Visit(nil).
func TestInspectPrune(t *testing.T) {
	f, err := ParseFile("x.py", []byte("def f():\n    x = 1\ny = 2\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	opened, closed := 0, 0
	InspectFile(f, func(n Node) bool {
		if n == nil {
			closed++
			return false
		}
		opened++
		if nm, ok := n.(*Name); ok {
			names = append(names, nm.ID)
		}
		_, isFunc := n.(*FunctionDef)
		return !isFunc
	})
	if strings.Join(names, ",") != "y" {
		t.Errorf("names = %v, want only y", names)
	}
	if closed != opened-1 { // the pruned FunctionDef gets no Visit(nil)
		t.Errorf("opened %d, closed %d", opened, closed)
	}
}
