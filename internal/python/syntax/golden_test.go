package syntax

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected trees of testdata/golden")

// TestGolden checks syntax newer than the Python the differential test runs
// on (PEP 695, 696, 701, 750, 758) against expected trees written beside
// each file in testdata/golden as NAME.tree, in the differential test's
// canonical form with all positions.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.py"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFile(path, src, nil)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got := dumpTree(f, false)
			want := strings.TrimSuffix(path, ".py") + ".tree"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to write it, then review it)", err)
			}
			if string(b) != got {
				t.Errorf("tree differs from %s:\n%s", want, firstDifference(string(b), got))
			}
		})
	}
}
