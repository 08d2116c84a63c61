package main

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/cli"
)

// generate writes a corpus into a new temporary directory.
func generate(t *testing.T, o Options) (string, *Manifest) {
	t.Helper()
	o.Out = t.TempDir()
	m, err := Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	return o.Out, m
}

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestDeterministic(t *testing.T) {
	a, _ := generate(t, Options{Lines: 3000, Seed: 42})
	b, _ := generate(t, Options{Lines: 3000, Seed: 42})
	c, _ := generate(t, Options{Lines: 3000, Seed: 43})
	ta, tb, tc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(ta) != len(tb) {
		t.Fatalf("same seed, %d files then %d", len(ta), len(tb))
	}
	for name, data := range ta {
		if !bytes.Equal(data, tb[name]) {
			t.Errorf("same seed, %s differs", name)
		}
	}
	same := len(ta) == len(tc)
	for name, data := range ta {
		same = same && bytes.Equal(data, tc[name])
	}
	if same {
		t.Error("seeds 42 and 43 wrote the same corpus")
	}
}

func TestSize(t *testing.T) {
	for _, lines := range []int{3000, 30_000} {
		_, m := generate(t, Options{Lines: lines, Seed: 1})
		if m.Lines < lines*9/10 || m.Lines > lines*13/10 {
			t.Errorf("-lines %d wrote %d lines", lines, m.Lines)
		}
	}
	// Several services past -service-lines, with distinct packages.
	dir, m := generate(t, Options{Lines: 12_000, ServiceLines: 5000, Seed: 1})
	if m.Services < 2 {
		t.Fatalf("%d services for 12k lines at 5k per service", m.Services)
	}
	if _, err := os.Stat(filepath.Join(dir, "services", "billing", "billing", "main.py")); err != nil {
		t.Error(err)
	}
}

// sinks is what each rule's planted line holds (any of them).
var sinks = map[string][]string{
	"FA101": {".execute("},
	"FA102": {"subprocess.", "os.system("},
	"FA103": {"eval("},
	"FA105": {"yaml.", "pickle.loads(", "json.loads("},
	"FA109": {"open(", "FileResponse("},
	"FA111": {"RedirectResponse("},
	"FA112": {"requests.", "client.get("},
	"FA301": {"@router."},
}

// corpus is a small corpus with many planted routes, so that every rule
// has vulnerable and safe ones.
func corpus(t *testing.T) (string, *Manifest) {
	return generate(t, Options{Lines: 4000, Seed: 7, VulnRate: 0.35, SafeRate: 0.35})
}

func TestManifestPointsAtPlantedCode(t *testing.T) {
	dir, m := corpus(t)
	tree := readTree(t, dir)
	for _, id := range plantRules {
		if c := m.Counts[id]; c.Vulnerable == 0 || c.Safe == 0 {
			t.Errorf("%s: %d vulnerable, %d safe planted; want some of each", id, c.Vulnerable, c.Safe)
		}
	}
	for _, p := range m.Planted {
		data, ok := tree[p.File]
		if !ok {
			t.Errorf("%+v: no such file", p)
			continue
		}
		lines := strings.Split(string(data), "\n")
		if p.Line < 1 || p.Line > len(lines) {
			t.Errorf("%+v: the file has %d lines", p, len(lines))
			continue
		}
		text := lines[p.Line-1]
		found := false
		for _, s := range sinks[p.Rule] {
			found = found || strings.Contains(text, s)
		}
		if !found {
			t.Errorf("%s:%d (%s %s %s) is %q, not a sink of the rule", p.File, p.Line, p.Kind, p.Rule, p.Variant, text)
		}
	}
}

// TestScanFindsPlanted scans a corpus with fastapi-audit and checks its
// recall (at least 95%) and that nothing is reported on the safe
// look-alikes.
func TestScanFindsPlanted(t *testing.T) {
	dir, m := corpus(t)
	var out, errOut bytes.Buffer
	code := cli.Main([]string{"scan", "--format", "json", dir}, &out, &errOut)
	if code != cli.ExitOK && code != cli.ExitFindings {
		t.Fatalf("scan exited %d: %s", code, errOut.String())
	}
	findings, err := ReadFindings(&out)
	if err != nil {
		t.Fatal(err)
	}
	s := Compare(m, findings, false)
	var report strings.Builder
	s.Write(&report, "found", 50)
	if s.Recall() < 0.95 {
		t.Errorf("recall %.1f%%, want at least 95%%:\n%s", 100*s.Recall(), report.String())
	}
	if len(s.FalseAlarms) > 0 {
		t.Errorf("%d safe look-alikes reported by their rule:\n%s", len(s.FalseAlarms), report.String())
	}
	for _, p := range s.OtherOnSafe {
		t.Errorf("safe look-alike %s:%d (%s %s) has a finding of another rule", p.File, p.Line, p.Rule, p.Variant)
	}
}

// TestPython checks that every generated file is valid Python, when
// python3 is installed. ast.parse compiles nothing to disk.
func TestPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 not found; scripts/test installs it")
		}
		t.Skip("python3 not found (CI=true makes this a failure)")
	}
	dir, _ := corpus(t)
	var files []string
	for name := range readTree(t, dir) {
		if strings.HasSuffix(name, ".py") {
			files = append(files, filepath.Join(dir, filepath.FromSlash(name)))
		}
	}
	const check = `import ast, sys
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            ast.parse(f.read(), path)
    except SyntaxError as e:
        bad += 1
        print(f"{path}:{e.lineno}: {e.msg}")
sys.exit(1 if bad else 0)
`
	cmd := exec.Command(py, append([]string{"-B", "-c", check}, files...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("python3 rejects generated files: %v\n%s", err, out)
	}
}
