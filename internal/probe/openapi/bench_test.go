package openapi

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse measures Parse on each generated FastAPI document (the
// figures in the package comment).
func BenchmarkParse(b *testing.B) {
	for _, f := range []string{"stockroom.json", "stockroom-3.1.json", "vulnapi.json", "restaurant.json", "apix-owasp.json", "layered.json", "modern.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
