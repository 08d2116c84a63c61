package secrets

import (
	"os"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// BenchmarkCollect collects the secrets of the Python files under
// $BENCH_PY_DIR (read from disk, as for files that were not parsed).
func BenchmarkCollect(b *testing.B) {
	dir := os.Getenv("BENCH_PY_DIR")
	if dir == "" {
		b.Skip("set BENCH_PY_DIR to a directory of Python code")
	}
	files, _, err := source.Discover([]string{dir}, source.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for _, f := range files {
		size += f.Size
	}
	b.SetBytes(size)
	for b.Loop() {
		n := len(Collect(files, nil))
		b.ReportMetric(float64(n), "secrets")
	}
}
