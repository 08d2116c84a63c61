package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseComment(t *testing.T) {
	tests := []struct {
		text    string
		ids     string
		why     string
		ok      bool
		missing bool
	}{
		{"# fastapi-audit: ignore[FA101] parameters are bound", "FA101", "parameters are bound", true, false},
		{"# fastapi-audit: ignore[fa101, FA6]", "FA101,FA6", "", true, false},
		{"# fastapi-audit: ignore", "", "", false, true},
		{"# fastapi-audit: ignore[] because", "", "", false, true},
		{"# noqa: FA404", "FA404", "", true, false},
		{"# noqa: E501,FA404 S105", "FA404", "", true, false},
		{"# noqa: E501", "", "", false, false},
		{"# noqa", "", "", false, false},
		{"# just a comment", "", "", false, false},
	}
	for _, tt := range tests {
		ids, why, ok, missing := ParseComment(tt.text)
		if strings.Join(ids, ",") != tt.ids || why != tt.why || ok != tt.ok || missing != tt.missing {
			t.Errorf("ParseComment(%q) = %v %q %v %v", tt.text, ids, why, ok, missing)
		}
	}
}

func TestCovers(t *testing.T) {
	s := Suppression{Line: 10, IDs: []string{"FA6"}, OwnLine: true}
	if !s.Covers("FA601", 10, 10) || !s.Covers("FA601", 11, 13) || !s.Covers("FA602", 8, 12) {
		t.Error("suppression on the line, the line above, or inside a multi-line finding must cover it")
	}
	if s.Covers("FA601", 12, 12) || s.Covers("FA404", 10, 10) {
		t.Error("suppression covers another line or rule")
	}
	inline := Suppression{Line: 10, IDs: []string{"FA601"}}
	if inline.Covers("FA601", 11, 11) {
		t.Error("a trailing comment covers the next line")
	}
}

func TestSelector(t *testing.T) {
	s := Selector{Select: []string{"FA6", "FA404"}, Ignore: []string{"FA602"}, PerFile: map[string][]string{"tests/**": {"FA6"}, "scripts": {"FA404"}}}
	for id, want := range map[string]bool{"FA601": true, "FA602": false, "FA404": true, "FA101": false} {
		if s.Enabled(id) != want {
			t.Errorf("Enabled(%s) = %v", id, !want)
		}
	}
	if s.EnabledIn("FA601", "tests/unit/test_x.py") || !s.EnabledIn("FA601", "app/main.py") || s.EnabledIn("FA404", "scripts/run.py") {
		t.Error("per-file ignores")
	}
	if err := (Selector{PerFile: map[string][]string{"[": {"FA1"}}}).Validate(func(string) bool { return true }); err == nil {
		t.Error("bad glob accepted")
	}
	if err := (Selector{Ignore: []string{"XY1"}}).Validate(func(id string) bool { return strings.HasPrefix(id, "FA") }); err == nil || !strings.Contains(err.Error(), `"XY1"`) {
		t.Errorf("unknown id: %v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	py := write("proj/pyproject.toml", "[tool.ruff]\nline-length = 90\n[tool.fastapi-audit]\nfail-on = \"high\"\npublic-routes = [\"/health\"]\n[tool.fastapi-audit.per-file-ignores]\n\"tests/**\" = [\"FA403\"]\n")
	write("proj/.git/HEAD", "ref: main\n")
	found, err := Find(filepath.Join(dir, "proj"))
	if err != nil || found != py {
		t.Fatalf("Find = %q, %v", found, err)
	}
	c, err := Load(py)
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn != "high" || c.PublicRoutes[0] != "/health" || c.PerFileIgnores["tests/**"][0] != "FA403" {
		t.Errorf("config = %+v", c)
	}
	bad := write("bad/.fastapi-audit.toml", "fail-on = \"high\"\ncolour = true\n")
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), `unknown key "colour"`) {
		t.Errorf("unknown key: %v", err)
	}
	broken := write("broken/.fastapi-audit.toml", "fail-on = \n")
	if _, err := Load(broken); err == nil {
		t.Error("broken TOML accepted")
	}
}
