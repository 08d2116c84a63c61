package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// want is the subset of a Dependency a test checks; zero fields are
// compared too, so each case states the whole expectation.
type want struct {
	File, Name, Spec, Version string
	Pinned, Locked, Direct    bool
	Line                      int
	Group, Unres              string
	Extras                    []string
	Marker                    string
	Constraint                bool
}

func got(d Dependency) want {
	return want{File: filepath.Base(d.File), Name: d.Name, Spec: d.Specifier, Version: d.Version,
		Pinned: d.Pinned, Locked: d.Locked, Direct: d.Direct, Line: d.Line, Group: d.Group,
		Unres: d.Unresolvable, Extras: d.Extras, Marker: d.Marker, Constraint: d.Constraint}
}

func parse(t *testing.T, path string) *Result {
	t.Helper()
	r, err := Parse(path, Options{})
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return r
}

func check(t *testing.T, r *Result, wants []want) {
	t.Helper()
	if len(r.Deps) != len(wants) {
		for _, d := range r.Deps {
			t.Logf("got %+v", got(d))
		}
		t.Fatalf("got %d deps, want %d", len(r.Deps), len(wants))
	}
	for i, w := range wants {
		if g := got(r.Deps[i]); !reflect.DeepEqual(g, w) {
			t.Errorf("dep %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func checkDiags(t *testing.T, r *Result, wants ...string) {
	t.Helper()
	if len(r.Diagnostics) != len(wants) {
		t.Fatalf("diagnostics %v, want %d matching %q", r.Diagnostics, len(wants), wants)
	}
	for i, w := range wants {
		if s := r.Diagnostics[i].String(); !strings.Contains(s, w) {
			t.Errorf("diagnostic %d = %q, want it to contain %q", i, s, w)
		}
	}
}

// lineOf returns the 1-based line of the first line of file containing s.
func lineOf(t *testing.T, file, s string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%s: %q not found", file, s)
	return 0
}

func TestRequirements(t *testing.T) {
	r := parse(t, "testdata/req/requirements.txt")
	const rq = "requirements.txt"
	check(t, r, []want{
		{File: "base.txt", Name: "python-jose", Spec: "==3.2.0", Version: "3.2.0", Pinned: true, Direct: true, Line: 1},
		{File: "more.txt", Name: "passlib", Spec: "==1.7.4", Version: "1.7.4", Pinned: true, Direct: true, Line: 1, Extras: []string{"bcrypt"}},
		{File: "constraints.txt", Name: "starlette", Spec: "==0.13.6", Version: "0.13.6", Pinned: true, Line: 1, Constraint: true},
		{File: "constraints.txt", Name: "anyio", Spec: "==2.0.2", Version: "2.0.2", Pinned: true, Line: 2, Constraint: true},
		{File: rq, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Direct: true, Line: 7},
		{File: rq, Name: "uvicorn", Spec: ">=0.11,<0.12", Direct: true, Line: 8, Extras: []string{"standard"}},
		{File: rq, Name: "jinja2", Spec: "===2.10", Version: "2.10", Pinned: true, Direct: true, Line: 9},
		{File: rq, Name: "pyyaml", Spec: "~=5.3", Direct: true, Line: 10},
		{File: rq, Name: "requests", Spec: "==2.25.*", Direct: true, Line: 11},
		{File: rq, Name: "pydantic", Spec: ">=1.7,<2.0", Direct: true, Line: 12},
		{File: rq, Name: "cryptography", Spec: "==3.3.1", Version: "3.3.1", Pinned: true, Direct: true, Line: 14},
		{File: rq, Name: "importlib-metadata", Spec: "==3.4.0", Version: "3.4.0", Pinned: true, Direct: true, Line: 17, Marker: `python_version < "3.8"`},
		{File: rq, Name: "starlette", Direct: true, Line: 18, Unres: "VCS requirement (git)"},
		{File: rq, Name: "mylib", Direct: true, Line: 19, Unres: "URL requirement"},
		{File: rq, Direct: true, Line: 20, Unres: "editable requirement (local path requirement)"},
		{File: rq, Name: "some-pkg", Direct: true, Line: 21, Unres: "local path requirement"},
		{File: rq, Name: "httpx", Direct: true, Line: 22},
	})
	checkDiags(t, r,
		"requirements.txt:23: ",
		`requirements.txt:24: unknown option "--frobnicate"`,
		`requirements.txt:25: requirements include "missing.txt"`,
		`requirements.txt:26: requirements include "../../outside.txt" is outside`,
	)
	if r.Deps[10].Raw != "cryptography==3.3.1" {
		t.Errorf("hash options not stripped: Raw = %q", r.Deps[10].Raw)
	}
	if got := r.Deps[0].File; got != filepath.Join("testdata", "req", "base.txt") {
		t.Errorf("included File = %q, want path joined to the includer's directory", got)
	}
}

func TestRealWorldFastAPIRequirements(t *testing.T) {
	r := parse(t, "testdata/fastapi-app/requirements.txt")
	const rq = "requirements.txt"
	check(t, r, []want{
		{File: rq, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Direct: true, Line: 1},
		{File: rq, Name: "uvicorn", Spec: "==0.11.3", Version: "0.11.3", Pinned: true, Direct: true, Line: 2},
		{File: rq, Name: "jinja2", Spec: "==2.10", Version: "2.10", Pinned: true, Direct: true, Line: 3},
		{File: rq, Name: "pyyaml", Spec: "==5.3", Version: "5.3", Pinned: true, Direct: true, Line: 4},
		{File: rq, Name: "sqlalchemy", Spec: "==1.3.23", Version: "1.3.23", Pinned: true, Direct: true, Line: 5},
		{File: rq, Name: "python-multipart", Spec: "==0.0.5", Version: "0.0.5", Pinned: true, Direct: true, Line: 6},
		{File: rq, Name: "aiofiles", Direct: true, Line: 7},
	})
	checkDiags(t, r)
}

func TestIncludeCycle(t *testing.T) {
	r := parse(t, "testdata/cycle/requirements.txt")
	check(t, r, []want{
		{File: "requirements.txt", Name: "fastapi", Spec: "==0.100.0", Version: "0.100.0", Pinned: true, Direct: true, Line: 1},
		{File: "requirements-b.txt", Name: "pydantic", Spec: "==1.10.0", Version: "1.10.0", Pinned: true, Direct: true, Line: 1},
	})
	checkDiags(t, r, `requirements-b.txt:2: include cycle: "requirements.txt"`)
}

func TestIncludeOutsideRoot(t *testing.T) {
	r := parse(t, "testdata/outside/proj/requirements.txt")
	check(t, r, []want{{File: "requirements.txt", Name: "fastapi", Direct: true, Line: 2}})
	checkDiags(t, r, `requirements.txt:1: requirements include "../shared.txt" is outside`)
}

func TestIncludeInsideGivenRoot(t *testing.T) {
	r, err := Parse("testdata/outside/proj/requirements.txt", Options{Root: "testdata/outside"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, r, []want{
		{File: "shared.txt", Name: "requests", Spec: "==2.0.0", Version: "2.0.0", Pinned: true, Direct: true, Line: 1},
		{File: "requirements.txt", Name: "fastapi", Direct: true, Line: 2},
	})
	checkDiags(t, r)
}

func TestIncludeDepth(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 5; i++ {
		body := "pkg" + string(rune('a'+i)) + "==1.0\n-r r" + string(rune('0'+i+1)) + ".txt\n"
		if err := os.WriteFile(filepath.Join(dir, "r"+string(rune('0'+i))+".txt"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Parse(filepath.Join(dir, "r0.txt"), Options{MaxIncludeDepth: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Deps) != 3 {
		t.Errorf("got %d deps, want 3 (depth 2 reaches r2.txt)", len(r.Deps))
	}
	checkDiags(t, r, `r2.txt:2: requirements include "r3.txt" not followed: include depth exceeds 2`)
}

func TestOversizedFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("fastapi==0.63.0\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Parse(big, Options{MaxFileSize: 100})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), big) {
		t.Fatalf("err = %v, want ErrTooLarge naming %s", err, big)
	}
	if _, err := Parse(big, Options{MaxFileSize: -1}); err != nil {
		t.Fatalf("no limit: %v", err)
	}
	// An oversized include is a diagnostic, not an error.
	top := filepath.Join(dir, "requirements-top.txt")
	if err := os.WriteFile(top, []byte("-r requirements.txt\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Parse(top, Options{MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	checkDiags(t, r, "file too large")
}

func TestUnsupported(t *testing.T) {
	if _, err := Parse("testdata/setup.py", Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
	if _, err := Parse("testdata/nope/requirements.txt", Options{}); err == nil {
		t.Error("missing file: no error")
	}
}

func TestPEP621(t *testing.T) {
	const f = "testdata/pep621/pyproject.toml"
	r := parse(t, f)
	const pp = "pyproject.toml"
	check(t, r, []want{
		{File: pp, Name: "fastapi", Spec: ">=0.100,<0.111", Direct: true, Line: lineOf(t, f, `"fastapi>=`)},
		{File: pp, Name: "pydantic", Spec: "==2.5.3", Version: "2.5.3", Pinned: true, Direct: true, Line: 14},
		{File: pp, Name: "uvicorn", Spec: "==0.24.0", Version: "0.24.0", Pinned: true, Direct: true, Line: 15, Extras: []string{"standard"}, Marker: "python_version >= '3.8'"},
		{File: pp, Name: "starlette", Direct: true, Line: 16, Unres: "VCS requirement (git)"},
		{File: pp, Name: "asyncpg", Spec: "==0.29.0", Version: "0.29.0", Pinned: true, Direct: true, Line: 21, Group: "postgres"},
		{File: pp, Name: "sqlalchemy", Spec: ">=2.0", Direct: true, Line: 21, Group: "postgres", Extras: []string{"asyncio"}},
		{File: pp, Name: "python-jose", Direct: true, Line: 22, Group: "auth", Extras: []string{"cryptography"}},
		{File: pp, Name: "pytest", Spec: ">=7", Direct: true, Line: 25, Group: "test"},
		{File: pp, Name: "httpx", Spec: "==0.25.2", Version: "0.25.2", Pinned: true, Direct: true, Line: 25, Group: "test"},
		{File: pp, Name: "ruff", Direct: true, Line: 26, Group: "dev"},
		{File: pp, Name: "mypy", Spec: "==1.7.0", Version: "1.7.0", Pinned: true, Direct: true, Line: 29, Group: "dev"},
		{File: pp, Name: "black", Spec: "==23.11.0", Version: "23.11.0", Pinned: true, Direct: true, Line: 32, Group: "lint"},
	})
	checkDiags(t, r, "pyproject.toml:17: ")
}

func TestPoetryPyproject(t *testing.T) {
	const f = "testdata/poetry/pyproject.toml"
	r := parse(t, f)
	const pp = "pyproject.toml"
	check(t, r, []want{
		{File: pp, Name: "fastapi", Spec: ">=0.63.0,<0.64.0", Direct: true, Line: 8},
		{File: pp, Name: "uvicorn", Spec: ">=0.11,<0.12", Direct: true, Line: 9, Extras: []string{"standard"}},
		{File: pp, Name: "jinja2", Spec: "==2.10", Version: "2.10", Pinned: true, Direct: true, Line: 10},
		{File: pp, Name: "pyyaml", Direct: true, Line: 11},
		{File: pp, Name: "requests", Spec: ">=2.20,<3.0", Direct: true, Line: 12},
		{File: pp, Name: "numpy", Spec: "<=1.21", Direct: true, Line: 13, Marker: `python_version < "3.8"`},
		{File: pp, Name: "numpy", Spec: ">=1.22,<2.0", Direct: true, Line: 13, Marker: `python_version >= "3.8"`},
		{File: pp, Name: "mylib", Direct: true, Line: 17, Unres: "VCS requirement (git)"},
		{File: pp, Name: "localpkg", Direct: true, Line: 18, Unres: "local path requirement"},
		{File: pp, Name: "asyncpg", Spec: ">=0.22,<0.23", Direct: true, Line: 19, Group: "pg", Marker: "sys_platform == 'linux'"},
		{File: pp, Name: "sqlalchemy", Spec: ">=1.3.23,<1.4.0", Direct: true, Line: 20},
		{File: pp, Name: "pendulum", Spec: ">=0.0.3,<0.0.4", Direct: true, Line: 21},
		{File: pp, Name: "weird", Spec: ">=1.2,<2.0||>=2.0,<3.0", Direct: true, Line: 22},
		{File: pp, Name: "python-jose", Spec: "==3.2.0", Version: "3.2.0", Pinned: true, Direct: true, Line: lineOf(t, f, "[tool.poetry.dependencies.python-jose]"), Extras: []string{"cryptography"}},
		{File: pp, Name: "pytest", Spec: ">=6.2,<7.0", Direct: true, Line: 32, Group: "dev"},
		{File: pp, Name: "black", Spec: "==21.5b0", Version: "21.5b0", Pinned: true, Direct: true, Line: 35, Group: "lint"},
	})
	checkDiags(t, r)
}

func TestPoetryConstraint(t *testing.T) {
	for in, out := range map[string]string{
		"^1.2.3": ">=1.2.3,<2.0.0", "^0.2.3": ">=0.2.3,<0.3.0", "^0.0.3": ">=0.0.3,<0.0.4",
		"^1.2": ">=1.2,<2.0", "^0": ">=0,<1", "^1": ">=1,<2",
		"~1.2": ">=1.2,<1.3", "~1.2.3": ">=1.2.3,<1.3.0", "~1": ">=1,<2", "~=1.2": "~=1.2",
		"1.2.3": "==1.2.3", "1.2.*": "==1.2.*", "*": "", "": "", ">= 1.2, < 2": ">=1.2,<2",
		">=1.2 <2": ">=1.2,<2", "^2.0.0b1": ">=2.0.0b1,<3.0.0", "=1.0": "==1.0",
	} {
		got, err := poetryConstraint(in)
		if err != nil || got != out {
			t.Errorf("poetryConstraint(%q) = %q, %v; want %q", in, got, err, out)
		}
	}
	for _, bad := range []string{"^", "~x", "latest", ">="} {
		if got, err := poetryConstraint(bad); err == nil {
			t.Errorf("poetryConstraint(%q) = %q, want error", bad, got)
		}
	}
}

func TestPipfile(t *testing.T) {
	r := parse(t, "testdata/pipenv/Pipfile")
	const pf = "Pipfile"
	check(t, r, []want{
		{File: pf, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Direct: true, Line: 7},
		{File: pf, Name: "uvicorn", Direct: true, Line: 8},
		{File: pf, Name: "requests", Spec: ">=2.20", Direct: true, Line: 9, Extras: []string{"socks"}},
		{File: pf, Name: "mylib", Direct: true, Line: 10, Unres: "editable requirement (local path requirement)"},
		{File: pf, Name: "pywin32", Spec: "==300", Version: "300", Pinned: true, Direct: true, Line: 11, Marker: "sys_platform == 'win32'"},
		{File: pf, Name: "pytest", Spec: "~=6.2", Direct: true, Line: 14, Group: "dev"},
	})
	checkDiags(t, r)
}

func TestPipfileLock(t *testing.T) {
	const f = "testdata/pipenv/Pipfile.lock"
	r := parse(t, f)
	const pl = "Pipfile.lock"
	check(t, r, []want{
		{File: pl, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Locked: true, Line: lineOf(t, f, `"fastapi": {`)},
		{File: pl, Name: "pydantic", Spec: "==1.8.2", Version: "1.8.2", Pinned: true, Locked: true, Line: lineOf(t, f, `"pydantic": {`), Marker: "python_full_version >= '3.6.1'"},
		{File: pl, Name: "mylib", Locked: true, Line: lineOf(t, f, `"mylib": {`), Unres: "editable requirement (local path requirement)"},
		{File: pl, Name: "uvicorn", Spec: "==0.11.3", Version: "0.11.3", Pinned: true, Locked: true, Line: lineOf(t, f, `"uvicorn": {`), Extras: []string{"standard"}},
		{File: pl, Name: "pytest", Spec: "==6.2.5", Version: "6.2.5", Pinned: true, Locked: true, Line: lineOf(t, f, `"pytest": {`), Group: "dev"},
	})
	checkDiags(t, r)
}

func TestPoetryLock(t *testing.T) {
	const f = "testdata/poetry/poetry.lock"
	r := parse(t, f)
	const pl = "poetry.lock"
	check(t, r, []want{
		{File: pl, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Locked: true, Line: lineOf(t, f, `name = "fastapi"`)},
		{File: pl, Name: "mylib", Spec: "==0.2.0", Version: "0.2.0", Pinned: true, Locked: true, Line: lineOf(t, f, `name = "mylib"`), Unres: "VCS requirement (git)"},
		{File: pl, Name: "pyyaml", Spec: "==5.3", Version: "5.3", Pinned: true, Locked: true, Line: lineOf(t, f, `name = "PyYAML"`)},
		{File: pl, Name: "pytest", Spec: "==6.2.5", Version: "6.2.5", Pinned: true, Locked: true, Line: lineOf(t, f, `name = "pytest"`), Group: "dev"},
	})
}

func TestUVLock(t *testing.T) {
	const f = "testdata/uv/uv.lock"
	r := parse(t, f)
	const ul = "uv.lock"
	check(t, r, []want{
		{File: ul, Name: "anyio", Spec: "==4.2.0", Version: "4.2.0", Pinned: true, Locked: true, Line: 5},
		{File: ul, Name: "fastapi", Spec: "==0.109.0", Version: "0.109.0", Pinned: true, Locked: true, Direct: true, Line: 18},
		{File: ul, Name: "my-api", Spec: "==0.1.0", Version: "0.1.0", Pinned: true, Locked: true, Line: 27, Unres: "editable requirement (local project)"},
		{File: ul, Name: "mylib", Spec: "==0.2.0", Version: "0.2.0", Pinned: true, Locked: true, Direct: true, Line: 51, Unres: "VCS requirement (git)"},
		{File: ul, Name: "pytest", Spec: "==7.4.4", Version: "7.4.4", Pinned: true, Locked: true, Direct: true, Line: 56, Group: "dev"},
		{File: ul, Name: "asyncpg", Spec: "==0.29.0", Version: "0.29.0", Pinned: true, Locked: true, Direct: true, Line: 61, Group: "postgres"},
	})
}

func TestPDMLock(t *testing.T) {
	r := parse(t, "testdata/pdm/pdm.lock")
	const pl = "pdm.lock"
	check(t, r, []want{
		{File: pl, Name: "fastapi", Spec: "==0.109.0", Version: "0.109.0", Pinned: true, Locked: true, Line: 11},
		{File: pl, Name: "pytest", Spec: "==7.4.4", Version: "7.4.4", Pinned: true, Locked: true, Line: 25, Group: "dev"},
		{File: pl, Name: "mylib", Spec: "==0.2.0", Version: "0.2.0", Pinned: true, Locked: true, Line: 32, Unres: "VCS requirement (git)"},
	})
}

func TestPylock(t *testing.T) {
	r := parse(t, "testdata/pylock/pylock.toml")
	const pl = "pylock.toml"
	check(t, r, []want{
		{File: pl, Name: "fastapi", Spec: "==0.115.0", Version: "0.115.0", Pinned: true, Locked: true, Line: 7},
		{File: pl, Name: "colorama", Spec: "==0.4.6", Version: "0.4.6", Pinned: true, Locked: true, Line: 14, Marker: "sys_platform == 'win32'"},
		{File: pl, Name: "mylib", Locked: true, Line: 20, Unres: "VCS requirement (git)"},
		{File: pl, Name: "my-api", Locked: true, Line: 28, Unres: "editable requirement (local path requirement)"},
	})
	if Format("pylock.prod.toml") != "pylock" {
		t.Error("pylock.<name>.toml not recognised")
	}
}

func TestSetupCfg(t *testing.T) {
	r := parse(t, "testdata/setupcfg/setup.cfg")
	const sc = "setup.cfg"
	check(t, r, []want{
		{File: sc, Name: "fastapi", Spec: "==0.63.0", Version: "0.63.0", Pinned: true, Direct: true, Line: 9},
		{File: sc, Name: "requests", Spec: ">=2.20", Direct: true, Line: 11},
		{File: sc, Name: "pydantic", Direct: true, Line: 12, Marker: `python_version >= "3.8"`},
		{File: sc, Name: "pytest", Spec: "==6.2.5", Version: "6.2.5", Pinned: true, Direct: true, Line: 16, Group: "test"},
	})
	checkDiags(t, r)
}

func TestInvalidTOML(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pyproject.toml")
	if err := os.WriteFile(p, []byte("[project\ndependencies = ["), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(p, Options{}); err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("err = %v, want a parse error naming the file", err)
	}
}

func TestParseRequirement(t *testing.T) {
	cases := []struct {
		in                  string
		name, spec, version string
		pinned              bool
		unres, marker       string
	}{
		{in: "A.B_c-d[x, y] >= 1.0 ; os_name == 'nt'", name: "a-b-c-d", spec: ">=1.0", marker: "os_name == 'nt'"},
		{in: "foo==1.0+local", name: "foo", spec: "==1.0+local", version: "1.0+local", pinned: true},
		{in: "foo (==1.0)", name: "foo", spec: "==1.0", version: "1.0", pinned: true},
		{in: "foo==1.0,!=1.1", name: "foo", spec: "==1.0,!=1.1"},
		{in: "foo===weird-ver", name: "foo", spec: "===weird-ver", version: "weird-ver", pinned: true},
		{in: "foo[bar] @ file:///tmp/foo ; python_version > '3'", name: "foo", unres: "local path requirement", marker: "python_version > '3'"},
		{in: "hg+https://hg.example.com/foo#egg=foo", name: "foo", unres: "VCS requirement (hg)"},
		{in: "https://example.com/pkgs/Foo_Bar-2.0.tar.gz", name: "foo-bar", unres: "URL requirement"},
		{in: `C:\pkgs\foo`, unres: "local path requirement"},
	}
	for _, c := range cases {
		d, err := parseRequirement(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if d.Name != c.name || d.Specifier != c.spec || d.Version != c.version || d.Pinned != c.pinned || d.Unresolvable != c.unres || d.Marker != c.marker {
			t.Errorf("%q: got name=%q spec=%q version=%q pinned=%v unres=%q marker=%q", c.in, d.Name, d.Specifier, d.Version, d.Pinned, d.Unresolvable, d.Marker)
		}
	}
	for _, bad := range []string{"", "-foo", "foo bar", "foo >=", "[x]", "foo[x"} {
		if d, err := parseRequirement(bad); err == nil {
			t.Errorf("%q: no error (%+v)", bad, d)
		}
	}
}

func TestPoetryEnvMarker(t *testing.T) {
	for _, c := range []struct {
		entry map[string]any
		want  string
	}{
		{map[string]any{"version": "^1.0"}, ""},
		{map[string]any{"python": "^3.8"}, `python_version >= "3.8" and python_version < "4.0"`},
		{map[string]any{"python": "~2.7 || ^3.6"}, `(python_version >= "2.7" and python_version < "2.8" or python_version >= "3.6" and python_version < "4.0")`},
		{map[string]any{"python": "3.9"}, `python_version == "3.9"`},
		{map[string]any{"python": "*", "platform": "linux"}, `sys_platform == "linux"`},
		{map[string]any{"python": "not a constraint ^^"}, ""},
	} {
		if got := poetryEnvMarker(c.entry); got != c.want {
			t.Errorf("poetryEnvMarker(%v) = %s, want %s", c.entry, got, c.want)
		}
	}
	d, err := poetryDependency("pkg", map[string]any{"version": "1.0", "markers": "os_name == 'nt'", "python": "<3.8"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `(os_name == 'nt') and python_version < "3.8"`; d.Marker != want {
		t.Errorf("marker = %s, want %s", d.Marker, want)
	}
}
