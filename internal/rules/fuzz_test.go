package rules

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// fuzzModuleSep splits a fuzzed input into the modules of one package.
var fuzzModuleSep = []byte("\n#---\n")

// FuzzAnalyze runs the whole static analysis, from the parser to every
// rule, over arbitrary source split into up to three modules of a package
// (app/main.py, app/deps.py, app/models.py): whatever the parser accepts,
// with or without syntax errors, the model, the taint engine and the rules
// must not panic, and each finding must point into one of the modules.
// Seeds: testdata/fuzz/FuzzAnalyze and every rule fixture.
func FuzzAnalyze(f *testing.F) {
	fixtures, _ := filepath.Glob(filepath.Join("testdata", "*", "*.py"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*", "*", "*.py"))
	for _, p := range append(fixtures, more...) {
		if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	dir := f.TempDir()
	names := []string{"main.py", "deps.py", "models.py"}
	rules := All()
	f.Fuzz(func(t *testing.T, src []byte) {
		parts := bytes.SplitN(src, fuzzModuleSep, len(names))
		var inputs []semantic.Input
		lines := map[string]int{}
		for i, part := range parts {
			rel := "app/" + names[i]
			file, _ := syntax.ParseFile(rel, part, nil)
			lines[rel] = file.LineCount()
			inputs = append(inputs, semantic.Input{Path: filepath.Join(dir, "app", names[i]), Rel: rel, File: file})
		}
		model := fastapi.Build(semantic.New(inputs), fastapi.Options{AuthDependencies: []string{"app.deps.require_user"}})
		for _, fd := range Run(rules, model, nil, Options{PublicRoutes: []string{"/health"}}) {
			n, ok := lines[fd.Location.File]
			if !ok || fd.Location.Line < 1 || fd.Location.Line > n || fd.Fingerprint == "" || fd.Message == "" {
				t.Fatalf("finding %s at %s:%d (%d lines): %q, fingerprint %q", fd.RuleID, fd.Location.File, fd.Location.Line, n, fd.Message, fd.Fingerprint)
			}
		}
		for _, d := range model.Diagnostics {
			if d.Module == nil || d.Msg == "" {
				t.Fatalf("model diagnostic %+v", d)
			}
			_ = fmt.Sprint(Location(d.Module, d.Node))
		}
	})
}
