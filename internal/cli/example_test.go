package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
	t.Run("advisories", func(t *testing.T) {
		// The dependency audit against the real PyPI advisories: FA801 on
		// the example's old fastapi, pyyaml and jinja2. The index cache goes
		// to a temporary directory.
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		zip := filepath.Join("..", "deps", "osv", "testdata", "PyPI-pysec.zip")
		out, errOut, code := run(t, "scan", "--format", "text", "--no-color", "--select", "FA8", "--advisories", zip, app)
		if code != ExitFindings {
			t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errOut)
		}
		got := secondsText.ReplaceAllString(out, "lines, 0.00s")
		golden := filepath.Join("testdata", "vulnerable-app-advisories.text")
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
		// A path that is no advisory database is a usage error.
		_, errOut, code = run(t, "scan", "--advisories", filepath.Join("testdata", "vulnerable-app.text"), app)
		if code != ExitUsage || !strings.Contains(errOut, "--advisories") {
			t.Errorf("bad --advisories: exit %d, want %d, stderr %q", code, ExitUsage, errOut)
		}
	})
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
