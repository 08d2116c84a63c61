package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/parallel"
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
// (GOMAXPROCS, all cores by default, when jobs < 1). The result is in the
// order of files.
func ParseAll(files []File, jobs int, maxSize int64) []*Parsed {
	return ParseAllProgress(files, jobs, maxSize, nil)
}

// ParseAllProgress is ParseAll calling progress (when not nil) after each
// file with the number parsed so far and the total; it is called from
// several goroutines.
func ParseAllProgress(files []File, jobs int, maxSize int64, progress func(done, total int)) []*Parsed {
	var watch func(File, bool)
	if progress != nil {
		var done atomic.Int64
		total := 0
		for _, f := range files {
			if f.Kind == Python {
				total++
			}
		}
		watch = func(_ File, finished bool) {
			if finished {
				progress(int(done.Add(1)), total)
			}
		}
	}
	out, _ := ParseAllContext(context.Background(), files, jobs, maxSize, watch)
	return out
}

// ParseAllContext is ParseAll stopped by ctx: once ctx is done the workers
// take no further file and it returns ctx's error (wrapped) with an
// incomplete result, which the caller must not use. watch (when not nil)
// is called from the workers as each Python file's parse starts
// (finished false) and ends (finished true).
func ParseAllContext(ctx context.Context, files []File, jobs int, maxSize int64, watch func(f File, finished bool)) ([]*Parsed, error) {
	var py []File
	for _, f := range files {
		if f.Kind == Python {
			py = append(py, f)
		}
	}
	opts := &syntax.Options{MaxFileSize: int(maxSize)}
	out := make([]*Parsed, len(py))
	var done atomic.Int64
	parallel.For(len(py), jobs, func() bool { return ctx.Err() != nil }, func(i int) {
		if watch != nil {
			watch(py[i], false)
		}
		out[i] = parseOne(py[i], opts)
		done.Add(1)
		if watch != nil {
			watch(py[i], true)
		}
	})
	if err := context.Cause(ctx); err != nil {
		return out, fmt.Errorf("parsing stopped after %d of %d Python files: %w", done.Load(), len(py), err)
	}
	return out, nil
}

func parseOne(f File, opts *syntax.Options) *Parsed {
	src, err := readSource(f.Path, int64(opts.MaxFileSize))
	if err != nil {
		file, _ := syntax.ParseFile(f.Path, nil, opts)
		file.Errors = append(file.Errors, &syntax.Error{Pos: syntax.Position{Line: 1, Column: 1}, File: f.Path, Msg: fmt.Sprintf("cannot read: %v", err)})
		return &Parsed{File: f, Syntax: file}
	}
	file, _ := syntax.ParseFile(f.Path, src, opts)
	return &Parsed{File: f, Syntax: file}
}

// errGrew is returned by readSource for a file that grew past the size
// limit after discovery measured it.
var errGrew = errors.New("grew over the size limit since it was listed")

// readSource reads a file found by Discover, at most limit bytes when limit
// is positive: a file that changed since it was listed (grew, or was
// replaced by a named pipe or device) must not make the read unbounded.
func readSource(path string, limit int64) ([]byte, error) {
	if limit == 0 {
		limit = DefaultMaxFileSize
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", fileType(info.Mode().Type()))
	}
	if limit < 0 {
		return io.ReadAll(fh)
	}
	// One buffer of the size the file had (a bytes.Buffer would keep up to
	// twice that alive with the syntax tree), one byte more to see growth.
	src := make([]byte, min(info.Size(), limit)+1)
	n, err := io.ReadFull(fh, src)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		src = src[:n] // as large as stat said, or shrunk since
	case err != nil:
		return nil, err
	default: // grew since stat: read on, up to the limit
		more, err := io.ReadAll(io.LimitReader(fh, limit+1-int64(n)))
		if err != nil {
			return nil, err
		}
		src = append(src, more...)
	}
	if int64(len(src)) > limit {
		return nil, fmt.Errorf("%w (%d bytes)", errGrew, limit)
	}
	return src, nil
}
