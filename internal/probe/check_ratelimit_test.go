package probe

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

func TestBurstVerdict(t *testing.T) {
	const j = "application/json"
	fail := func() *Response { return resp(401, j, `{"detail":"Incorrect username or password"}`) }
	with := func(r *Response, k, v string) *Response { r.Header.Set(k, v); return r }
	burst := func(n int, last ...*Response) []*Response {
		var out []*Response
		for i := 0; i < n; i++ {
			out = append(out, fail())
		}
		return append(out, last...)
	}
	for _, c := range []struct {
		name         string
		answers      []*Response
		throttled    bool
		inconclusive bool
	}{
		{"all the same 401", burst(12), false, false},
		{"same 400 with a request id", []*Response{
			resp(400, j, `{"detail":"bad credentials","request_id":"3f2a9c1e-77aa-4b1d-9e0f-0a1b2c3d4e5f"}`),
			resp(400, j, `{"detail":"bad credentials","request_id":"9d8c7b6a-1111-4222-8333-444455556666"}`)}, false, false},
		{"429 after five", burst(5, resp(429, j, `{"detail":"slow"}`)), true, false},
		{"423 locked", burst(3, resp(423, j, `{"detail":"no"}`)), true, false},
		{"Retry-After on a 401", burst(2, with(fail(), "Retry-After", "30")), true, false},
		{"RateLimit headers from the start", []*Response{with(fail(), "RateLimit-Remaining", "9")}, true, false},
		{"X-RateLimit headers", []*Response{with(fail(), "X-RateLimit-Limit", "10")}, true, false},
		{"lockout message", burst(4, resp(401, j, `{"detail":"Account locked for 15 minutes"}`)), true, false},
		{"too many attempts in a 400", burst(4, resp(400, j, `{"detail":"Too many attempts, try again later"}`)), true, false},
		{"the answer changes", burst(4, resp(403, j, `{"detail":"Incorrect username or password"}`)), true, false},
		{"login succeeded", []*Response{resp(200, j, `{"access_token":"x"}`)}, false, true},
		{"body rejected", []*Response{resp(422, j, `{"detail":[]}`)}, false, true},
		{"server error", []*Response{resp(500, "text/plain", "Internal Server Error")}, false, true},
		{"no answers", nil, false, true},
	} {
		v := burstVerdict(c.answers)
		if v.throttled != c.throttled || (v.inconclusive != "") != c.inconclusive {
			t.Errorf("%s: got %+v, want throttled=%v inconclusive=%v", c.name, v, c.throttled, c.inconclusive)
		}
	}
}

func TestRateLimitCheckOnTheFixtureApps(t *testing.T) {
	rulesUnderTest := only("FA911")
	vuln := probetest.Start(t, "vulnerable")

	got, res := runProbe(t, vuln, Options{Enabled: rulesUnderTest})
	if len(got) != 0 {
		t.Errorf("without --allow-unsafe: %v", got)
	}
	if !slices.ContainsFunc(res.Diagnostics, func(d *finding.Diagnostic) bool {
		return d.Kind == "probe safety" && strings.Contains(d.Message, "POST /token")
	}) {
		t.Errorf("no diagnostic says the login was not tested: %v", res.Diagnostics)
	}

	got, res = runProbe(t, vuln, Options{Enabled: rulesUnderTest, Client: ClientOptions{AllowUnsafe: true}})
	if want := []string{"FA911 POST /token"}; !slices.Equal(got, want) {
		t.Fatalf("vulnerable app: got %v, want %v", got, want)
	}
	f := res.Findings[0]
	if f.HTTP == nil || f.HTTP.Response.Status != http.StatusUnauthorized || !strings.Contains(f.HTTP.Request.Body, probeUserPrefix) {
		t.Errorf("evidence: %+v", f.HTTP)
	}
	for _, u := range vuln.Users {
		if strings.Contains(f.HTTP.Request.Body, "username="+u.Name+"&") || strings.HasSuffix(f.HTTP.Request.Body, "username="+u.Name) {
			t.Errorf("the burst used the real user %s", u.Name)
		}
	}
	if !strings.Contains(f.Message, "12 failed logins") {
		t.Errorf("message: %s", f.Message)
	}

	// The hardened app locks a user name (per client) after five failures
	// a minute and answers 429 with Retry-After. The real users can still
	// log in afterwards: the burst used a made-up name.
	hard := probetest.Start(t, "hardened")
	got, res = runProbe(t, hard, Options{Enabled: rulesUnderTest, OpenAPI: hard.OpenAPIURL, Client: ClientOptions{AllowUnsafe: true}})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	if res.Requests < 7 {
		t.Errorf("hardened app: %d requests; the burst did not reach the throttle", res.Requests)
	}
	hard.Token(t, "alice")
}
