package source

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Parsed is a Python file read and parsed. Syntax is never nil: when the file
// could not be read or parsed, Syntax.Errors says why and the tree holds what
// could be read.
type Parsed struct {
	File
	Syntax *syntax.File
}

// ParseAll reads and parses the Python files among files on jobs goroutines
// (all cores when jobs < 1). The result is in the order of files.
func ParseAll(files []File, jobs int, maxSize int64) []*Parsed {
	return ParseAllProgress(files, jobs, maxSize, nil)
}

// ParseAllProgress is ParseAll calling progress (when not nil) after each
// file with the number parsed so far and the total; it is called from
// several goroutines.
func ParseAllProgress(files []File, jobs int, maxSize int64, progress func(done, total int)) []*Parsed {
	var py []File
	for _, f := range files {
		if f.Kind == Python {
			py = append(py, f)
		}
	}
	if jobs < 1 {
		jobs = runtime.NumCPU()
	}
	opts := &syntax.Options{MaxFileSize: int(maxSize)}
	out := make([]*Parsed, len(py))
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(jobs, len(py)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(py) {
					return
				}
				out[i] = parseOne(py[i], opts)
				if progress != nil {
					progress(int(done.Add(1)), len(py))
				}
			}
		}()
	}
	wg.Wait()
	return out
}

func parseOne(f File, opts *syntax.Options) *Parsed {
	src, err := os.ReadFile(f.Path)
	if err != nil {
		file, _ := syntax.ParseFile(f.Path, nil, opts)
		file.Errors = append(file.Errors, &syntax.Error{Pos: syntax.Position{Line: 1, Column: 1}, File: f.Path, Msg: fmt.Sprintf("cannot read: %v", err)})
		return &Parsed{File: f, Syntax: file}
	}
	file, _ := syntax.ParseFile(f.Path, src, opts)
	return &Parsed{File: f, Syntax: file}
}
