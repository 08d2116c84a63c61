package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestScanLimits stops scans of the example app with a tiny --timeout and
// --max-memory, from flags and from the settings file: exit 3, a message
// naming the limit, and no report on stdout.
func TestScanLimits(t *testing.T) {
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	conf := func(body string) string {
		p := filepath.Join(t.TempDir(), ".fastapi-audit.toml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"timeout", []string{"--timeout", "1ns"}, "scan stopped by --timeout 1ns while "},
		{"max-memory", []string{"--max-memory", "1MiB"}, "scan stopped by --max-memory 1 MiB (live heap "},
		{"config timeout", []string{"--config", conf("timeout = \"1ns\"\n")}, "scan stopped by --timeout 1ns"},
		{"config max-memory", []string{"--config", conf("max-memory = \"64KiB\"\n")}, "scan stopped by --max-memory 64 KiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"scan", "--format", "json"}, c.args...)
			out, errOut, code := run(t, append(args, app)...)
			if code != ExitNoRun {
				t.Fatalf("exit %d, want %d; stderr %q", code, ExitNoRun, errOut)
			}
			if !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "no report was written") {
				t.Errorf("stderr %q, want %q and no report", errOut, c.want)
			}
			if out != "" {
				t.Errorf("a stopped scan wrote a report:\n%.300s", out)
			}
		})
	}
	// Generous limits change nothing.
	_, errOut, code := run(t, "scan", "--timeout", "10m", "--max-memory", "4GiB", "-q", app)
	if code != ExitFindings {
		t.Errorf("generous limits: exit %d, want %d: %s", code, ExitFindings, errOut)
	}
	for _, args := range [][]string{
		{"--timeout", "-5s"}, {"--timeout", "soon"}, {"--max-memory", "lots"}, {"--max-memory", "-1GiB"},
		{"--config", conf("timeout = \"soon\"\n")}, {"--config", conf("max-memory = \"1XB\"\n")},
	} {
		_, errOut, code := run(t, append(append([]string{"scan"}, args...), app)...)
		if code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, errOut)
		}
	}
}

// TestScanDefaultMemoryCeiling runs a scan without --max-memory on a
// machine whose ceiling is made tiny: it stops with exit 3 and a message
// naming the default ceiling, the stage and the file being parsed.
func TestScanDefaultMemoryCeiling(t *testing.T) {
	if c := defaultMemoryCeiling(); c < 1<<30 {
		t.Errorf("default ceiling %s on this machine, want at least 1 GiB", formatBytes(c))
	}
	dir := t.TempDir()
	// 60 modules of 100 KB: long enough to parse that the watchdog
	// (every 100 ms) sees the heap over the ceiling while files are in
	// work, each short enough to reach the check point between files.
	var b strings.Builder
	for i := 0; b.Len() < 100<<10; i++ {
		fmt.Fprintf(&b, "def handler_%d(a, b):\n    return [a + b * %d for _ in range(a)]\n", i, i)
	}
	for i := range 60 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("mod%02d.py", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	defer func(d time.Duration) { hardStopGrace = d }(hardStopGrace)
	hardStopGrace = time.Minute
	// The ceiling: 16 MiB over what the test process holds now.
	runtime.GC()
	ceiling := (liveHeap() + 16<<20) &^ (1<<20 - 1)
	defer func(f func() uint64) { memoryCeiling = f }(memoryCeiling)
	memoryCeiling = func() uint64 { return ceiling }
	out, errOut, code := run(t, "scan", "--format", "json", dir)
	if code != ExitNoRun {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitNoRun, errOut)
	}
	for _, want := range []string{"scan stopped by the default memory ceiling of " + formatBytes(ceiling), "while parsing Python files", "(at mod", "no report was written"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q, want %q", errOut, want)
		}
	}
	if out != "" {
		t.Errorf("a stopped scan wrote a report:\n%.300s", out)
	}
	// GOMEMLIMIT is the user's own tuning: no default ceiling then.
	t.Setenv("GOMEMLIMIT", "8GiB")
	if _, errOut, code := run(t, "scan", "-q", dir); code == ExitNoRun {
		t.Errorf("with GOMEMLIMIT set the default ceiling still stopped the scan: %s", errOut)
	}
}

// TestScanGuardHardStop checks the last resort: a scan that reaches no
// check point after its limit is ended with exit 3 and the message.
func TestScanGuardHardStop(t *testing.T) {
	defer func(d time.Duration) { hardStopGrace = d }(hardStopGrace)
	hardStopGrace = 50 * time.Millisecond
	var mu sync.Mutex
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	g := newScanGuard(context.Background(), 10*time.Millisecond, 0, false, writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return stderr.Write(p)
	}))
	g.exit = func(code int) { exited <- code }
	if err := g.step("building the FastAPI model"); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-exited:
		if code != ExitNoRun {
			t.Errorf("exit %d, want %d", code, ExitNoRun)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no hard stop")
	}
	g.close()
	mu.Lock()
	defer mu.Unlock()
	if want := "scan stopped by --timeout 10ms while building the FastAPI model; no report was written"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]uint64{
		"1073741824": 1 << 30, "512MiB": 512 << 20, "1GiB": 1 << 30, "1 GiB": 1 << 30, "1gib": 1 << 30,
		"1.5G": 3 << 29, "800MB": 800e6, "64k": 64 << 10, "10B": 10, "2TiB": 2 << 40,
	} {
		got, err := parseBytes(in)
		if err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "GiB", "-1", "1XB", "1.2.3MiB", "99999999999TiB"} {
		if v, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", in, v)
		}
	}
	for n, want := range map[uint64]string{10: "10 bytes", 1 << 20: "1 MiB", 3 << 29: "1.5 GiB", 1000: "1000 bytes"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestScanJobs checks that --jobs bounds the cores and leaves the findings
// as they are, and that a negative count is a usage error.
func TestScanJobs(t *testing.T) {
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	findings := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, append(append([]string{"scan", "--format", "json"}, args...), app)...)
		if code != ExitFindings {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var rep struct {
			Findings []struct {
				Fingerprint string `json:"fingerprint"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		var fps []string
		for _, f := range rep.Findings {
			fps = append(fps, f.Fingerprint)
		}
		return strings.Join(fps, ",")
	}
	procs := runtime.GOMAXPROCS(0)
	if one, all := findings("--jobs", "1"), findings(); one != all || one == "" {
		t.Errorf("--jobs 1 found %q, all cores %q", one, all)
	}
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS %d after the scan, want %d back", got, procs)
	}
	if _, errOut, code := run(t, "scan", "--jobs", "-2", app); code != ExitUsage || !strings.Contains(errOut, "--jobs -2") {
		t.Errorf("--jobs -2: exit %d, %q", code, errOut)
	}
}
