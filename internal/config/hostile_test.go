//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
	"github.com/fastapi-audit/fastapi-audit/internal/testfs"
	"github.com/fastapi-audit/fastapi-audit/internal/tomlsafe"
)

// TestLoadHostile checks the settings files a hostile repository can hold:
// named pipes are never read (they would block Find and Load forever), a
// file over the size limit and one nested too deeply are refused with a
// clear error, quickly, before the TOML decoder sees them.
func TestLoadHostile(t *testing.T) {
	defer testfs.HangGuard(t, 20*time.Second, "a settings file blocked or ran away")()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A named pipe called pyproject.toml is not a settings file.
	if err := syscall.Mkfifo(filepath.Join(dir, "pyproject.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := Find(dir); !errors.Is(err, ErrNoConfig) {
		t.Errorf("Find with a named-pipe pyproject.toml: %q, %v", p, err)
	}
	// One called .fastapi-audit.toml is found, and Load refuses it.
	fifo := filepath.Join(dir, ".fastapi-audit.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Find(dir)
	if err != nil || p != fifo {
		t.Fatalf("Find: %q, %v", p, err)
	}
	if _, err := Load(p); !errors.Is(err, fsguard.ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("Load of a named pipe: %v", err)
	}

	n := 800 << 10 / 5
	cases := map[string]struct {
		body string
		want error
		msg  string
	}{
		"nested inline tables": {"fail-on = \"low\"\na = " + strings.Repeat("{b = ", n) + "1" + strings.Repeat("}", n) + "\n", tomlsafe.ErrTooDeep, "more than 32 levels at line 2"},
		"nested arrays":        {"a = " + strings.Repeat("[", 2*n) + strings.Repeat("]", 2*n) + "\n", tomlsafe.ErrTooDeep, "at line 1"},
		"one dotted key":       {strings.Repeat("a.", 2*n) + "a = 1\n", tomlsafe.ErrTooDeep, "at line 1"},
		"over a megabyte":      {"# " + strings.Repeat("x", tomlsafe.MaxConfigSize) + "\n", fsguard.ErrTooLarge, "more than 1048576 bytes"},
	}
	for name, c := range cases {
		for _, base := range []string{".fastapi-audit.toml", "pyproject.toml"} {
			sub := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(sub, base)
			body := c.body
			if base == "pyproject.toml" {
				body = "[tool.fastapi-audit]\n" + body
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := Load(p)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("%s in %s: %v, want %v naming the file", name, base, err, c.want)
			} else if base == ".fastapi-audit.toml" && !strings.Contains(err.Error(), c.msg) {
				t.Errorf("%s in %s: %v, want %q", name, base, err, c.msg)
			}
			t.Logf("%s in %s: refused after %v", name, base, time.Since(start))
			os.Remove(p)
		}
	}
}
