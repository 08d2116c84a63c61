package openapi

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary documents to Parse and exercises the helpers on
// whatever it returns. Seeds live in testdata/fuzz/FuzzParse: two generated
// FastAPI documents, a $ref-cycle document, a 3.1 YAML document and a
// security-heavy one.
func FuzzParse(f *testing.F) {
	opts := Options{MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := opts.Parse(data)
		if err != nil {
			if s != nil {
				t.Fatal("spec and error both returned")
			}
			return
		}
		if len(s.Operations) > DefaultMaxOperations {
			t.Fatalf("%d operations kept", len(s.Operations))
		}
		for _, op := range s.Operations {
			if s.Find(op.Method, op.Path) == nil {
				t.Fatalf("Find(%s, %q) = nil", op.Method, op.Path)
			}
			op.PathParams()
			op.AuthRequired()
			for _, p := range op.Params {
				if p.Schema == nil {
					t.Fatalf("param %s without schema", p.Name)
				}
				checkDepth(t, p.Schema)
				p.Schema.Example()
			}
			if op.Body != nil {
				checkDepth(t, op.Body.Schema)
				op.Body.Schema.Example()
			}
		}
		s.ResolveServers("http://127.0.0.1:8000/openapi.json")
	})
}

func checkDepth(t *testing.T, s *Schema) {
	t.Helper()
	if d := treeHeight(s); d > MaxSchemaDepth+1 {
		t.Fatalf("schema depth %d", d)
	}
}

// TestFuzzSeedsParse keeps the checked-in seeds useful: each is a document
// Parse accepts, so fuzzing starts from the interesting paths.
func TestFuzzSeedsParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	if err != nil || len(files) < 5 {
		t.Fatalf("seeds: %v, %v", files, err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		body := strings.TrimPrefix(strings.TrimSpace(string(raw)), "go test fuzz v1\n")
		quoted := strings.TrimSuffix(strings.TrimPrefix(body, "[]byte("), ")")
		doc, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		s, err := Parse([]byte(doc))
		if err != nil || len(s.Operations) == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
