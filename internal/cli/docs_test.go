package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules from the rule metadata")

// TestDocsUpToDate fails when docs/rules/*.md differ from the rule
// metadata; go test ./internal/cli -update-docs rewrites them.
func TestDocsUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "docs", "rules")
	want := map[string]string{}
	var index strings.Builder
	index.WriteString("# Rules\n\nGenerated from the rule metadata (`go test ./internal/cli -update-docs`).\n\n| ID | Title | Severity | CWE |\n|---|---|---|---|\n")
	for _, r := range rules.All() {
		want[r.ID+".md"] = rules.Markdown(r)
		cwe := ""
		for i, c := range r.CWE {
			if i > 0 {
				cwe += ", "
			}
			cwe += "CWE-" + strconv.Itoa(c)
		}
		index.WriteString("| [" + r.ID + "](" + r.ID + ".md) | " + r.Title + " | " + r.Severity.String() + " | " + cwe + " |\n")
	}
	want["README.md"] = index.String()
	if *updateDocs {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, body := range want {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, _ := os.ReadDir(dir)
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Name()] = true
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("docs/rules/%s has no rule: run go test ./internal/cli -update-docs", e.Name())
		}
	}
	for name, body := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(b) != body {
			t.Errorf("docs/rules/%s is stale: run go test ./internal/cli -update-docs", name)
		}
	}
}
