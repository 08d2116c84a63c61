//go:build unix

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// hostileTinyFiles is how many tiny modules the hostile corpus holds. 200k
// was measured by hand on the 2-core development machine (Debian, ext4):
// the scan took 13 to 18 s with a peak Go heap in use of about 1 GiB (RSS
// 1.1 GB), and writing the files another 5 to 13 s, too long for every
// test run; 50k keeps the same code paths in a few seconds.
const hostileTinyFiles = 50_000

// The hostile scan's memory bounds. The corpus holds about 25 MB; the scan
// keeps a live heap near 200 MB and its heap of objects, garbage included
// (GOGC=400 lets it accumulate, up to the 2 GiB soft limit Main sets),
// peaks near 700 MB. Before the parser's error limit, one of these files
// alone took the scan past 2 GB. The live heap does not depend on GC
// timing, so its bound is the tight one.
const (
	hostileMaxLive = 512 << 20
	hostileMaxHeap = 3 << 29 // 1.5 GiB
)

// hostileFile is one file of the corpus and the diagnostic it must get.
type hostileFile struct {
	name string
	make func(t *testing.T, path string)
	want string // a piece of the diagnostic message; "" for any; "-" for none
}

func writeBytes(b []byte) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		t.Helper()
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// repeatTo repeats unit until the result is n bytes long.
func repeatTo(unit string, n int) []byte {
	b := bytes.Repeat([]byte(unit), n/len(unit)+1)
	return b[:n]
}

// zipOf is a small zip archive holding one Python module, stored the way
// zipapps are, to be named .py.
func zipOf() []byte {
	var b bytes.Buffer
	// A local file header, the data and a central directory: enough for the
	// bytes to be what `python -m zipfile -c` makes; the content is what
	// matters here (binary headers with NULs and high bytes).
	data := []byte("print('hello from a zip')\n")
	b.WriteString("PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00")
	fmt.Fprintf(&b, "\xde\xad\xbe\xef%c\x00\x00\x00%c\x00\x00\x00\x0b\x00\x00\x00__main__.py", len(data), len(data))
	b.Write(data)
	b.WriteString("PK\x01\x02\x14\x03\x14\x00\x00\x00\x00\x00\x00\x00\x21\x00\xde\xad\xbe\xef")
	b.WriteString("PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00")
	return b.Bytes()
}

// nested returns a chain of n compound statements, each indented one
// more level, alternating def and class, ending with pass.
func nested(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i))
		if i%2 == 0 {
			fmt.Fprintf(&b, "def f%d():\n", i)
		} else {
			fmt.Fprintf(&b, "class C%d:\n", i)
		}
	}
	b.WriteString(strings.Repeat(" ", n) + "pass\n")
	return b.Bytes()
}

// hostileCorpus lists the files of the corpus by name.
func hostileCorpus() []hostileFile {
	limit := int(source.DefaultMaxFileSize)
	rnd := rand.New(rand.NewPCG(1, 2))
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(rnd.UintN(256))
	}
	var tokens bytes.Buffer
	for i := 0; tokens.Len() < 2<<20; i++ {
		fmt.Fprintf(&tokens, "v%d = a + b * c - d\n", i) // 10 tokens a line
	}
	return []hostileFile{
		// 5 MB on one line, just under the size limit: read and parsed.
		{"oneline.py", writeBytes(append(append([]byte("x = ["), repeatTo("1,", limit-8)...), "]\n"...)), "-"},
		// One byte over: skipped before it is read.
		{"oversize.py", writeBytes(repeatTo("#", limit+1)), fmt.Sprintf("over the %d-byte limit", limit)},
		{"brackets.py", writeBytes(append(repeatTo("(", 100_000), repeatTo(")", 100_000)...)), "too many nested parentheses"},
		{"badutf8.py", writeBytes([]byte("x = '\xff\xfe\xc3('\ny = 1\n")), "can't decode byte 0xff"},
		{"nul.py", writeBytes([]byte("x = 1\x00\x00\ny = 2\n")), "null bytes"},
		{"binary.py", writeBytes(binary), ""},
		{"zipped.py", writeBytes(zipOf()), ""},
		// 100k unary operators and a 100k-deep parenthesised lambda chain.
		{"deep_expr.py", writeBytes([]byte("x = " + strings.Repeat("-", 100_000) + "1\n")), "too many nested expressions or statements"},
		{"deep_lambda.py", writeBytes([]byte("f = " + strings.Repeat("lambda: ", 100_000) + "0\n")), "too many nested expressions or statements"},
		// 1000 nested if statements, and a 1000-level def/class chain:
		// CPython stops at 100 indentation levels, and the parser stops
		// after 100 errors.
		{"deep_stmt.py", func(t *testing.T, path string) {
			var b bytes.Buffer
			for i := 0; i < 1000; i++ {
				b.WriteString(strings.Repeat(" ", i) + "if x:\n")
			}
			b.WriteString(strings.Repeat(" ", 1000) + "pass\n")
			writeBytes(b.Bytes())(t, path)
		}, "too many levels of indentation"},
		{"chain.py", writeBytes(nested(1000)), "too many syntax errors"},
		// 4 MB of unmatched closing brackets, one a line: each line is an
		// error; recovering from them used to recurse until the stack
		// overflowed (a crash, not a diagnostic).
		{"flood.py", writeBytes(repeatTo(")\n", 4<<20)), "too many syntax errors"},
		// A million tokens on 100k lines of valid code.
		{"tokens.py", writeBytes(tokens.Bytes()), "-"},
	}
}

// TestScanHostileCorpus scans a tree built to hurt: huge, deep, binary and
// malformed Python files, special files, a symbolic-link loop and tens of
// thousands of tiny files. The scan must finish (exit 0 or 1, no crash),
// name each file it skipped or could not parse in a diagnostic, and keep
// its heap bounded.
func TestScanHostileCorpus(t *testing.T) {
	root := t.TempDir()
	tree := filepath.Join(root, "tree")
	if err := os.MkdirAll(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	corpus := hostileCorpus()
	for _, f := range corpus {
		f.make(t, filepath.Join(tree, f.name))
	}
	// A directory loop through a symbolic link: walked once, no diagnostic.
	mustMkdir(t, filepath.Join(tree, "loop"))
	writeBytes([]byte("y = 1\n"))(t, filepath.Join(tree, "loop", "inner.py"))
	mustSymlink(t, "..", filepath.Join(tree, "loop", "up"))
	// A link to itself: stat fails with ELOOP, reported.
	mustSymlink(t, "selfloop.py", filepath.Join(tree, "selfloop.py"))
	corpus = append(corpus, hostileFile{name: "selfloop.py", want: "too many levels of symbolic links"})
	// A dangling link named like an editor's lock file: nothing to read,
	// nothing to report.
	mustSymlink(t, "root@host.1234:1700000000", filepath.Join(tree, ".#main.py"))
	// A named pipe: opening it would block for ever. Reported, not read.
	if err := syscall.Mkfifo(filepath.Join(tree, "pipe.py"), 0o644); err != nil {
		t.Fatal(err)
	}
	corpus = append(corpus, hostileFile{name: "pipe.py", want: "not a regular file (named pipe)"})
	// A directory that cannot be read. Root reads it anyway (permissions do
	// not apply to root, and the test machines run tests as root), so the
	// diagnostic path for unreadable entries is asserted above with the
	// link loop and the pipe; as another user the directory is checked too.
	locked := filepath.Join(tree, "locked")
	mustMkdir(t, locked)
	writeBytes([]byte("z = 1\n"))(t, filepath.Join(locked, "secret.py"))
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o755) })
	if _, err := os.ReadDir(locked); err != nil {
		corpus = append(corpus, hostileFile{name: "locked", want: "permission denied"})
	} else {
		t.Log("running as root: the chmod 000 directory is readable, its diagnostic is not checked")
	}
	tiny := hostileTinyFiles
	if testing.Short() {
		tiny = 5_000
	}
	// Written from several goroutines: creating files is mostly waiting.
	var wg sync.WaitGroup
	errs := make(chan error, tiny/1000)
	for d := 0; d < tiny/1000; d++ {
		dir := filepath.Join(tree, "tiny", fmt.Sprintf("pkg%03d", d))
		mustMkdir(t, dir)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("m%04d.py", i)), []byte(fmt.Sprintf("x = %d\n", i)), 0o644); err != nil {
					errs <- err
					return
				}
			}
		}()
		if d%8 == 7 {
			wg.Wait()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("corpus written in %v", time.Since(start).Round(time.Millisecond))

	// Sample the heap while the scan runs: the live heap (what the last
	// collection kept, the scan's real footprint) and the heap in use
	// (garbage included: with GOGC=400 it runs well above the live heap).
	stop := make(chan struct{})
	peaks := make(chan [2]uint64)
	go func() {
		samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
		var peakLive, peakInuse uint64
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			peakLive, peakInuse = max(peakLive, samples[0].Value.Uint64()), max(peakInuse, samples[1].Value.Uint64())
			select {
			case <-stop:
				peaks <- [2]uint64{peakLive, peakInuse}
				return
			case <-tick.C:
			}
		}
	}()
	report := filepath.Join(root, "report.json")
	start = time.Now()
	_, errOut, code := run(t, "scan", "--format", "json", "--output", report, tree)
	elapsed := time.Since(start)
	close(stop)
	peak := <-peaks
	t.Logf("scan: exit %d in %v, peak live heap %d MiB, peak heap objects %d MiB",
		code, elapsed.Round(time.Millisecond), peak[0]>>20, peak[1]>>20)
	if code != ExitOK && code != ExitFindings {
		t.Fatalf("exit %d, want 0 or 1; stderr:\n%s", code, errOut)
	}
	if peak[0] > hostileMaxLive || peak[1] > hostileMaxHeap {
		t.Errorf("peak live heap %d MiB, heap objects %d MiB: over %d MiB and %d MiB",
			peak[0]>>20, peak[1]>>20, hostileMaxLive>>20, hostileMaxHeap>>20)
	}

	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Diagnostics []struct {
			Location struct{ File string }
			Message  string
			Kind     string
		}
		Stats struct{ Files int }
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	byFile := map[string][]string{}
	for _, d := range rep.Diagnostics {
		name := filepath.Base(d.Location.File)
		byFile[name] = append(byFile[name], d.Kind+": "+d.Message)
	}
	for _, f := range corpus {
		got := byFile[f.name]
		switch {
		case f.want == "-":
			if len(got) > 0 {
				t.Errorf("%s: unexpected diagnostics %q", f.name, got)
			}
		case len(got) == 0:
			t.Errorf("%s: no diagnostic names it", f.name)
		case f.want != "" && !strings.Contains(strings.Join(got, "\n"), f.want):
			t.Errorf("%s: diagnostics %q, want one with %q", f.name, got, f.want)
		}
		if len(got) > 101 {
			t.Errorf("%s: %d diagnostics, want at most 101", f.name, len(got))
		}
	}
	for _, quiet := range []string{".#main.py", "up", "loop"} {
		if len(byFile[quiet]) > 0 {
			t.Errorf("%s: unexpected diagnostics %q", quiet, byFile[quiet])
		}
	}
	// Every tiny file, the valid big ones and the loop's module once; the
	// rest are skipped or could not be read.
	if min := tiny + 3; rep.Stats.Files < min || rep.Stats.Files > min+len(corpus) {
		t.Errorf("%d files scanned, want about %d (the loop walked once)", rep.Stats.Files, min)
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
