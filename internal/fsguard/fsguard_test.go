//go:build unix

package fsguard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestOpen checks the guarded opens on a real tree: regular files inside
// the root (directly or through a link that stays inside) are read; a
// named pipe, a directory and links leaving the root are refused without
// reading; the canary outside never comes back.
func TestOpen(t *testing.T) {
	defer testfs.HangGuard(t, 10*time.Second, "a named pipe was opened and blocked the reader")()
	base := t.TempDir()
	tree, out := filepath.Join(base, "tree"), filepath.Join(base, "out")
	for _, d := range []string{filepath.Join(tree, "sub"), out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(tree, "sub", "a.txt"), "inside\n")
	write(filepath.Join(out, "canary"), "CANARY-outside\n")
	for _, p := range []string{filepath.Join(tree, "pipe.txt"), filepath.Join(out, "pipe")} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"in.txt":       "sub/a.txt",
		"abs.txt":      filepath.Join(out, "canary"),
		"rel.txt":      "../out/canary",
		"outpipe.txt":  "../out/pipe",
		"sub/up.txt":   "../../out/canary",
		"outdir":       out,
		"sub/back.txt": "../in.txt",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(tree, name)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := os.OpenRoot(tree)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, name := range []string{"sub/a.txt", "in.txt", "sub/back.txt"} {
		if b, err := ReadFileIn(root, name, 100); err != nil || string(b) != "inside\n" {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
	for _, name := range []string{"abs.txt", "rel.txt", "outpipe.txt", "sub/up.txt", "outdir/canary", "../out/canary"} {
		b, err := ReadFileIn(root, name, 100)
		if !errors.Is(err, ErrOutside) || !Escapes(err) || strings.Contains(string(b), "CANARY") {
			t.Errorf("%s: %q, %v; want refused as outside", name, b, err)
		}
		if _, err := Stat(root, name); !errors.Is(err, ErrOutside) {
			t.Errorf("Stat %s: %v; want refused as outside", name, err)
		}
	}
	for _, name := range []string{"pipe.txt", "sub"} {
		if _, err := ReadFileIn(root, name, 100); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: %v; want not regular", name, err)
		}
	}
	if d, err := OpenDir(root, "sub"); err != nil {
		t.Errorf("OpenDir sub: %v", err)
	} else {
		d.Close()
	}
	for _, name := range []string{"pipe.txt", "in.txt"} {
		if _, err := OpenDir(root, name); err == nil || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("OpenDir %s: %v", name, err)
		}
	}
	if _, err := OpenDir(root, "outdir"); !errors.Is(err, ErrOutside) {
		t.Errorf("OpenDir outdir: %v", err)
	}
	if _, err := ReadFile(filepath.Join(out, "pipe"), 100); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("a named pipe opened directly: %v", err)
	}
	if _, err := ReadFile("/dev/zero", 100); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "character device") {
		t.Errorf("/dev/zero: %v", err)
	}
	// Named explicitly, a link is followed: the user chose the file.
	if b, err := ReadFile(filepath.Join(tree, "rel.txt"), 100); err != nil || !strings.Contains(string(b), "CANARY") {
		t.Errorf("a link named explicitly: %q, %v", b, err)
	}
}

// TestReadAllBounds checks a read stops one byte past its limit.
func TestReadAllBounds(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(strings.Repeat("x", 600)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p, 599); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	for _, limit := range []int64{600, 0, -1} {
		if b, err := ReadFile(p, limit); err != nil || len(b) != 600 {
			t.Errorf("limit %d: %d bytes, %v", limit, len(b), err)
		}
	}
}
