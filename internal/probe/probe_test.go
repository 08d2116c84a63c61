package probe

import (
	"context"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// only enables the given rules.
func only(ids ...string) func(string) bool {
	return func(id string) bool { return slices.Contains(ids, id) }
}

// runProbe probes an app and returns its findings as "RULE operation".
func runProbe(t *testing.T, a *probetest.App, opts Options) ([]string, *Result) {
	t.Helper()
	if opts.Client.Rate == 0 {
		opts.Client.Rate = 200
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := Run(ctx, a.URL, opts)
	if err != nil {
		t.Fatalf("probe %s: %v", a.Name, err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.RuleID+" "+f.Function)
	}
	sort.Strings(got)
	return got, res
}

func TestPassiveChecksOnTheFixtureApps(t *testing.T) {
	rulesUnderTest := only("FA406", "FA603", "FA605", "FA903", "FA601", "FA602", "FA901", "FA902", "FA404", "FA907")
	vuln := probetest.Start(t, "vulnerable")
	got, res := runProbe(t, vuln, Options{Enabled: rulesUnderTest})
	// Every 500 of the app carries its debug traceback: the discount and
	// unit-price parsers, the product search's SQL and the product list's
	// limit (too large for SQLite's integers). FA404 is reported once, on the
	// first of them.
	fa404 := 0
	for i := 0; i < len(got); i++ {
		if strings.HasPrefix(got[i], "FA404 ") {
			fa404++
			got = slices.Delete(got, i, i+1)
			i--
		}
	}
	if fa404 != 1 {
		t.Errorf("vulnerable app: %d FA404 findings, want 1", fa404)
	}
	want := []string{
		"FA406 GET /docs",
		"FA406 GET /openapi.json",
		"FA406 GET /redoc",
		"FA601 GET /health",
		"FA603 GET /",
		"FA901 GET /discount",
		"FA901 GET /products",
		"FA901 GET /products/search",
		"FA901 GET /products/{product_id}/unit-price",
		"FA902 GET /discount",
		"FA902 GET /products",
		"FA902 GET /products/search",
		"FA902 GET /products/{product_id}/unit-price",
		"FA903 GET /",
		"FA907 GET /reports/summary",
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("vulnerable app: missing %q", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("vulnerable app: unexpected %q", g)
		}
	}
	if res.Spec == nil || len(res.Spec.Operations) == 0 {
		t.Errorf("the document at /openapi.json was not found")
	}
	for _, f := range res.Findings {
		if f.HTTP == nil || f.HTTP.Curl == "" || !strings.HasPrefix(f.Location.URL, vuln.URL) {
			t.Errorf("%s %s has no evidence: %+v", f.RuleID, f.Function, f)
		}
	}
	if res.Requests > DefaultBudget {
		t.Errorf("%d requests, over the default budget", res.Requests)
	}

	hard := probetest.Start(t, "hardened")
	got, res = runProbe(t, hard, Options{Enabled: rulesUnderTest, OpenAPI: hard.OpenAPIURL})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	if res.Spec == nil {
		t.Errorf("hardened app: --openapi %s not read", hard.OpenAPIURL)
	}
	for _, d := range res.Diagnostics {
		t.Logf("diagnostic: %s: %s", d.Kind, d.Message)
	}
}

func TestAnonymousWritesNeedAllowUnsafe(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	got, _ := runProbe(t, vuln, Options{Enabled: only("FA301", "FA907")})
	if slices.Contains(got, "FA301 POST /feedback") {
		t.Errorf("FA301 confirmed with a POST although --allow-unsafe was not given")
	}
	got, _ = runProbe(t, vuln, Options{Enabled: only("FA301", "FA907"), Client: ClientOptions{AllowUnsafe: true}})
	if !slices.Contains(got, "FA301 POST /feedback") {
		t.Errorf("FA301 on POST /feedback not confirmed with --allow-unsafe: %v", got)
	}
	hard := probetest.Start(t, "hardened")
	got, _ = runProbe(t, hard, Options{Enabled: only("FA301", "FA907"), OpenAPI: hard.OpenAPIURL,
		Client: ClientOptions{AllowUnsafe: true}})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
}

func TestProbeStaysWithinBudget(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	_, res := runProbe(t, vuln, Options{Client: ClientOptions{Budget: 7}})
	if res.Requests > 7 {
		t.Errorf("sent %d requests with a budget of 7", res.Requests)
	}
	found := false
	for _, d := range res.Diagnostics {
		found = found || d.Kind == "probe budget"
	}
	if !found {
		t.Errorf("no diagnostic says the budget ran out: %v", res.Diagnostics)
	}
}

// TestEvidenceReplays runs the curl command of a finding and checks that
// the target answers the same status.
func TestEvidenceReplays(t *testing.T) {
	needTool(t, "curl", "curl")
	vuln := probetest.Start(t, "vulnerable")
	_, res := runProbe(t, vuln, Options{Enabled: only("FA901", "FA907")})
	if len(res.Findings) == 0 {
		t.Fatal("no findings to replay")
	}
	for _, f := range res.Findings {
		out, err := exec.Command("sh", "-c", f.HTTP.Curl+" -s -o /dev/null -w '%{http_code}'").Output()
		if err != nil {
			t.Fatalf("%s: %v", f.HTTP.Curl, err)
		}
		if string(out) != strconv.Itoa(f.HTTP.Response.Status) {
			t.Errorf("%s: curl got %s, the probe %d", f.HTTP.Curl, out, f.HTTP.Response.Status)
		}
	}
}
