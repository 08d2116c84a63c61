package syntax

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// findPython returns the machine's python3 and its version, skipping the
// test when there is none, except under CI, where that is a failure.
func findPython(t *testing.T) (path string, major, minor int, stdlib string) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 is needed for the differential test: %v", err)
		}
		t.Skip("python3 not found; the differential test needs it (CI=true makes this a failure)")
	}
	out, err := exec.Command(py, "-c", `import sys, sysconfig; print(sys.version_info[0], sys.version_info[1], sysconfig.get_paths()["stdlib"])`).Output()
	if err != nil {
		t.Fatalf("asking %s for its version: %v", py, err)
	}
	if _, err := fmt.Sscan(string(out), &major, &minor, &stdlib); err != nil {
		t.Fatalf("reading %s's version from %q: %v", py, out, err)
	}
	return py, major, minor, stdlib
}

// TestCPythonDifferential parses every .py file under the machine's Python
// standard library (or $PYAST_DIFF_DIR) with both parsers and compares the
// trees in one canonical text form: zero differences on files CPython
// accepts, and every file CPython rejects is rejected. With -short it takes
// a sample of about 1,500 files.
func TestCPythonDifferential(t *testing.T) {
	py, major, minor, stdlib := findPython(t)
	root := stdlib
	if dir := os.Getenv("PYAST_DIFF_DIR"); dir != "" {
		root = dir
	}
	files := pyFiles(t, root)
	if testing.Short() && len(files) > 1500 {
		step := len(files) / 1500
		var sample []string
		for i := 0; i < len(files); i += step {
			sample = append(sample, files[i])
		}
		files = sample
	}
	differential(t, py, major, minor, files)
}

// TestCPythonCases runs the differential test on the hand-written cases in
// testdata/cases: valid code and code CPython rejects (bad_*.py).
func TestCPythonCases(t *testing.T) {
	py, major, minor, _ := findPython(t)
	files := pyFiles(t, filepath.Join("testdata", "cases"))
	rejected := differential(t, py, major, minor, files)
	bad := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "bad_") {
			bad++
		}
	}
	if rejected != bad {
		t.Errorf("CPython rejected %d case files, want the %d named bad_*.py", rejected, bad)
	}
}

func pyFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable parts are not our concern
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".py") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no .py files under %s", root)
	}
	sort.Strings(files)
	return files
}

// differential compares our trees with CPython's for files, running one
// astdump.py per core, and returns how many files CPython rejected.
func differential(t *testing.T, py string, major, minor int, files []string) int {
	t.Helper()
	omit := major == 3 && minor < 12
	workers := runtime.NumCPU()
	var (
		mu                         sync.Mutex
		failures                   []string
		accepted, rejected, nLines int
	)
	fail := func(msg string) {
		mu.Lock()
		failures = append(failures, msg)
		mu.Unlock()
	}
	script, err := filepath.Abs(filepath.Join("testdata", "astdump.py"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		var chunk []string
		for i := w; i < len(files); i += workers {
			chunk = append(chunk, files[i])
		}
		if len(chunk) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(py, script)
			cmd.Stdin = strings.NewReader(strings.Join(chunk, "\n") + "\n")
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				fail(err.Error())
				return
			}
			if err := cmd.Start(); err != nil {
				fail(err.Error())
				return
			}
			sc := bufio.NewScanner(out)
			sc.Buffer(make([]byte, 1<<20), 1<<28)
			var path string
			var want strings.Builder
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "=== END"):
					a, r, n, msg := compareWithCPython(path, want.String(), omit)
					mu.Lock()
					accepted += a
					rejected += r
					nLines += n
					mu.Unlock()
					if msg != "" {
						fail(msg)
					}
					want.Reset()
				case strings.HasPrefix(line, "=== "):
					path = line[4:]
				default:
					want.WriteString(line)
					want.WriteByte('\n')
				}
			}
			if err := cmd.Wait(); err != nil {
				fail(fmt.Sprintf("astdump.py: %v", err))
			}
		}()
	}
	wg.Wait()
	t.Logf("%d files (%d lines): %d accepted by CPython %d.%d, %d rejected; %d differences",
		len(files), nLines, accepted, major, minor, rejected, len(failures))
	sort.Strings(failures)
	for i, f := range failures {
		if i == 60 {
			t.Errorf("... and %d more", len(failures)-60)
			break
		}
		t.Error(f)
	}
	return rejected
}

// compareWithCPython parses one file and compares it with CPython's dump,
// returning counts and a description of the first difference.
func compareWithCPython(path, want string, omit bool) (accepted, rejected, lines int, msg string) {
	src, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, 0, err.Error()
	}
	f, perr := ParseFile(path, src, &Options{MaxFileSize: -1})
	lines = f.LineCount()
	if strings.HasPrefix(want, "REJECT ") {
		if perr == nil {
			return 0, 1, lines, fmt.Sprintf("%s: CPython rejects it (%s) but we accept it", path, strings.TrimSpace(want[7:]))
		}
		return 0, 1, lines, ""
	}
	if perr != nil {
		return 1, 0, lines, fmt.Sprintf("%s: CPython accepts it but we report: %v", path, perr)
	}
	got := dumpTree(f, omit)
	if got == want {
		return 1, 0, lines, ""
	}
	return 1, 0, lines, fmt.Sprintf("%s: trees differ\n%s", path, firstDifference(want, got))
}

// firstDifference shows the first differing line of two dumps with context.
func firstDifference(want, got string) string {
	w := strings.Split(want, "\n")
	g := strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	from := max(0, i-6)
	var b strings.Builder
	cut := func(s string) string {
		if len(s) > 300 {
			return s[:300] + "..."
		}
		return s
	}
	for j := from; j < i; j++ {
		fmt.Fprintf(&b, "    %s\n", cut(w[j]))
	}
	for j := i; j < min(i+3, len(w)); j++ {
		fmt.Fprintf(&b, "  - %s\n", cut(w[j]))
	}
	for j := i; j < min(i+3, len(g)); j++ {
		fmt.Fprintf(&b, "  + %s\n", cut(g[j]))
	}
	return b.String()
}
