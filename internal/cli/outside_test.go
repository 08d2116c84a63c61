//go:build unix

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestScanStaysInRootAndReportsDependencyProblems scans a hostile tree
// end to end: links lead out of it (to a directory holding a canary, a
// private key and a named pipe, and to a .env), its requirements include a
// cycle, a missing file, a file outside, a named pipe, a link out and a
// chain deeper than the include limit, and it holds an invalid requirement
// line and unparsable or too deeply nested TOML. Nothing outside is read
// or named, the scan does not hang, and every dependency-file problem is a
// "dependencies" diagnostic with its file and line in text and JSON.
func TestScanStaysInRootAndReportsDependencyProblems(t *testing.T) {
	defer testfs.HangGuard(t, 60*time.Second, "the scan hung on a named pipe")()
	base := t.TempDir()
	root, out := filepath.Join(base, "tree"), filepath.Join(base, "out")
	const canary = "c4n4ry9f8e7d6c5b4a3928171605f4e3"
	files := map[string]string{
		"main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
		"requirements.txt": "fastapi==0.100.0\n" + // 1
			"-r cycle-a.txt\n" + // 2
			"-r missing.txt\n" + // 3
			"-r ../out/reqs.txt\n" + // 4
			"-r fifo.txt\n" + // 5
			"-r link-out.txt\n" + // 6
			"this is not valid!!\n" + // 7
			"-r deep0.txt\n", // 8
		"cycle-a.txt":        "-r cycle-b.txt\n",
		"cycle-b.txt":        "pydantic==1.10.0\n-r cycle-a.txt\n",
		"api/pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\n\"a\" \"b\"\n]\n",
		"worker/poetry.lock": "[[package]]\nname = \"a\"\nversion = \n",
		"jobs/uv.lock":       "version = 1\n" + "x = " + strings.Repeat("{b = ", 100_000) + "1" + strings.Repeat("}", 100_000) + "\n",
	}
	for i := 0; i <= manifest.DefaultMaxIncludeDepth+1; i++ {
		files[fmt.Sprintf("deep%d.txt", i)] = fmt.Sprintf("pkg%d==1.0\n-r deep%d.txt\n", i, i+1)
	}
	outside := map[string]string{
		"etc/sitecustomize.py":   "TOKEN = '" + canary + "'\n",
		"etc/ssl/private/my.key": "-----BEGIN PRIVATE KEY-----\n" + canary + "\n",
		"env":                    "SECRET_KEY=" + canary + "\n",
		"reqs.txt":               "canarypkg==1.0\n",
	}
	for dir, m := range map[string]map[string]string{root: files, out: outside} {
		for name, body := range m {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, p := range []string{filepath.Join(root, "fifo.txt"), filepath.Join(out, "etc", "pipe.py")} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{
		"etclink":      filepath.Join(out, "etc"),
		".env":         "../out/env",
		"link-out.txt": "../out/reqs.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"api/pyproject.toml:4:1: dependencies: cannot parse: line 4",
		`cycle-b.txt:2:1: dependencies: include cycle: "cycle-a.txt" is already being read`,
		fmt.Sprintf(`deep%d.txt:2:1: dependencies: requirements include "deep%d.txt" not followed: include depth exceeds`, manifest.DefaultMaxIncludeDepth-1, manifest.DefaultMaxIncludeDepth),
		"jobs/uv.lock:2:1: dependencies: not parsed: TOML nested too deeply",
		`requirements.txt:3:1: dependencies: requirements include "missing.txt" not read: no such file or directory`,
		`requirements.txt:4:1: dependencies: requirements include "../out/reqs.txt" is outside the scanned root; not followed`,
		`requirements.txt:5:1: dependencies: requirements include "fifo.txt" not read: not a regular file (named pipe)`,
		`requirements.txt:6:1: dependencies: requirements include "link-out.txt" leads outside the scanned root through a symbolic link; not followed`,
		`requirements.txt:7:1: dependencies: requirement "this is not valid!!"`,
		"worker/poetry.lock:3:1: dependencies: cannot parse: line 3",
		"etclink:0:0: read: skipped: symbolic link leads outside the scanned root",
		".env:0:0: read: skipped: symbolic link leads outside the scanned root",
	}
	start := time.Now()
	text, errText, code := run(t, "scan", "--no-color", root)
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errText)
	}
	t.Logf("text scan in %v", time.Since(start))
	text = strings.ReplaceAll(text, root+string(filepath.Separator), "")
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text report lacks %q:\n%s", w, text)
		}
	}
	js, errText, code := run(t, "scan", "--format", "json", root)
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errText)
	}
	var rep struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Location struct{ File string }
		}
		Diagnostics []struct {
			Location struct {
				File   string
				Line   int
				Column int
			}
			Message, Kind string
		}
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range rep.Diagnostics {
		file := strings.TrimPrefix(d.Location.File, root+string(filepath.Separator))
		got = append(got, fmt.Sprintf("%s:%d:%d: %s: %s", file, d.Location.Line, d.Location.Column, d.Kind, d.Message))
	}
	all := strings.Join(got, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("JSON diagnostics lack %q:\n%s", w, all)
		}
	}
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Location.File, "etclink") || f.Location.File == ".env" {
			t.Errorf("finding %s in %s, outside the tree", f.RuleID, f.Location.File)
		}
	}
	for name, s := range map[string]string{"text": text, "json": js} {
		for _, leak := range []string{canary[:8], "canarypkg", "sitecustomize", out} {
			if strings.Contains(s, leak) {
				t.Errorf("the %s report names %q, from outside the tree", name, leak)
			}
		}
	}
}
