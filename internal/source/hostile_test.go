//go:build unix

package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
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
	if _, err := readSource(p, 50); err == nil || !strings.Contains(err.Error(), "grew over the size limit") {
		t.Errorf("a file over the limit: %v", err)
	}
	if b, err := readSource(p, 600); err != nil || len(b) != 600 {
		t.Errorf("a file at the limit: %d bytes, %v", len(b), err)
	}
	if b, err := readSource(p, -1); err != nil || len(b) != 600 {
		t.Errorf("no limit: %d bytes, %v", len(b), err)
	}
	parsed := ParseAll([]File{{Path: p, Rel: "grown.py", Kind: Python, Size: 10}}, 1, 50)
	if errs := parsed[0].Syntax.Errors; len(errs) != 1 || !strings.Contains(errs[0].Msg, "cannot read") {
		t.Errorf("parsing a file that grew: %v", errs)
	}
}
