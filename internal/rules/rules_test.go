package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

var expectRE = regexp.MustCompile(`#\s*expect:\s*(FA\d{3}(?:\s*,\s*FA\d{3})*)`)

// scanDir runs rules over a directory as scan does.
func scanDir(t *testing.T, dir string, rs []*Rule, opts Options) []*finding.Finding {
	t.Helper()
	files, _, err := source.Discover([]string{dir}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []semantic.Input
	for _, p := range source.ParseAll(files, 0, 0) {
		if len(p.Syntax.Errors) > 0 {
			t.Fatalf("%s: %v", p.Rel, p.Syntax.Errors)
		}
		inputs = append(inputs, semantic.Input{Path: p.Path, Rel: p.Rel, File: p.Syntax})
	}
	model := fastapi.Build(semantic.New(inputs), fastapi.Options{})
	return Run(rs, model, files, opts)
}

// expectations reads the `# expect: FA601` markers of every file under dir:
// "file:line" -> rule ids.
func expectations(t *testing.T, dir string) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for i, line := range strings.Split(string(b), "\n") {
			if m := expectRE.FindStringSubmatch(line); m != nil {
				for _, id := range strings.Split(m[1], ",") {
					key := fmt.Sprintf("%s:%d", filepath.ToSlash(rel), i+1)
					want[key] = append(want[key], strings.TrimSpace(id))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// TestFixtures runs each rule on its fixtures: testdata/<ids>[_variant]/
// (ids joined by "-") holds Python and other files whose reported lines
// carry `# expect: ID`; each directory is scanned as one program. A missing
// finding and a finding on a line without a marker both fail.
func TestFixtures(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "fa*"))
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	positives := map[string]int{}
	for _, dir := range dirs {
		var rs []*Rule
		ids, _, _ := strings.Cut(filepath.Base(dir), "_") // fa601-fa602_variant
		for _, id := range strings.Split(ids, "-") {
			r := Get(id)
			if r == nil {
				t.Fatalf("%s: no rule %s", dir, id)
			}
			rs = append(rs, r)
			covered[r.ID] = true
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := expectations(t, dir)
			for _, ids := range want {
				for _, id := range ids {
					positives[id]++
				}
			}
			got := map[string][]string{}
			for _, f := range scanDir(t, dir, rs, Options{Advisories: testAdvisories(t)}) {
				key := fmt.Sprintf("%s:%d", f.Location.File, f.Location.Line)
				got[key] = append(got[key], f.RuleID)
				if f.Message == "" || f.Fingerprint == "" {
					t.Errorf("%s: %s without message or fingerprint", key, f.RuleID)
				}
			}
			keys := map[string]bool{}
			for k := range want {
				keys[k] = true
			}
			for k := range got {
				keys[k] = true
			}
			var sorted []string
			for k := range keys {
				sorted = append(sorted, k)
			}
			sort.Strings(sorted)
			for _, k := range sorted {
				w, g := want[k], got[k]
				sort.Strings(w)
				sort.Strings(g)
				if strings.Join(w, ",") != strings.Join(g, ",") {
					t.Errorf("%s: want [%s], got [%s]", k, strings.Join(w, ","), strings.Join(g, ","))
				}
			}
		})
	}
	for _, r := range All() {
		if !covered[r.ID] {
			t.Errorf("rule %s has no fixture directory under testdata", r.ID)
		} else if positives[r.ID] == 0 {
			t.Errorf("rule %s has no positive case (# expect: %s) in its fixtures", r.ID, r.ID)
		}
	}
}

// TestMetadata checks every rule's declaration is complete.
func TestMetadata(t *testing.T) {
	for _, r := range All() {
		if r.Name == "" || r.Title == "" || r.Category == "" || len(r.CWE) == 0 || len(r.OWASP) == 0 ||
			r.Remediation == "" || r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Example == "" || r.Doc.Fix == "" || r.Check == nil {
			t.Errorf("%s: incomplete metadata", r.ID)
		}
	}
}

var (
	advisoriesOnce sync.Once
	advisories     *osv.DB
	advisoriesErr  error
)

// testAdvisories loads the real PyPI advisories kept for the osv tests.
func testAdvisories(t *testing.T) *osv.DB {
	t.Helper()
	advisoriesOnce.Do(func() {
		advisories, advisoriesErr = osv.Open(filepath.Join("..", "deps", "osv", "testdata", "PyPI-pysec.zip"), osv.Limits{})
	})
	if advisoriesErr != nil {
		t.Fatalf("advisories: %v", advisoriesErr)
	}
	return advisories
}

// TestTaintBudgetDiagnostic checks that a taint analysis that runs out of
// its budget says so, and that with the default budget it does not.
func TestTaintBudgetDiagnostic(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("import sqlite3\nfrom fastapi import FastAPI\n\napp = FastAPI()\ndb = sqlite3.connect(\"app.db\")\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "\n\n@app.get(\"/items%d\")\ndef items%d(name: str):\n    return db.execute(f\"SELECT * FROM items WHERE name = '{name}'\").fetchall()\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(budget int) (flows int, diags []*finding.Diagnostic) {
		var mu sync.Mutex
		for _, f := range scanDir(t, dir, []*Rule{Get("FA101"), Get("FA102")}, Options{TaintBudget: budget, Diagnose: func(d *finding.Diagnostic) {
			mu.Lock()
			diags = append(diags, d)
			mu.Unlock()
		}}) {
			if f.RuleID == "FA101" {
				flows++
			}
		}
		return flows, diags
	}
	if flows, diags := run(0); flows != 30 || len(diags) != 0 {
		t.Fatalf("default budget: %d FA101 findings and diagnostics %v; want 30 and none", flows, diags)
	}
	flows, diags := run(40)
	if flows >= 30 || len(diags) != 1 {
		t.Fatalf("budget of 40: %d FA101 findings and %d diagnostics; want fewer than 30 and one", flows, len(diags))
	}
	if d := diags[0]; d.Kind != "limit" || !strings.Contains(d.Message, "of 30 route handlers") {
		t.Errorf("diagnostic %+v", d)
	}
}

// TestPanickingRule checks that with Diagnose set a rule that panics is
// reported and the others still run, and that without it the panic goes on
// (the fuzz targets rely on that).
func TestPanickingRule(t *testing.T) {
	dir := t.TempDir()
	src := "from fastapi import FastAPI\n\napp = FastAPI(debug=True)  # expect: FA404\n"
	if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := &Rule{ID: "FA999", Name: "boom", Check: func(p *Pass) {
		ids := []string{}
		_ = ids[len(p.Files)] // out of range, as a rule bug would be
	}}
	var diags []*finding.Diagnostic
	var mu sync.Mutex
	found := scanDir(t, dir, []*Rule{Get("FA404"), boom}, Options{Diagnose: func(d *finding.Diagnostic) {
		mu.Lock()
		diags = append(diags, d)
		mu.Unlock()
	}})
	if len(found) != 1 || found[0].RuleID != "FA404" {
		t.Errorf("findings %v, want FA404's", found)
	}
	if len(diags) != 1 || diags[0].Kind != "internal" ||
		!strings.Contains(diags[0].Message, "rule FA999 stopped on an internal error") ||
		!strings.Contains(diags[0].Message, "index out of range") ||
		!strings.Contains(diags[0].Message, "rules_test.go") {
		t.Fatalf("diagnostics %+v", diags)
	}
	t.Log(diags[0].Message)
	defer func() {
		if recover() == nil {
			t.Error("without Diagnose the panic was swallowed")
		}
	}()
	scanDir(t, dir, []*Rule{boom}, Options{})
}

func TestMustKnow(t *testing.T) {
	MustKnow("posture check x", []string{"FA101", "FA404"})
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "probe check typo reports unknown rule FA000") {
			t.Errorf("recovered %v", v)
		}
	}()
	MustKnow("probe check typo", []string{"FA101", "FA000"})
}

// TestTaintCutDiagnostic checks that a handler the taint analysis cuts
// short is named, with the line where it stopped, in a limit diagnostic,
// and that a handler that is merely large (a 40,000-element literal before
// the sink) is analysed whole: FA102 and no diagnostic.
func TestTaintCutDiagnostic(t *testing.T) {
	const header = "import subprocess\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/run\")\ndef run(q: str):\n"
	nums := make([]string, 40_000)
	for i := range nums {
		nums[i] = fmt.Sprint(i)
	}
	var loops strings.Builder
	indent := "    "
	for i := range 20 {
		fmt.Fprintf(&loops, "%sfor i%d in range(2):\n", indent, i)
		indent += " "
	}
	loops.WriteString(indent + "y = [q, q, q, q]\n")
	run := func(body string) (fa102 []*finding.Finding, diags []*finding.Diagnostic) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.py"), []byte(header+body), 0o644); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		for _, f := range scanDir(t, dir, []*Rule{Get("FA102")}, Options{Diagnose: func(d *finding.Diagnostic) {
			mu.Lock()
			diags = append(diags, d)
			mu.Unlock()
		}}) {
			if f.RuleID == "FA102" {
				fa102 = append(fa102, f)
			}
		}
		return fa102, diags
	}
	sink := "    subprocess.call(q, shell=True)\n"
	found, diags := run("    table = [" + strings.Join(nums, ", ") + "]\n" + sink)
	if len(found) != 1 || found[0].Location.Line != 10 || len(diags) != 0 {
		t.Errorf("40,000-element literal: FA102 %v, diagnostics %v; want FA102 on line 10 and no diagnostic", found, diags)
	}
	found, diags = run(loops.String() + sink)
	if len(diags) != 1 {
		t.Fatalf("loops nested 20 deep: diagnostics %v, want one", diags)
	}
	d := diags[0]
	if d.Kind != "limit" || d.Location.File != "main.py" || d.Location.Line != 29 ||
		!strings.HasPrefix(d.Message, "the taint analysis of run() stopped at line 29 after ") {
		t.Errorf("diagnostic %+v", d)
	}
	if len(found) != 0 {
		t.Errorf("FA102 %v past the cut", found)
	}
}
