package parse

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
)

// corpus is the directory under measurement, listed once per test binary
// so every benchmark sees the same files. The sources are kept in memory only
// once an in-memory benchmark asks for them (see sources): a live 128 MB
// corpus makes the collector run less often, which would flatter the
// end-to-end benchmarks, so those run first and without it.
type corpus struct {
	dir   string
	files []string // the readable .py files, sorted
	lines int
	bytes int64
	err   error
	skip  bool // no directory to measure: skip rather than fail

	srcsOnce sync.Once
	srcs     [][]byte // srcs[i] is the content of files[i], once loaded
	srcsErr  error
}

var (
	corpusOnce sync.Once
	theCorpus  corpus
)

func loadCorpus(b *testing.B) *corpus {
	b.Helper()
	corpusOnce.Do(func() {
		c := &theCorpus
		c.dir, c.err = Dir()
		if c.err != nil {
			c.skip = errors.Is(c.err, ErrNoPython)
			return
		}
		files, err := ListFiles(c.dir)
		if err != nil {
			c.err = err
			return
		}
		for _, path := range files {
			src, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			c.files = append(c.files, path)
			c.lines += CountLines(src)
			c.bytes += int64(len(src))
		}
		if len(c.files) == 0 {
			c.err = fmt.Errorf("no readable .py files under %s", c.dir)
		}
	})
	c := &theCorpus
	switch {
	case c.skip:
		b.Skip(c.err)
	case c.err != nil:
		b.Fatal(c.err)
	}
	return c
}

// sources returns the content of every file, loading it on first use.
func (c *corpus) sources(b *testing.B) [][]byte {
	b.Helper()
	c.srcsOnce.Do(func() {
		srcs := make([][]byte, len(c.files))
		for i, path := range c.files {
			src, err := os.ReadFile(path)
			if err != nil {
				c.srcsErr = err
				return
			}
			srcs[i] = src
		}
		c.srcs = srcs
	})
	if c.srcsErr != nil {
		b.Fatal(c.srcsErr)
	}
	return c.srcs
}

// measure runs one full pass per iteration and reports throughput and
// allocations per line and per file. For read-only passes, which do not
// count lines, lines/s uses the corpus's line count.
func measure(b *testing.B, jobs int, fromDisk, parse bool) {
	c := loadCorpus(b)
	var srcs [][]byte // nil: read from disk inside the pass
	if !fromDisk {
		srcs = c.sources(b)
	}
	b.ReportAllocs()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	var st Stats
	for range b.N {
		st = Pass(c.files, srcs, jobs, parse)
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)

	lines := st.Lines
	if !parse {
		lines = c.lines
	}
	sec := b.Elapsed().Seconds()
	n := float64(b.N)
	if st.Files == 0 || sec == 0 {
		b.Fatalf("no files handled in %s", c.dir)
	}
	b.ReportMetric(float64(lines)*n/sec, "lines/s")
	b.ReportMetric(float64(st.Bytes)*n/1e6/sec, "MB/s")
	b.ReportMetric(float64(st.Files), "files")
	b.ReportMetric(float64(lines), "lines")
	allocs := float64(after.Mallocs-before.Mallocs) / n
	bytes := float64(after.TotalAlloc-before.TotalAlloc) / n
	b.ReportMetric(allocs/float64(lines), "allocs/line")
	b.ReportMetric(allocs/float64(st.Files), "allocs/file")
	b.ReportMetric(bytes/float64(lines), "B/line")
	if parse {
		b.ReportMetric(float64(st.ErrFiles), "errfiles")
		b.ReportMetric(float64(st.Nodes)/float64(lines), "nodes/line")
	}
	if st.ReadFails > 0 {
		b.ReportMetric(float64(st.ReadFails), "readfails")
	}
}

// BenchmarkReadOnly is the baseline: read every file from disk (the page
// cache, after the first pass) on one goroutine, and nothing else.
func BenchmarkReadOnly(b *testing.B) { measure(b, 1, true, false) }

// BenchmarkReadOnlyAllCores reads every file with runtime.NumCPU()
// goroutines: the floor for the all-core end-to-end pass.
func BenchmarkReadOnlyAllCores(b *testing.B) { measure(b, runtime.NumCPU(), true, false) }

// BenchmarkReadParseOneCore is the end-to-end pass on one goroutine: read
// from disk, tokenize, parse and walk each file.
func BenchmarkReadParseOneCore(b *testing.B) { measure(b, 1, true, true) }

// BenchmarkReadParseAllCores is the end-to-end pass on runtime.NumCPU()
// goroutines.
func BenchmarkReadParseAllCores(b *testing.B) { measure(b, runtime.NumCPU(), true, true) }

// BenchmarkParseOneCore tokenizes, parses and walks every file, from sources
// already in memory, on one goroutine.
func BenchmarkParseOneCore(b *testing.B) { measure(b, 1, false, true) }

// BenchmarkParseAllCores is BenchmarkParseOneCore with runtime.NumCPU()
// goroutines taking files from a shared atomic index.
func BenchmarkParseAllCores(b *testing.B) { measure(b, runtime.NumCPU(), false, true) }
