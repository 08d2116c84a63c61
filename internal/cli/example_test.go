package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv/osvtest"
	"github.com/fastapi-audit/fastapi-audit/internal/report/browsertest"
)

var (
	secondsJSON = regexp.MustCompile(`"seconds": [0-9.e-]+`)
	secondsText = regexp.MustCompile(`lines, [0-9.]+s`)
)

// TestExampleReports compares the scan of examples/vulnerable-app with
// reviewed golden reports (text and JSON), and validates its SARIF.
func TestExampleReports(t *testing.T) {
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	for _, format := range []string{"text", "json", "github"} {
		t.Run(format, func(t *testing.T) {
			out, errOut, code := run(t, "scan", "--format", format, "--no-color", app)
			if code != ExitFindings {
				t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errOut)
			}
			got := secondsText.ReplaceAllString(secondsJSON.ReplaceAllString(out, `"seconds": 0`), "lines, 0.00s")
			checkGolden(t, filepath.Join("testdata", "vulnerable-app."+format), got)
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
		checkGolden(t, filepath.Join("testdata", "vulnerable-app-advisories.text"), got)
		// A path that is no advisory database is a usage error.
		_, errOut, code = run(t, "scan", "--advisories", filepath.Join("testdata", "vulnerable-app.text"), app)
		if code != ExitUsage || !strings.Contains(errOut, "--advisories") {
			t.Errorf("bad --advisories: exit %d, want %d, stderr %q", code, ExitUsage, errOut)
		}
	})
	t.Run("online", func(t *testing.T) {
		// --online against a local OSV API serving the real advisories: the
		// same FA801 findings as the offline zip, the second run from cache.
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		db, err := osv.Open(filepath.Join("..", "deps", "osv", "testdata", "PyPI-pysec.zip"), osv.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		srv := osvtest.New(db)
		defer srv.Close()
		args := []string{"scan", "--format", "text", "--no-color", "--select", "FA801", "--online", "--osv-url", srv.URL, app}
		out, errOut, code := run(t, args...)
		if code != ExitFindings {
			t.Fatalf("exit %d, want %d: %s", code, ExitFindings, errOut)
		}
		for _, want := range []string{
			"fastapi 0.65.1 has 2 known vulnerabilities: PYSEC-2021-100",
			"pyyaml 5.3 has 2 known vulnerabilities: PYSEC-2020-96",
			"jinja2 2.11.2 has 1 known vulnerability: PYSEC-2021-66",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("online report lacks %q:\n%s", want, out)
			}
		}
		hits := srv.Hits.Load()
		again, _, _ := run(t, args...)
		norm := func(s string) string { return secondsText.ReplaceAllString(s, "lines, 0.00s") }
		if srv.Hits.Load() != hits || norm(again) != norm(out) {
			t.Errorf("second online scan made %d requests (want 0) or differs", srv.Hits.Load()-hits)
		}
		srv.Close()
		t.Setenv("XDG_CACHE_HOME", t.TempDir())
		if _, errOut, code := run(t, args...); code != ExitNoRun || !strings.Contains(errOut, "--online") {
			t.Errorf("unreachable OSV API: exit %d, want %d, stderr %q", code, ExitNoRun, errOut)
		}
	})
	t.Run("sarif", func(t *testing.T) {
		out, _, _ := run(t, "scan", "--format", "sarif", app)
		validateSARIF(t, out)
	})
}

// validateSARIF checks a report against the official SARIF 2.1.0 schema.
func validateSARIF(t *testing.T, out string) {
	t.Helper()
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
		t.Fatalf("SARIF does not validate: %v", err)
	}
}

// TestExampleHTMLInBrowser opens the HTML report of the example app in
// headless Chromium: every finding renders, the script runs, the filters
// from the URL fragment work, and a screenshot is produced.
func TestExampleHTMLInBrowser(t *testing.T) {
	bin := browsertest.Find(t)
	app := filepath.Join("..", "..", "examples", "vulnerable-app")
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	out, errOut, code := run(t, "scan", "--format", "html="+page, "--format", "json", app)
	if code != ExitFindings {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Findings []struct {
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	high := 0
	for _, f := range rep.Findings {
		if f.Severity == "high" {
			high++
		}
	}
	shot := filepath.Join(dir, "report.png")
	dom := string(browsertest.Run(t, bin, "--window-size=1280,2000", "--screenshot="+shot, "--dump-dom", "file://"+page))
	if n := strings.Count(dom, `data-rule="`); n < len(rep.Findings) {
		t.Errorf("the page shows %d findings, the scan has %d", n, len(rep.Findings))
	}
	if info, err := os.Stat(shot); err != nil || info.Size() < 10000 {
		t.Errorf("no screenshot: %v", err)
	}
	dom = string(browsertest.Run(t, bin, "--dump-dom", "file://"+page+"#severity=high"))
	shown := regexp.MustCompile(`<article[^>]*data-severity="([a-z]+)"[^>]*>`).FindAllStringSubmatch(dom, -1)
	visible := 0
	for _, m := range shown {
		if !strings.Contains(m[0], " hidden") {
			visible++
			if m[1] != "high" {
				t.Errorf("a %s finding is visible under #severity=high", m[1])
			}
		}
	}
	if visible != high {
		t.Errorf("#severity=high shows %d findings, the scan has %d high ones", visible, high)
	}
}
