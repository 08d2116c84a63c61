// Command parsedir does one full pass over a directory of .py files: list,
// read, tokenize, parse and walk every file, then prints what it did on one
// line of key=value pairs. bench/parse.sh runs it under /usr/bin/time -v to
// measure peak RSS.
//
//	parsedir [-dir DIR] [-jobs N] [-readonly] [-list-errors]
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/fastapi-audit/fastapi-audit/bench/parse"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func main() {
	dir := flag.String("dir", "", "directory of .py files (default $"+parse.DirEnv+", else python3's standard library)")
	jobs := flag.Int("jobs", runtime.NumCPU(), "goroutines parsing files")
	readOnly := flag.Bool("readonly", false, "only read the files (the baseline)")
	listErrors := flag.Bool("list-errors", false, "after the timed pass, list the files with syntax errors on stderr")
	flag.Parse()
	if err := run(*dir, *jobs, *readOnly, *listErrors); err != nil {
		fmt.Fprintln(os.Stderr, "parsedir:", err)
		if errors.Is(err, parse.ErrNoPython) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

func run(dir string, jobs int, readOnly, listErrors bool) error {
	if jobs < 1 {
		jobs = runtime.NumCPU()
	}
	if dir == "" {
		var err error
		if dir, err = parse.Dir(); err != nil {
			return err
		}
	}
	start := time.Now()
	files, err := parse.ListFiles(dir)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no .py files under %s", dir)
	}
	listed := time.Since(start)
	st := parse.Pass(files, nil, jobs, !readOnly)
	sec := time.Since(start).Seconds()
	mode := "parse"
	if readOnly {
		mode = "read"
	}
	fmt.Printf("mode=%s jobs=%d files=%d lines=%d bytes=%d nodes=%d errfiles=%d errors=%d readfails=%d list_seconds=%.3f seconds=%.3f lines_per_s=%.0f mb_per_s=%.1f dir=%s\n",
		mode, jobs, st.Files, st.Lines, st.Bytes, st.Nodes, st.ErrFiles, st.Errors, st.ReadFails,
		listed.Seconds(), sec, float64(st.Lines)/sec, float64(st.Bytes)/1e6/sec, dir)
	if listErrors {
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if f, err := syntax.ParseFile(path, src, nil); err != nil {
				fmt.Fprintf(os.Stderr, "%s (%d errors)\n", err, len(f.Errors))
			}
		}
	}
	return nil
}
