package fastapi

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestElifChainConditions builds the model of routes declared in every
// branch of a 1,400-branch elif chain on the environment: each route is
// gated, knows its conditions, and the routes share the list cells of the
// conditions around them, so that the model's memory grows with the number
// of if statements, not with their square.
func TestElifChainConditions(t *testing.T) {
	const branches = 1400
	var b strings.Builder
	b.WriteString("import os\nfrom fastapi import FastAPI\napp = FastAPI()\nenv = os.environ.get('ENV')\n")
	for i := range branches {
		if i == 0 {
			b.WriteString("if env == 'production':\n")
		} else {
			fmt.Fprintf(&b, "elif env == 'stage%d':\n", i)
		}
		fmt.Fprintf(&b, "    @app.get('/r%d')\n    def h%d(): pass\n", i, i)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	allocs := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(allocs)
	before := allocs[0].Value.Uint64()
	m := loadModel(t, dir)
	metrics.Read(allocs)
	allocated := allocs[0].Value.Uint64() - before

	if len(m.Routers) != 1 || len(m.Routers[0].Routes) != branches {
		t.Fatalf("routers %d, routes %d", len(m.Routers), len(m.Routers[0].Routes))
	}
	routes := m.Routers[0].Routes
	for i, r := range routes {
		if n := r.Conds.Len(); n != i+1 {
			t.Fatalf("route %d under %d conditions, want %d", i, n, i+1)
		}
		if i > 0 && r.Conds.Outer != routes[i-1].Conds {
			t.Fatalf("route %d does not share the conditions of route %d", i, i-1)
		}
		if !EnvironmentGatedConds(r.Module, r.Conds) {
			t.Fatalf("route %d is not gated on the environment", i)
		}
	}
	var tests []string
	for c := range routes[2].Conds.All() {
		tests = append(tests, routes[2].Module.File.Text(c))
	}
	if want := "env == 'stage2',env == 'stage1',env == 'production'"; strings.Join(tests, ",") != want {
		t.Errorf("conditions of /r2: %v, want %s", tests, want)
	}
	// Every route shares the conditions of the one before (checked above):
	// nothing is copied. Parsing and the model of this 60 KB file
	// allocated 3.4 MB; copying the conditions at every level made it
	// 19.7 MB (logged, not asserted: the race detector allocates more).
	t.Logf("allocated %.1f MB", float64(allocated)/(1<<20))
}

// TestLongAliasChains checks that a router reached through more aliases or
// re-exports than are followed is named in a diagnostic where it is used,
// and that chains within the limit resolve.
func TestLongAliasChains(t *testing.T) {
	write := func(files map[string]string) string {
		dir := t.TempDir()
		testfs.WriteTree(t, dir, files)
		return dir
	}
	aliases := func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("from fastapi import FastAPI\n")
		fmt.Fprintf(&b, "a%d = FastAPI()\n", n)
		for i := n - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "a%d = a%d\n", i, i+1)
		}
		b.WriteString("\n@a0.get('/x')\ndef h(): pass\n")
		return map[string]string{"main.py": b.String()}
	}
	reexports := func(n int) map[string]string {
		files := map[string]string{"pkg/__init__.py": "", "pkg/m0.py": "from fastapi import FastAPI\napp = FastAPI()\n"}
		for i := 1; i < n; i++ {
			files[fmt.Sprintf("pkg/m%d.py", i)] = fmt.Sprintf("from pkg.m%d import app\n", i-1)
		}
		files["main.py"] = fmt.Sprintf("from pkg.m%d import app\n\n@app.get('/x')\ndef h(): pass\n", n-1)
		return files
	}
	for _, c := range []struct {
		name  string
		files map[string]string
		found bool
		line  int
	}{
		{"5 aliases", aliases(5), true, 0},
		{"100,000 aliases", aliases(100_000), false, 100_004},
		{"5 re-exports", reexports(5), true, 0},
		{"2,000 re-exports", reexports(2000), false, 3},
	} {
		m := loadModel(t, write(c.files))
		if found := len(m.Routers) == 1 && len(m.Routers[0].Routes) == 1; found != c.found {
			t.Errorf("%s: route found %v, want %v", c.name, found, c.found)
		}
		var diags []string
		for _, d := range m.Diagnostics {
			if strings.Contains(d.Msg, "longer than followed") {
				diags = append(diags, fmt.Sprintf("%s:%d", d.Module.Rel, d.Module.File.Line(d.Node.Pos())))
			}
		}
		if c.found && len(diags) != 0 || !c.found && (len(diags) != 1 || diags[0] != fmt.Sprintf("main.py:%d", c.line)) {
			t.Errorf("%s: chain diagnostics at %v", c.name, diags)
		}
	}
}

// TestDeepDependencyChain checks that a dependency deeper than the chains
// followed is named in a diagnostic.
func TestDeepDependencyChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("from fastapi import FastAPI, Depends\napp = FastAPI()\n")
	const n = 100
	fmt.Fprintf(&b, "def dep%d(q: str):\n    return q\n", n)
	for i := n - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "def dep%d(x = Depends(dep%d)):\n    return x\n", i, i+1)
	}
	b.WriteString("@app.get('/x')\ndef h(v = Depends(dep0)):\n    return v\n")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m := loadModel(t, dir)
	var diags []string
	for _, d := range m.Diagnostics {
		if strings.Contains(d.Msg, "dependencies deep") {
			diags = append(diags, d.Msg)
		}
	}
	// The handler's Depends(dep0) is the first level.
	want := fmt.Sprintf("Depends(dep%d) is more than %d dependencies deep", maxDepDepth, maxDepDepth)
	if len(diags) != 1 || !strings.HasPrefix(diags[0], want) {
		t.Errorf("diagnostics %q, want one starting %q", diags, want)
	}
}

// TestParameterFactoryChain follows Depends(param) and dependencies=param
// through a chain of 12 router factories, each called from 8 places (and
// recursively): every parameter is resolved once, so the model is built in
// linear time instead of 8^12 steps.
func TestParameterFactoryChain(t *testing.T) {
	var b strings.Builder
	b.WriteString("from fastapi import APIRouter, Depends, FastAPI, HTTPException, Header\napp = FastAPI()\n")
	b.WriteString("def guard(authorization: str = Header('')):\n    if not authorization:\n        raise HTTPException(401)\n")
	const n, callers = 12, 8
	b.WriteString("def make0(auth, deps):\n    r = APIRouter(dependencies=deps)\n")
	b.WriteString("    @r.get('/x', dependencies=[Depends(auth)])\n    def x():\n        return {}\n    make0(auth, deps)\n    return r\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "def make%d(auth, deps):\n", i)
		for j := 0; j < callers; j++ {
			fmt.Fprintf(&b, "    make%d(auth, deps)\n", i-1)
		}
		fmt.Fprintf(&b, "    return make%d(auth, deps)\n", i-1)
	}
	fmt.Fprintf(&b, "app.include_router(make%d(guard, [Depends(guard)]))\n", n)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m := loadModel(t, dir)
	if len(m.Endpoints) != 1 || m.AuthNames(m.Endpoints[0]) == nil {
		t.Fatalf("want the one endpoint authenticated by guard, got %d endpoints", len(m.Endpoints))
	}
}
