package posture

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/posture/dnstest"
)

// caaRun runs the CAA check alone against a test server.
func caaRun(t *testing.T, srv *dnstest.Server, domain string) *Result {
	t.Helper()
	res, err := Run(context.Background(), domain, Options{
		Resolver: srv.Addr(), SkipTLS: true, SkipEmail: true,
		Enabled: func(id string) bool { return id == "FA959" },
	})
	if err != nil {
		t.Fatalf("Run(%s): %v", domain, err)
	}
	return res
}

func TestCAA(t *testing.T) {
	zones := []*dnstest.Zone{
		{Origin: "good.test.", Text: `@ CAA 0 issue "letsencrypt.org"
@ CAA 0 iodef "mailto:security@good.test"
www A 192.0.2.1
deep.er.sub CNAME www`},
		{Origin: "missing.test.", Text: "@ A 192.0.2.1\nwww A 192.0.2.1"},
		{Origin: "iodef.test.", Text: `@ CAA 0 iodef "mailto:security@iodef.test"
www A 192.0.2.1`},
		{Origin: "wild.test.", Text: `@ CAA 0 issuewild "letsencrypt.org"`},
		{Origin: "forbid.test.", Text: `@ CAA 0 issue ";"`},
		{Origin: "critical.test.", Text: `@ CAA 128 tbs "unknown"`},
		{Origin: "noncritical.test.", Text: `@ CAA 0 tbs "unknown"`},
		{Origin: "upper.test.", Text: `@ CAA 0 ISSUE "pki.goog"`},
		{Origin: "malformed.test.", Text: `@ CAA 0 issue "not a domain"`},
		// A subdomain's own CAA wins over the parent's, even a weaker one.
		{Origin: "mixed.test.", Text: `@ CAA 0 issue "letsencrypt.org"
api CAA 0 iodef "mailto:x@mixed.test"
www A 192.0.2.1`},
		// RFC 8659 follows a CNAME: the target's CAA applies.
		{Origin: "alias.test.", Text: "www CNAME target.good.test."},
		{Origin: "target.good.test.", Text: `@ CAA 0 issue "digicert.com"`},
	}
	srv := dnstest.Start(t, zones...)
	cases := []struct {
		domain  string
		finding string // "" for none; else a part of the message
		subject string
	}{
		{"good.test", "", ""},
		{"www.good.test", "", ""},         // inherited from the parent
		{"deep.er.sub.good.test", "", ""}, // climbs several labels
		{"nonexistent.good.test", "", ""}, // NXDOMAIN still climbs
		{"missing.test", "no CAA record at missing.test", "dns:missing.test CAA"},
		{"www.missing.test", "or any parent up to missing.test", "dns:www.missing.test CAA"},
		{"iodef.test", "has no issue property (only iodef)", "dns:iodef.test CAA"},
		{"www.iodef.test", "(at iodef.test) has no issue property", "dns:iodef.test CAA"},
		{"wild.test", "issuewild but no issue", "dns:wild.test CAA"},
		{"forbid.test", "", ""},
		{"critical.test", "", ""},
		{"noncritical.test", "has no issue property (only tbs)", "dns:noncritical.test CAA"},
		{"upper.test", "", ""},
		{"malformed.test", "", ""},
		{"www.mixed.test", "", ""},
		{"api.mixed.test", "(at api.mixed.test) has no issue property", "dns:api.mixed.test CAA"},
		{"www.alias.test", "", ""},
	}
	for _, c := range cases {
		res := caaRun(t, srv, c.domain)
		if c.finding == "" {
			if len(res.Findings) != 0 {
				t.Errorf("%s: unexpected finding %s", c.domain, res.Findings[0].Message)
			}
			continue
		}
		if len(res.Findings) != 1 {
			t.Errorf("%s: %d findings, want one FA959 (%q)", c.domain, len(res.Findings), c.finding)
			continue
		}
		f := res.Findings[0]
		if f.RuleID != "FA959" || !strings.Contains(f.Message, c.finding) || f.Location.URL != c.subject {
			t.Errorf("%s: %s at %s: %s\nwant %q at %s", c.domain, f.RuleID, f.Location.URL, f.Message, c.finding, c.subject)
		}
		if f.Remediation == "" || len(f.Evidence) == 0 {
			t.Errorf("%s: finding without remediation or evidence", c.domain)
		}
	}
}

func TestCAAMalformedEvidence(t *testing.T) {
	srv := dnstest.Start(t, &dnstest.Zone{Origin: "bad.test.", Text: `@ CAA 0 issue "ca.example; =x"
@ CAA 0 iodef "mailto:a@bad.test"`})
	res := caaRun(t, srv, "bad.test")
	if len(res.Findings) != 0 {
		t.Fatalf("an issue property restricts issuance even when malformed: %v", res.Findings[0].Message)
	}
}

func TestCAALookupFailure(t *testing.T) {
	srv := dnstest.Start(t, &dnstest.Zone{Origin: "served.test."})
	res := caaRun(t, srv, "unserved.example") // the server refuses: no conclusion
	if len(res.Findings) != 0 || len(res.Diagnostics) == 0 {
		t.Fatalf("refused lookup: findings %d, diagnostics %d", len(res.Findings), len(res.Diagnostics))
	}
}

func TestCAANames(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":              "example.com",
		"a.b.example.com":          "a.b.example.com b.example.com example.com",
		"www.example.co.uk":        "www.example.co.uk example.co.uk",
		"co.uk":                    "co.uk",
		"api.service.example.test": "api.service.example.test service.example.test example.test",
	} {
		if got := strings.Join(caaNames(in), " "); got != want {
			t.Errorf("caaNames(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestParseCAAIssue(t *testing.T) {
	good := map[string]string{
		`letsencrypt.org`:            "letsencrypt.org",
		` LetsEncrypt.org `:          "letsencrypt.org",
		`;`:                          "",
		``:                           "",
		`ca.example; account=230123`: "ca.example",
		`ca.example;account=1;validationmethods=dns-01`: "ca.example",
		`; policy=ev`: "",
	}
	for in, issuer := range good {
		got, err := parseCAAIssue(in)
		if err != nil || got.Issuer != issuer {
			t.Errorf("parseCAAIssue(%q) = %+v, %v; want issuer %q", in, got, err, issuer)
		}
	}
	if got, _ := parseCAAIssue("ca.example; account=230123"); got.Params["account"] != "230123" {
		t.Errorf("account parameter: %+v", got)
	}
	for _, in := range []string{"not a domain", "-ca.example", "ca..example", "ca.example; account", "ca.example; =1", "ca.example; a=b c"} {
		if got, err := parseCAAIssue(in); err == nil {
			t.Errorf("parseCAAIssue(%q) = %+v, want an error", in, got)
		}
	}
}

func FuzzParseCAAIssue(f *testing.F) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParseCAAIssue")
	if _, err := os.Stat(dir); err != nil {
		f.Fatalf("seed corpus %s: %v", dir, err)
	}
	f.Add("letsencrypt.org; account=1")
	f.Fuzz(func(t *testing.T, v string) {
		got, err := parseCAAIssue(v)
		if err != nil {
			return
		}
		if len(got.Params) > maxCAAParams {
			t.Fatalf("%d parameters", len(got.Params))
		}
		if got.Issuer != "" && !strings.Contains(strings.ToLower(v), got.Issuer) {
			t.Fatalf("issuer %q not in %q", got.Issuer, v)
		}
		if strings.ContainsAny(got.Issuer, " ;\t") {
			t.Fatalf("issuer %q holds a separator", got.Issuer)
		}
	})
}
