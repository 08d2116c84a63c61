package posture

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func TestHTTPRedirect(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		location string // %d is the HTTPS port
		sev      finding.Severity
		parts    []string // nil: no finding
	}{
		{name: "200", status: 200, sev: finding.Medium, parts: []string{"answers 200 over plain HTTP"}},
		{name: "same-host", status: 301, location: "https://example.test:%d/"},
		{name: "same-host-308", status: 308, location: "https://EXAMPLE.test./path"},
		{name: "relative", status: 302, location: "/login", sev: finding.Medium, parts: []string{"redirects to http://example.test:", "/login, not to HTTPS"}},
		{name: "other-host", status: 301, location: "https://www.example.test/", sev: finding.Low, parts: []string{"HTTPS on another host (www.example.test)"}},
		{name: "no-location", status: 307, sev: finding.Medium, parts: []string{"no usable Location"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			httpsPort := webClosedPort(t)
			port := webStartHTTP(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.location != "" {
					loc := tc.location
					if strings.Contains(loc, "%d") {
						loc = fmt.Sprintf(loc, httpsPort)
					}
					w.Header().Set("Location", loc)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(strings.Repeat("hello ", 100000))) // over the body cap
			}))
			res := webRun(t, webDomain, httpsPort, port, nil, "FA957")
			got := webByRule(res)["FA957"]
			if tc.parts == nil {
				if len(res.Findings) != 0 {
					webDump(t, res)
					t.Fatal("want no finding")
				}
				return
			}
			if len(got) != 1 || got[0].Severity != tc.sev || !webHas(got, tc.parts...) {
				webDump(t, res)
				t.Fatalf("want one FA957 at %s with %q", tc.sev, tc.parts)
			}
			x := got[0].HTTP
			if x == nil || x.Response.Status != tc.status || len(x.Response.Body) > 512 || !strings.Contains(x.Curl, "http://example.test:") {
				t.Errorf("exchange %+v", x)
			}
		})
	}
	t.Run("closed", func(t *testing.T) {
		res := webRun(t, webDomain, webClosedPort(t), webClosedPort(t), nil, "FA957")
		if len(res.Findings) != 0 || len(res.Diagnostics) != 1 {
			webDump(t, res)
			t.Fatal("want a diagnostic and no finding for a closed HTTP port")
		}
	})
}

func TestHSTS(t *testing.T) {
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	cert := ca.leaf(t, webLeafSpec{names: []string{webDomain, "*." + webDomain}})
	for _, tc := range []struct {
		name   string
		domain string
		hsts   []string
		sev    finding.Severity
		parts  []string // nil: no finding
	}{
		{name: "missing", sev: finding.Medium, parts: []string{"no Strict-Transport-Security header"}},
		{name: "short", hsts: []string{"max-age=3600"}, sev: finding.Low,
			parts: []string{"max-age is 3600 seconds, under 180 days", "no includeSubDomains", "needs max-age of at least 31536000 (a year), includeSubDomains, the preload directive"}},
		{name: "no-subdomains", hsts: []string{"max-age=31536000"}, sev: finding.Low, parts: []string{"no includeSubDomains", "needs includeSubDomains, the preload directive"}},
		{name: "no-preload", hsts: []string{"max-age=31536000; includeSubDomains"}, sev: finding.Info, parts: []string{"not eligible for the HSTS preload list", "needs the preload directive); informational"}},
		{name: "half-year", hsts: []string{"max-age=15552000; includeSubDomains; preload"}, sev: finding.Info, parts: []string{"needs max-age of at least 31536000"}},
		{name: "preload", hsts: []string{"max-age=63072000; includeSubDomains; preload"}},
		{name: "quoted-case", hsts: []string{`Max-Age="31536000" ; INCLUDESUBDOMAINS;preload;`}},
		{name: "zero", hsts: []string{"max-age=0"}, sev: finding.Medium, parts: []string{"max-age=0 tells browsers to forget"}},
		{name: "no-max-age", hsts: []string{"includeSubDomains; preload"}, sev: finding.Medium, parts: []string{"invalid, so browsers ignore it: no max-age directive"}},
		{name: "duplicate", hsts: []string{"max-age=63072000; max-age=63072000; includeSubDomains"}, sev: finding.Medium, parts: []string{"directive max-age appears more than once"}},
		{name: "first-wins", hsts: []string{"max-age=63072000; includeSubDomains; preload", "max-age=0"}},
		{name: "subdomain", domain: "api." + webDomain, hsts: []string{"max-age=31536000; includeSubDomains"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{cert}}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				for _, v := range tc.hsts {
					w.Header().Add("Strict-Transport-Security", v)
				}
				_, _ = w.Write([]byte("ok"))
			}))
			domain := tc.domain
			if domain == "" {
				domain = webDomain
			}
			res := webRun(t, domain, port, webClosedPort(t), ca.pool(), "FA958")
			got := webByRule(res)["FA958"]
			if tc.parts == nil {
				if len(res.Findings) != 0 || len(res.Diagnostics) != 0 {
					webDump(t, res)
					t.Fatal("want no finding")
				}
				return
			}
			if len(got) != 1 || got[0].Severity != tc.sev || !webHas(got, tc.parts...) || got[0].HTTP == nil {
				webDump(t, res)
				t.Fatalf("want one FA958 at %s with %q", tc.sev, tc.parts)
			}
		})
	}
}

func TestParseHSTS(t *testing.T) {
	for _, tc := range []struct {
		in       string
		age      int64
		sub, pre bool
		bad      string
	}{
		{in: "max-age=31536000; includeSubDomains; preload", age: 31536000, sub: true, pre: true},
		{in: "max-age=99999999999999999999999", age: 1 << 62},
		{in: `max-age="10"`, age: 10},
		{in: "max-age = 10 ; foo=bar; foo2", age: 10},
		{in: ";;max-age=5;;", age: 5},
		{in: "max-age=-1", bad: "not a number"},
		{in: "max-age=1 2", bad: "not a number"},
		{in: "max-age", bad: "not a number"},
		{in: "", bad: "no max-age"},
		{in: "preload; PRELOAD; max-age=1", bad: "preload appears more than once"},
		{in: strings.Repeat("a;", 40) + "max-age=1", bad: "more than 32 directives"},
		{in: "max-age=1;" + strings.Repeat("x", 5000), bad: "over 4096 bytes"},
	} {
		p := parseHSTS(tc.in)
		problems := strings.Join(p.problems, "; ")
		if tc.bad != "" {
			if !strings.Contains(problems, tc.bad) {
				t.Errorf("%.40q: problems %q, want %q", tc.in, problems, tc.bad)
			}
			continue
		}
		if problems != "" || p.maxAge != tc.age || p.subdomains != tc.sub || p.preload != tc.pre {
			t.Errorf("%q: got %+v", tc.in, p)
		}
	}
}

// FuzzHSTS checks that any header value parses without panicking into a
// policy that is either valid (with a max-age) or has problems.
func FuzzHSTS(f *testing.F) {
	for _, s := range []string{"max-age=31536000; includeSubDomains; preload", `max-age="0"`, "max-age=99999999999999999999", ";;;", "a=b=c; max-age=1", "max-age=\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p := parseHSTS(v)
		if p.maxAge < 0 {
			t.Fatalf("negative max-age %d", p.maxAge)
		}
		if len(p.problems) == 0 && !p.hasMaxAge {
			t.Fatal("valid policy without max-age")
		}
		if len(p.problems) > hstsMaxDirs+2 {
			t.Fatalf("%d problems", len(p.problems))
		}
	})
}
