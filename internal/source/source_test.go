package source

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func rels(files []File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Rel)
	}
	slices.Sort(out)
	return out
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	write(t, root, map[string]string{
		"app/main.py":                  "x = 1\n",
		"app/api/routes.py":            "",
		"app/generated/out.py":         "",
		"app/notes.txt":                "",
		"src/pkg/mod.pyi":              "",
		"requirements.txt":             "fastapi==0.100.0\n",
		"requirements-dev.txt":         "",
		"requirements/base.txt":        "",
		"requirements/notes.md":        "",
		"pyproject.toml":               "",
		".env":                         "SECRET=x\n",
		".env.example":                 "SECRET=\n",
		"certs/server.key":             "",
		".gitignore":                   "app/generated/\n*.log\nlocal_*.py\n",
		"app/local_settings.py":        "",
		"app/sub/.gitignore":           "ignored_here.py\n",
		"app/sub/ignored_here.py":      "",
		"app/sub/kept.py":              "",
		"myenv/pyvenv.cfg":             "home = /usr\n",
		"myenv/lib/python3.11/x.py":    "",
		"node_modules/pkg/setup.py":    "",
		".venv/lib/y.py":               "",
		"build/lib/z.py":               "",
		"pkg.egg-info/PKG-INFO.py":     "",
		"tests/test_big.py":            strings.Repeat("#", 200),
		"migrations/versions/0001.py":  "",
		"app/__pycache__/main.cpython": "",
	})
	if err := os.Symlink("..", filepath.Join(root, "app", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing", filepath.Join(root, "dangling.py")); err != nil {
		t.Fatal(err)
	}
	files, diags, err := Discover([]string{root}, Options{Exclude: []string{"migrations"}, MaxFileSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".env", "app/api/routes.py", "app/main.py", "app/sub/kept.py", "certs/server.key",
		"pyproject.toml", "requirements-dev.txt", "requirements.txt", "requirements/base.txt", "src/pkg/mod.pyi"}
	if got := rels(files); !slices.Equal(got, want) {
		t.Errorf("files:\n got %v\nwant %v", got, want)
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Msg, "over the 100-byte limit") {
		t.Errorf("diagnostics = %v, want the oversized test file", diags)
	}
	kinds := map[string]Kind{}
	for _, f := range files {
		kinds[f.Rel] = f.Kind
	}
	if kinds["requirements.txt"] != Dependencies || kinds["requirements/base.txt"] != Dependencies || kinds[".env"] != Env || kinds["app/main.py"] != Python {
		t.Errorf("kinds = %v", kinds)
	}

	parsed := ParseAll(files, 2, 0)
	if len(parsed) != 4 {
		t.Fatalf("parsed %d Python files, want 4", len(parsed))
	}
	for _, p := range parsed {
		if p.Syntax == nil || len(p.Syntax.Errors) > 0 {
			t.Errorf("%s: %v", p.Rel, p.Syntax.Errors)
		}
	}
}

func TestDiscoverErrors(t *testing.T) {
	if _, _, err := Discover([]string{filepath.Join(t.TempDir(), "nope")}, Options{}); err == nil {
		t.Error("missing path: no error")
	}
	if _, _, err := Discover([]string{t.TempDir()}, Options{Exclude: []string{"[a-"}}); err == nil {
		t.Error("bad glob: no error")
	}
	dir := t.TempDir()
	write(t, dir, map[string]string{"one.py": "x = (\n"})
	files, _, err := Discover([]string{filepath.Join(dir, "one.py")}, Options{})
	if err != nil || len(files) != 1 || files[0].Rel != "one.py" {
		t.Fatalf("single file: %v %v", files, err)
	}
	p := ParseAll(files, 0, 0)
	if len(p[0].Syntax.Errors) == 0 {
		t.Error("syntax error not reported")
	}
}
