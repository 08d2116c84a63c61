package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

// run runs the command line and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestRoutesGolden checks the routes inventory of the fixture apps against
// reviewed golden files: any difference fails.
func TestRoutesGolden(t *testing.T) {
	for _, app := range []string{"layered", "modern", "views", "flow", "starlette", "authshapes", "dispatch"} {
		t.Run(app, func(t *testing.T) {
			dir := filepath.Join("..", "fastapi", "testdata", app)
			out, errOut, code := run(t, "routes", dir)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			got := out + "-- diagnostics --\n" + strings.ReplaceAll(errOut, dir+string(filepath.Separator), "")
			checkGolden(t, filepath.Join("testdata", app+".routes"), got)
		})
	}
}

func TestRoutesFormats(t *testing.T) {
	dir := filepath.Join("..", "fastapi", "testdata", "layered")
	out, _, code := run(t, "routes", "--format", "json", dir)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Schema int            `json:"schema"`
		Routes []report.Route `json:"routes"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v", err)
	}
	if doc.Schema != 1 || len(doc.Routes) != 16 {
		t.Fatalf("schema %d, %d routes", doc.Schema, len(doc.Routes))
	}
	var ban *report.Route
	for i := range doc.Routes {
		if doc.Routes[i].Path == "/api/v1/admin/users/{user_id}/ban" {
			ban = &doc.Routes[i]
		}
	}
	if ban == nil || strings.Join(ban.Auth, ">") != "require_admin>get_current_user>oauth2_scheme" ||
		strings.Join(ban.Authz, ",") != "require_admin" || ban.Params["path"][0] != "user_id" {
		t.Errorf("ban route = %+v", ban)
	}

	out, _, code = run(t, "routes", "--format", "csv", dir)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	records, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(records) != 17 || records[0][1] != "path" {
		t.Errorf("csv: %d records, %v", len(records), err)
	}

	if _, _, code := run(t, "routes", "--format", "yaml", dir); code != ExitUsage {
		t.Errorf("bad format: exit %d, want %d", code, ExitUsage)
	}
	if _, _, code := run(t, "routes", filepath.Join(dir, "missing")); code != ExitNoRun {
		t.Errorf("missing path: exit %d, want %d", code, ExitNoRun)
	}
}

// checkGolden compares output with a golden file, or rewrites the file
// under -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
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
		t.Errorf("output differs from %s (go test ./internal/cli -update, then review):\n--- got ---\n%s\n--- want ---\n%s", golden, got, want)
	}
}
