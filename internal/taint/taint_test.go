package taint

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/source"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

var sqlSink = &Sink{Class: SQL, What: "a SQL query", Args: []int{0}, Methods: []string{"execute"}}

func flowsIn(t *testing.T, files map[string]string) []*Flow {
	t.Helper()
	return Run(modelOf(t, files), []*Sink{sqlSink}, 0).Flows
}

func modelOf(t *testing.T, files map[string]string) *fastapi.Model {
	t.Helper()
	dir := t.TempDir()
	testfs.WriteTree(t, dir, files)
	found, _, err := source.Discover([]string{dir}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []semantic.Input
	for _, p := range source.ParseAll(found, 0, 0) {
		inputs = append(inputs, semantic.Input{Path: p.Path, Rel: p.Rel, File: p.Syntax})
	}
	return fastapi.Build(semantic.New(inputs), fastapi.Options{})
}

// TestBudget checks that the scan's budget grows with the program, and that
// entries left unanalysed when it runs out are counted.
func TestBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("from fastapi import FastAPI\napp = FastAPI()\n")
	const routes = 40
	for i := 0; i < routes; i++ {
		fmt.Fprintf(&b, "\n@app.get(\"/r%d\")\ndef r%d(q: str, cur):\n    v = q + \"x\"\n    cur.execute(v)\n", i, i)
	}
	model := modelOf(t, map[string]string{"main.py": b.String()})
	lines := model.Prog.Modules[0].File.LineCount()

	full := Run(model, []*Sink{sqlSink}, 0)
	if full.Budget != scanWorkBase+scanWorkPerLine*lines {
		t.Errorf("budget %d for %d lines, want %d", full.Budget, lines, scanWorkBase+scanWorkPerLine*lines)
	}
	if full.Entries != routes || full.Skipped != 0 || len(full.Flows) != routes || full.Work == 0 {
		t.Fatalf("full budget: %d entries, %d skipped, %d flows, %d work; want %d, 0, %d, > 0",
			full.Entries, full.Skipped, len(full.Flows), full.Work, routes, routes)
	}
	short := Run(model, []*Sink{sqlSink}, full.Work/4)
	if short.Skipped == 0 || short.Skipped >= routes || len(short.Flows) >= routes || len(short.Flows)+short.Skipped < routes {
		t.Errorf("a quarter of the work: %d skipped, %d flows of %d routes; want some of each, covering them all",
			short.Skipped, len(short.Flows), routes)
	}
}

// TestRecursionEnds checks that recursive and mutually recursive helpers
// are summarised without looping, and flows through them are still found.
func TestRecursionEnds(t *testing.T) {
	flows := flowsIn(t, map[string]string{"main.py": `from fastapi import FastAPI
app = FastAPI()

def a(x, n):
    if n:
        return b(x, n - 1)
    return x

def b(x, n):
    return a(x, n)

def fact(x):
    return fact(x)

@app.get("/")
def route(q: str, cur):
    cur.execute(a(q, 3))
    cur.execute(fact(q))
`})
	if len(flows) != 1 {
		t.Fatalf("got %d flows, want 1 (through a and b)", len(flows))
	}
	if got := flows[0].Value.Source.Name; got != "q" {
		t.Errorf("source %q", got)
	}
}

// TestBoundedWork checks that a huge function and a long call chain end
// quickly and do not blow up.
func TestBoundedWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("from fastapi import FastAPI\napp = FastAPI()\n\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "def f%d(x):\n    return f%d(x) + f%d(x)\n\n", i, i+1, i+1)
	}
	b.WriteString("def f200(x):\n    return x\n\n@app.get(\"/\")\ndef route(q: str, cur):\n    v = q\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("    v = v + q\n")
	}
	b.WriteString("    cur.execute(f0(v))\n")
	flows := flowsIn(t, map[string]string{"main.py": b.String()})
	if len(flows) > 1 {
		t.Errorf("%d flows", len(flows))
	}
}

// TestBranches checks may-taint through match, try and if, and that
// branches a constant condition rules out are skipped.
func TestBranches(t *testing.T) {
	flows := flowsIn(t, map[string]string{"main.py": `from fastapi import FastAPI
app = FastAPI()

@app.get("/match")
def m(q: str, cur):
    guess = "ABC"[0]
    match guess:
        case "A":
            bar = q
        case "B":
            bar = "bob"
        case _:
            bar = "x"
    cur.execute(bar)

@app.get("/match-dead")
def md(q: str, cur):
    match "B":
        case "A":
            bar = q
        case _:
            bar = "x"
    cur.execute(bar)

@app.get("/try")
def tr(q: str, cur):
    try:
        bar = q
    except ValueError:
        bar = "safe"
    cur.execute(bar)

@app.get("/dead-if")
def di(q: str, cur):
    num = 86
    if 7 * 42 - num > 200:
        bar = "always"
    else:
        bar = q
    cur.execute(bar)

@app.get("/live-if")
def li(q: str, cur, flag: bool):
    bar = "x"
    if flag:
        bar = q
    if bar == "x":
        return None
    cur.execute(bar)
`})
	var lines []int
	for _, f := range flows {
		lines = append(lines, f.Module.File.Position(f.Call.Pos()).Line)
	}
	// The match, try and live-if routes; not the dead branches.
	if fmt.Sprint(lines) != "[14 31 49]" {
		t.Errorf("flows at lines %v, want [14 31 49]", lines)
	}
}
