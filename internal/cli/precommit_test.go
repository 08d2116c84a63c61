package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreCommitHook installs the repository's .pre-commit-hooks.yaml with
// Debian's pre-commit into a fixture repository and runs it: a staged file
// with a finding fails the hook, a clean one passes.
func TestPreCommitHook(t *testing.T) {
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pre-commit missing (Debian package pre-commit); scripts/test installs it")
		}
		t.Skip("pre-commit missing (Debian package pre-commit; CI=true makes this a failure)")
	}
	repoRoot, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// The hook repository is this one at HEAD (what a user pins as rev).
	rev := git(repoRoot, "rev-parse", "HEAD")

	dir := t.TempDir()
	files := map[string]string{
		"app/main.py":  "from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n",
		"app/clean.py": "def add(a: int, b: int) -> int:\n    return a + b\n",
		".pre-commit-config.yaml": "repos:\n  - repo: " + repoRoot + "\n    rev: " + rev +
			"\n    hooks:\n      - id: fastapi-audit\n        language_version: system\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(dir, "init", "-q")
	git(dir, "add", ".")

	gomodcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	hook := func(args ...string) (string, error) {
		cmd := exec.Command(preCommit, append([]string{"run"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "cache"),
			"GOMODCACHE="+strings.TrimSpace(string(gomodcache)), "GOFLAGS=-buildvcs=false", "NO_COLOR=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := hook("--files", "app/main.py")
	if err == nil || !strings.Contains(out, "FA404") || !strings.Contains(out, "Failed") {
		t.Fatalf("hook on a file with debug=True: err %v\n%s", err, out)
	}
	if out, err := hook("--files", "app/clean.py"); err != nil || !strings.Contains(out, "Passed") {
		t.Errorf("hook on a clean file: err %v\n%s", err, out)
	}
}
