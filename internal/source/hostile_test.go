//go:build unix

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestDiscoverHostile checks the paths hostile trees take: special files
// named like sources are reported and never opened, a named special file
// given as the scan path too, and an oversized .gitignore is cut with a
// diagnostic (its first patterns still apply).
func TestDiscoverHostile(t *testing.T) {
	root := t.TempDir()
	var gi strings.Builder
	gi.WriteString("ignored.py\n")
	for i := 0; i < maxGitignorePatterns+500; i++ {
		fmt.Fprintf(&gi, "generated_%d/**/*.py\n", i)
	}
	write(t, root, map[string]string{"main.py": "x = 1\n", "ignored.py": "", ".gitignore": gi.String()})
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.log"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, diags, err := Discover([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rels(files); len(got) != 1 || got[0] != "main.py" {
		t.Errorf("files %v, want main.py", got)
	}
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"pipe.py: skipped: not a regular file (named pipe)", ".gitignore: only the first patterns were applied"} {
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics:\n%s\nwant %q", all, want)
		}
	}
	if strings.Contains(all, "pipe.log") || len(diags) != 2 {
		t.Errorf("diagnostics:\n%s\nwant two", all)
	}

	files, diags, err = Discover([]string{filepath.Join(root, "pipe.py")}, Options{})
	if err != nil || len(files) != 0 || len(diags) != 1 || !strings.Contains(diags[0].Msg, "named pipe") {
		t.Errorf("a named pipe as the scan path: %v, %v, %v", files, diags, err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		files, diags, _ = Discover([]string{"/dev/zero"}, Options{})
		if len(files) != 0 || len(diags) != 1 || !strings.Contains(diags[0].Msg, "character device") {
			t.Errorf("/dev/zero as the scan path: %v, %v", files, diags)
		}
	}
}

// TestReadSourceBounds checks that a file read for parsing is read to the
// limit at most, whatever it has become since it was listed.
func TestReadSourceBounds(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "grown.py")
	if err := os.WriteFile(p, []byte(strings.Repeat("x = 1\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readSource(File{Path: p}, 50); err == nil || !strings.Contains(err.Error(), "grew over the size limit") {
		t.Errorf("a file over the limit: %v", err)
	}
	if b, err := readSource(File{Path: p}, 600); err != nil || len(b) != 600 {
		t.Errorf("a file at the limit: %d bytes, %v", len(b), err)
	}
	if b, err := readSource(File{Path: p}, -1); err != nil || len(b) != 600 {
		t.Errorf("no limit: %d bytes, %v", len(b), err)
	}
	parsed := ParseAll([]File{{Path: p, Rel: "grown.py", Kind: Python, Size: 10}}, 1, 50)
	if errs := parsed[0].Syntax.Errors; len(errs) != 1 || !strings.Contains(errs[0].Msg, "cannot read") {
		t.Errorf("parsing a file that grew: %v", errs)
	}
}

// TestDiscoverStaysInRoot builds a tree whose links lead out of it (to a
// directory holding a canary, a private key and a named pipe that would
// hang a reader) and inside it: the links out are reported and nothing
// behind them is listed or read, the links inside still work, and a file
// replaced by a link out (or a named pipe) after discovery is not read.
func TestDiscoverStaysInRoot(t *testing.T) {
	defer testfs.HangGuard(t, 20*time.Second, "a named pipe was opened and blocked the reader")()
	base := t.TempDir()
	root, out := filepath.Join(base, "tree"), filepath.Join(base, "out")
	const canary = "CANARY_0f1e2d3c4b5a"
	write(t, out, map[string]string{
		"site/sitecustomize.py": "SECRET = '" + canary + "'\n",
		"site/private/k.key":    "-----BEGIN PRIVATE KEY-----\n" + canary + "\n",
		"env":                   "SECRET_KEY=" + canary + "\n",
	})
	if err := syscall.Mkfifo(filepath.Join(out, "site", "pipe.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, root, map[string]string{"app/main.py": "x = 1\n", "app/conf.py": "y = 2\n", "sub/keep.py": ""})
	if err := syscall.Mkfifo(filepath.Join(root, "sub", ".gitignore"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"etc":         filepath.Join(out, "site"), // absolute, out
		".env":        "../out/env",               // relative, out
		"lib":         "app",                      // a directory inside
		"settings.py": "app/conf.py",              // a file inside
		"hop":         "sub/hop2",                 // inside, then out
		"sub/hop2":    "../../out/site",
		"pipe.py":     "../out/site/pipe.py", // a named pipe outside
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	files, diags, err := Discover([]string{root}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"app/conf.py", "app/main.py", "settings.py", "sub/keep.py"}
	if got := rels(files); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.String())
	}
	all := strings.Join(msgs, "\n")
	for _, name := range []string{"etc", ".env", "hop", "sub/hop2", "pipe.py"} {
		want := filepath.Join(root, name) + ": skipped: symbolic link leads outside the scanned root"
		if !strings.Contains(all, want) {
			t.Errorf("diagnostics:\n%s\nwant %q", all, want)
		}
	}
	if !strings.Contains(all, "etc: skipped: symbolic link leads outside the scanned root (absolute links are not followed)") {
		t.Errorf("diagnostics:\n%s\nwant the absolute link named", all)
	}
	if !strings.Contains(all, filepath.Join("sub", ".gitignore")+": not applied: ") || !strings.Contains(all, "named pipe") {
		t.Errorf("diagnostics:\n%s\nwant the named-pipe .gitignore", all)
	}
	if len(diags) != 6 {
		t.Errorf("%d diagnostics:\n%s\nwant 6", len(diags), all)
	}

	// The tree changes after discovery: conf.py becomes a link out, and
	// main.py a link to the named pipe outside.
	for name, target := range map[string]string{"app/conf.py": "../../out/site/sitecustomize.py", "app/main.py": "../../out/site/pipe.py"} {
		p := filepath.Join(root, name)
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range ParseAll(files, 2, 0) {
		text := string(p.Syntax.Src)
		if strings.Contains(text, canary) {
			t.Errorf("%s: read the canary outside the tree", p.Rel)
		}
		switch p.Rel {
		case "app/conf.py", "app/main.py", "settings.py":
			if len(p.Syntax.Errors) != 1 || !strings.Contains(p.Syntax.Errors[0].Msg, "leads outside the scanned root") {
				t.Errorf("%s: %v, want refused as outside the root", p.Rel, p.Syntax.Errors)
			}
		}
	}
}
