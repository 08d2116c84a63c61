//go:build unix

package rules

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestRunStaysInRoot scans a tree whose links lead outside it: a .env and
// a key file outside, a template outside that would make FA110 report, and
// a named pipe outside reached as a template. Nothing outside is read (no
// finding, no canary), the same template inside is read, and each
// problem of the dependency files is one "dependencies" diagnostic with
// its file and line, even with no dependency rule selected.
func TestRunStaysInRoot(t *testing.T) {
	defer testfs.HangGuard(t, 60*time.Second, "a named pipe was opened and blocked the reader")()
	base := t.TempDir()
	root, out := filepath.Join(base, "tree"), filepath.Join(base, "out")
	const canary = "c4n4ry0f1e2d3c4b5a69788796a5b4c3"
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const handler = `from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory="templates")


@app.get("/a")
def a(request: Request, bio: str):
    return templates.TemplateResponse("out.html", {"request": request, "bio": bio})


@app.get("/b")
def b(request: Request, bio: str):
    return templates.TemplateResponse("pipe.html", {"request": request, "bio": bio})


@app.get("/c")
def c(request: Request, bio: str):
    return templates.TemplateResponse("in.html", {"request": request, "bio": bio})
`
	write(filepath.Join(root, "main.py"), handler)
	write(filepath.Join(root, "templates", "in.html"), "{{ bio|safe }}\n")
	write(filepath.Join(root, "requirements.txt"), "fastapi==0.100.0\n-r missing.txt\n-r link.txt\n")
	write(filepath.Join(out, "out.html"), "{{ bio|safe }}\n")
	write(filepath.Join(out, "env"), "SECRET_KEY="+canary+"\n")
	write(filepath.Join(out, "server.key"), "-----BEGIN PRIVATE KEY-----\n"+canary+"\n")
	write(filepath.Join(out, "reqs.txt"), "canarypkg==1.0\n")
	if err := syscall.Mkfifo(filepath.Join(out, "pipe.html"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		".env":                "../out/env",
		"server.key":          "../out/server.key",
		"templates/out.html":  "../../out/out.html",
		"templates/pipe.html": "../../out/pipe.html",
		"link.txt":            "../out/reqs.txt",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var diags []*finding.Diagnostic
	opts := Options{Diagnose: func(d *finding.Diagnostic) {
		mu.Lock()
		diags = append(diags, d)
		mu.Unlock()
	}}
	findings := scanDir(t, root, []*Rule{Get("FA110"), Get("FA403"), Get("FA408")}, opts)
	var got []string
	for _, f := range findings {
		got = append(got, f.RuleID+" "+f.Location.String()+" "+f.Message)
		if strings.Contains(f.Message+f.Snippet+strings.Join(f.Secrets, ""), canary[:12]) {
			t.Errorf("a finding read the canary: %s", f.Message)
		}
	}
	if len(findings) != 1 || findings[0].RuleID != "FA110" || findings[0].Location.Line != 20 {
		t.Errorf("findings:\n%s\nwant only FA110 at main.py:20 (the template inside)", strings.Join(got, "\n"))
	}
	var msgs []string
	for _, d := range diags {
		if d.Kind != "dependencies" {
			t.Errorf("unexpected diagnostic %s: %s", d.Kind, d.Message)
			continue
		}
		msgs = append(msgs, d.Location.String()+": "+d.Message)
	}
	want := []string{
		`requirements.txt:2:1: requirements include "missing.txt" not read: no such file or directory`,
		`requirements.txt:3:1: requirements include "link.txt" leads outside the scanned root through a symbolic link; not followed`,
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	// Files listed before they became links out (a race with discovery)
	// are not read either.
	env := source.File{Path: filepath.Join(root, ".env"), Root: root, Rel: ".env", Kind: source.Env}
	key := source.File{Path: filepath.Join(root, "server.key"), Root: root, Rel: "server.key", Kind: source.Env}
	if envHoldsSecret(env) {
		t.Error("FA408 read a .env outside the tree")
	}
	if _, ok := privateKeyLine(key); ok {
		t.Error("FA408 read a key file outside the tree")
	}
	pass := &Pass{Rule: Get("FA403")}
	envSecrets(pass, env)
	if len(pass.findings) != 0 {
		t.Errorf("FA403 read a .env outside the tree: %s", pass.findings[0].Message)
	}
}
