//go:build unix

package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
)

// TestCollectHostile parses the dependency files of a hostile tree through
// discovery: every problem is a Problem with its file and line, includes
// never read outside the tree (by "..", by a symbolic link, or into a
// named pipe outside that would hang), and the canary outside never
// appears.
func TestCollectHostile(t *testing.T) {
	defer testfs.HangGuard(t, 20*time.Second, "a named pipe was opened and blocked the reader")()
	base := t.TempDir()
	root, out := filepath.Join(base, "tree"), filepath.Join(base, "out")
	const canary = "canary-pkg-0f1e2d"
	files := map[string]string{
		"requirements.txt": "fastapi==0.100.0\n" + // 1
			"-r cycle-a.txt\n" + // 2
			"-r missing.txt\n" + // 3
			"-r ../out/outside.txt\n" + // 4
			"-r fifo.txt\n" + // 5
			"-r link-out.txt\n" + // 6
			"-r link-fifo.txt\n" + // 7
			"-r link-in.txt\n" + // 8
			"not a requirement!!\n" + // 9
			"-r deep0.txt\n", // 10
		"cycle-a.txt":        "-r cycle-b.txt\n",
		"cycle-b.txt":        "pydantic==1.10.0\n-r cycle-a.txt\n",
		"inside/real.txt":    "httpx==0.27.0\n",
		"app/pyproject.toml": "[project]\nname = \"app\"\ndependencies = [\n\"x\" \"y\"\n]\n",
		"app/poetry.lock":    "[[package]]\nname = \"a\"\n" + "version = " + strings.Repeat("[", 100) + "\n",
		"app/uv.lock":        "[[package]]\nname = \"a\"\n" + strings.Repeat("b.", 50000) + "b = 1\n",
	}
	for i := 0; i <= DefaultMaxIncludeDepth+1; i++ {
		files[fmt.Sprintf("deep%d.txt", i)] = fmt.Sprintf("pkg%d==1.0\n-r deep%d.txt\n", i, i+1)
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "outside.txt"), []byte(canary+"==6.6.6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(root, "fifo.txt"), filepath.Join(out, "pipe.txt")} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, target := range map[string]string{"link-out.txt": "../out/outside.txt", "link-fifo.txt": filepath.Join(out, "pipe.txt"), "link-in.txt": "inside/real.txt"} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	found, _, err := source.Discover([]string{root}, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deps, problems := Collect(found)
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%s:%d: %s", p.Source.Rel, p.Line, p.Message))
	}
	all := strings.Join(got, "\n")
	t.Logf("problems:\n%s", all)
	for _, want := range []string{
		`cycle-b.txt:2: include cycle: "cycle-a.txt" is already being read`,
		`requirements.txt:3: requirements include "missing.txt" not read: no such file or directory`,
		`requirements.txt:4: requirements include "../out/outside.txt" is outside the scanned root; not followed`,
		`requirements.txt:5: requirements include "fifo.txt" not read: not a regular file (named pipe)`,
		`requirements.txt:6: requirements include "link-out.txt" leads outside the scanned root through a symbolic link; not followed`,
		`requirements.txt:7: requirements include "link-fifo.txt" leads outside the scanned root through a symbolic link; not followed`,
		`requirements.txt:9: `,
		fmt.Sprintf(`deep%d.txt:2: requirements include "deep%d.txt" not followed: include depth exceeds %d, so what it declares is not checked`, DefaultMaxIncludeDepth-1, DefaultMaxIncludeDepth, DefaultMaxIncludeDepth),
		`app/pyproject.toml:4: cannot parse: `,
		`app/poetry.lock:3: not parsed: TOML nested too deeply`,
		`app/uv.lock:3: not parsed: TOML nested too deeply`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems:\n%s\nwant %q", all, want)
		}
	}
	if strings.Contains(all, canary) {
		t.Errorf("problems name the canary outside the tree:\n%s", all)
	}
	names := map[string]bool{}
	for _, d := range deps {
		names[d.Name] = true
		if strings.Contains(d.Raw, canary) {
			t.Errorf("read a dependency outside the tree: %+v", d)
		}
	}
	for _, want := range []string{"fastapi", "pydantic", "httpx", "pkg0"} {
		if !names[want] {
			t.Errorf("dependencies %v, want %s", names, want)
		}
	}
	// Each problem once, though cycle-a.txt, cycle-b.txt and the deep
	// files are both discovered and included.
	seen := map[string]bool{}
	for _, g := range got {
		if seen[g] {
			t.Errorf("problem reported twice: %s", g)
		}
		seen[g] = true
	}
}
