package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// probeReport runs probe with JSON output and decodes the report.
func probeReport(t *testing.T, wantCode int, args ...string) (findings []*finding.Finding, diags []*finding.Diagnostic) {
	t.Helper()
	out, errOut, code := run(t, append([]string{"probe", "--format", "json", "--rate", "200"}, args...)...)
	if code != wantCode {
		t.Fatalf("probe %v: exit %d, want %d: %s", args, code, wantCode, errOut)
	}
	var rep struct {
		Findings    []*finding.Finding     `json:"findings"`
		Diagnostics []*finding.Diagnostic  `json:"diagnostics"`
		Stats       struct{ Requests int } `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("probe JSON: %v\n%s", err, out)
	}
	if rep.Stats.Requests == 0 {
		t.Errorf("stats.requests is 0")
	}
	return rep.Findings, rep.Diagnostics
}

func TestProbeCommand(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	alice, bob := vuln.Users[0], vuln.Users[1]
	findings, _ := probeReport(t, ExitFindings, vuln.URL, "--allow-unsafe",
		"--login", alice.Name+":"+alice.Password, "--login", bob.Name+":"+bob.Password)
	seen := map[string]bool{}
	for _, f := range findings {
		seen[f.RuleID] = true
		if f.HTTP == nil || !strings.Contains(f.HTTP.Curl, "curl ") {
			t.Errorf("%s %s: no curl reproduction", f.RuleID, f.Function)
			continue
		}
		for _, secret := range []string{alice.Password, bob.Password} {
			if strings.Contains(f.HTTP.Curl, secret) || strings.Contains(f.HTTP.Request.Body, secret) {
				t.Errorf("%s: a password appears in the evidence: %s", f.RuleID, f.HTTP.Curl)
			}
		}
	}
	for _, id := range []string{"FA301", "FA406", "FA601", "FA603", "FA901", "FA902", "FA903", "FA907"} {
		if !seen[id] {
			t.Errorf("the vulnerable app gave no %s finding", id)
		}
	}

	// SARIF of a probe validates against the schema and carries the
	// exchange as webRequest/webResponse.
	out, errOut, code := run(t, "probe", "--format", "sarif", "--rate", "200", "--select", "FA406,FA903", vuln.URL)
	if code != ExitFindings {
		t.Fatalf("sarif: exit %d: %s", code, errOut)
	}
	validateSARIF(t, out)
	if !strings.Contains(out, `"webRequest"`) || !strings.Contains(out, `"webResponse"`) {
		t.Errorf("probe SARIF has no webRequest/webResponse")
	}

	// Usage errors and an unreachable target.
	if _, errOut, code := run(t, "probe", "--allow-delete", "delete_item", vuln.URL); code != ExitUsage || !strings.Contains(errOut, "--allow-unsafe") {
		t.Errorf("--allow-delete without --allow-unsafe: exit %d, %s", code, errOut)
	}
	if _, _, code := run(t, "probe", "ftp://example.com"); code != ExitUsage && code != ExitNoRun {
		t.Errorf("ftp URL: exit %d", code)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	if _, errOut, code := run(t, "probe", closed); code != ExitNoRun || !strings.Contains(errOut, "unreachable") {
		t.Errorf("closed port: exit %d, %s", code, errOut)
	}
}

func TestProbeWithSource(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	findings, _ := probeReport(t, ExitFindings, vuln.URL, "--source", vuln.Dir, "--allow-unsafe")
	confirmed, unconfirmed := map[string]bool{}, 0
	for _, f := range findings {
		if f.Live == nil {
			continue
		}
		if f.Location.File == "" {
			t.Errorf("a static finding without a file: %+v", f)
		}
		if f.Live.Confirmed {
			confirmed[f.RuleID] = true
		} else {
			unconfirmed++
		}
	}
	for _, id := range []string{"FA301", "FA404", "FA406", "FA601"} {
		if !confirmed[id] {
			t.Errorf("static %s not confirmed live (confirmed: %v)", id, confirmed)
		}
	}
	t.Logf("static findings confirmed: %v; not confirmed: %d", confirmed, unconfirmed)

	hard := probetest.Start(t, "hardened")
	findings, _ = probeReport(t, 0, hard.URL, "--openapi", hard.OpenAPIURL, "--source", hard.Dir)
	for _, f := range findings {
		if f.Live == nil || f.Live.Confirmed {
			t.Errorf("hardened app: %s %s %s", f.RuleID, f.Function, f.Message)
		}
	}
}

// TestProbeGraphQLFromSource: with --source, the probe sends its
// introspection query to the GraphQL servers of the static model, at
// paths neither the document nor the conventions name. The source here is
// a Strawberry app mounted where the vulnerable app serves its
// authenticated GraphQL stand-in (/internal/gql).
func TestProbeGraphQLFromSource(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	src := t.TempDir()
	app := `import strawberry
from fastapi import FastAPI
from strawberry.fastapi import GraphQLRouter


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "hi"


app = FastAPI()
app.include_router(GraphQLRouter(strawberry.Schema(query=Query)), prefix="/internal/gql")
`
	if err := os.WriteFile(filepath.Join(src, "main.py"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
	alice := vuln.Users[0]
	findings, _ := probeReport(t, ExitFindings, vuln.URL, "--select", "FA410", "--source", src,
		"--login", alice.Name+":"+alice.Password)
	var live []string
	confirmed := false
	for _, f := range findings {
		if f.Live == nil {
			live = append(live, f.Function)
		} else {
			confirmed = confirmed || f.Live.Confirmed
		}
	}
	sort.Strings(live)
	if strings.Join(live, ",") != "POST /graphql,POST /internal/gql" {
		t.Errorf("live FA410 findings on %v, want POST /graphql and POST /internal/gql", live)
	}
	if !confirmed {
		t.Errorf("the static FA410 finding of the source is not confirmed live: %+v", findings)
	}
}
