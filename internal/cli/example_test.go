package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	secondsJSON = regexp.MustCompile(`"seconds": [0-9.e-]+`)
	secondsText = regexp.MustCompile(`lines, [0-9.]+s`)
)

// TestExampleReports compares the scan of examples/vulnerable-app with
// reviewed golden reports (text and JSON), and validates its SARIF.
func TestExampleReports(t *testing.T) {
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := run(t, "scan", "--format", format, "--no-color", app)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errOut)
			}
			got := secondsText.ReplaceAllString(secondsJSON.ReplaceAllString(out, `"seconds": 0`), "lines, 0.00s")
			golden := filepath.Join("testdata", "vulnerable-app."+format)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("report differs from %s (go test ./internal/cli -update, then review):\n%s", golden, got)
			}
		})
	}
	t.Run("sarif", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--format", "sarif", app)
		f, err := os.Open(filepath.Join("..", "report", "testdata", "sarif-schema-2.1.0.json"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource("sarif.json", doc); err != nil {
			t.Fatal(err)
		}
		schema, err := c.Compile("sarif.json")
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(out)))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Fatalf("SARIF of the example app does not validate: %v", err)
		}
	})
}
