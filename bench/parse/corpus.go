// Package parse measures the Python front end on a directory of .py files:
// reading, tokenizing, parsing and walking every syntax tree. The benchmarks
// are in parse_bench_test.go; cmd/parsedir runs one full pass for peak-RSS
// measurements. See bench/README.md.
package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// DirEnv names the environment variable that selects the directory to
// measure; without it the machine's Python standard library is used.
const DirEnv = "BENCH_PY_DIR"

// ErrNoPython is returned by Dir when DirEnv is unset and python3 cannot be
// run to locate the standard library.
var ErrNoPython = errors.New("python3 not found and " + DirEnv + " unset: set " + DirEnv + " to a directory of .py files, or install python3 to use its standard library")

// Dir returns $BENCH_PY_DIR, or else the standard library directory of the
// machine's python3.
func Dir() (string, error) {
	if d := os.Getenv(DirEnv); d != "" {
		return d, nil
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		return "", ErrNoPython
	}
	out, err := exec.Command(py, "-c", `import sysconfig; print(sysconfig.get_paths()["stdlib"])`).Output()
	if err != nil {
		return "", fmt.Errorf("asking %s for its standard library: %v", py, err)
	}
	d := strings.TrimSpace(string(out))
	if d == "" {
		return "", fmt.Errorf("%s printed no standard library path", py)
	}
	return d, nil
}

// ListFiles returns the regular .py files under dir, sorted. Symbolic links
// are not followed and unreadable subdirectories are skipped.
func ListFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(path, ".py") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// CountLines counts lines as editors and wc -l do, plus a last line without
// a terminator: \n, \r\n and a lone \r each end a line, as in Python.
func CountLines(src []byte) int {
	n := bytes.Count(src, []byte{'\n'})
	if bytes.IndexByte(src, '\r') >= 0 {
		for i := 0; i < len(src); i++ {
			if src[i] == '\r' && (i+1 == len(src) || src[i+1] != '\n') {
				n++
			}
		}
	}
	if len(src) > 0 && src[len(src)-1] != '\n' && src[len(src)-1] != '\r' {
		n++
	}
	return n
}

// Stats totals one pass over a set of files.
type Stats struct {
	Files     int   // files handled
	Lines     int   // lines, as CountLines counts them (0 in a read-only pass)
	Bytes     int64 // bytes read (before decoding)
	Nodes     int   // syntax nodes visited by the walk
	ErrFiles  int   // files with at least one syntax error (or not parsed at all)
	Errors    int   // syntax errors in all files
	ReadFails int   // files that could not be read
}

func (s *Stats) add(o Stats) {
	s.Files += o.Files
	s.Lines += o.Lines
	s.Bytes += o.Bytes
	s.Nodes += o.Nodes
	s.ErrFiles += o.ErrFiles
	s.Errors += o.Errors
	s.ReadFails += o.ReadFails
}

// ParseWalk parses one source and walks every node of its tree, adding to s.
// It is the unit of work every parse benchmark repeats.
func ParseWalk(name string, src []byte, s *Stats) {
	f, err := syntax.ParseFile(name, src, nil)
	nodes := 0
	syntax.InspectFile(f, func(n syntax.Node) bool {
		if n != nil {
			nodes++
		}
		return true
	})
	s.Files++
	s.Lines += CountLines(src)
	s.Bytes += int64(len(src))
	s.Nodes += nodes
	if err != nil {
		s.ErrFiles++
		s.Errors += max(len(f.Errors), 1)
	}
}

// read reads one file into s; ok is false when it cannot be read.
func read(path string, s *Stats) (src []byte, ok bool) {
	src, err := os.ReadFile(path)
	if err != nil {
		s.ReadFails++
		return nil, false
	}
	return src, true
}

// Pass does one pass over files with jobs goroutines (jobs < 1 means
// runtime.NumCPU()), handing out files through an atomic index. With
// srcs == nil every file is read from disk inside the pass; otherwise
// srcs[i] is the content of files[i]. With parse false the pass only reads.
func Pass(files []string, srcs [][]byte, jobs int, parse bool) Stats {
	if jobs < 1 {
		jobs = runtime.NumCPU()
	}
	jobs = max(min(jobs, len(files)), 1)
	work := func(i int, s *Stats) {
		var src []byte
		if srcs != nil {
			src = srcs[i]
		} else {
			var ok bool
			if src, ok = read(files[i], s); !ok {
				return
			}
		}
		if parse {
			ParseWalk(files[i], src, s)
			return
		}
		s.Files++ // read only: lines are not counted, to keep the baseline a bare read
		s.Bytes += int64(len(src))
	}
	if jobs == 1 {
		var s Stats
		for i := range files {
			work(i, &s)
		}
		return s
	}
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		parts = make([]Stats, jobs)
	)
	for j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &parts[j]
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) {
					return
				}
				work(i, s)
			}
		}()
	}
	wg.Wait()
	var total Stats
	for _, p := range parts {
		total.add(p)
	}
	return total
}
