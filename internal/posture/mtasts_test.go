package posture

import (
	"strings"
	"testing"
)

// TestParseMTASTSPolicy checks the policy parser.
func TestParseMTASTSPolicy(t *testing.T) {
	p := parseMTASTSPolicy("version: STSv1\r\nmode: enforce\r\nmx: MX1.example.com.\r\nmx: *.mail.example.net\r\nmax_age:604800\r\nfuture_key: whatever\r\n")
	if len(p.Problems) != 0 || p.Version != "STSv1" || p.Mode != "enforce" || p.MaxAge != 604800 ||
		strings.Join(p.MX, ",") != "mx1.example.com,*.mail.example.net" {
		t.Errorf("policy = %+v", p)
	}
	if p := parseMTASTSPolicy("version: STSv1\nmode: none\nmax_age: 0\n"); len(p.Problems) != 0 || p.MaxAge != 0 {
		t.Errorf("mode none without mx: %+v", p)
	}
	for body, want := range map[string]string{
		"": "no version: STSv1 line | no mode line | no max_age line",
		"version: STSv1\nmode: enforce\nmax_age: 86400\n":                                      "no mx line",
		"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n":                           `version "STSv2"`,
		"version: STSv1\nmode: Enforce\nmx: a.example\nmax_age: 1\n":                           `mode "Enforce"`,
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: soon\n":                        `max_age "soon"`,
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n":                          `max_age "-5"`,
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999\n":                    "over the maximum",
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 99999999999\n":                 `max_age "99999999999"`,
		"version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n":                         `mx "*.*.example"`,
		"version: STSv1\nmode: enforce\nmx: mail\nmax_age: 1\n":                                `mx "mail"`,
		"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\nmode: none\n":               "mode appears more than once",
		"version: STSv1\nmode enforce\nmx: a.example\nmax_age: 1\n":                            `line 2 "mode enforce" is not "key: value"`,
		strings.Repeat("mx: a.example\n", 1001):                                                "more than 1000 lines",
		"version: STSv1\nmode: testing\nmax_age: 1\n" + strings.Repeat("mx: a.example\n", 101): "more than 100 mx lines",
	} {
		p := parseMTASTSPolicy(body)
		if got := strings.Join(p.Problems, " | "); !strings.Contains(got, want) {
			t.Errorf("%.40q: problems %q, want %q", body, got, want)
		}
	}
}

// TestMTASTSMatch checks mx patterns: exact names, and wildcards matching
// one label only.
func TestMTASTSMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, host string
		want          bool
	}{
		{"mx1.example.com", "mx1.example.com", true},
		{"mx1.example.com", "MX1.Example.com.", true},
		{"mx1.example.com", "mx2.example.com", false},
		{"*.example.com", "mx1.example.com", true},
		{"*.example.com", "a.b.example.com", false},
		{"*.example.com", "example.com", false},
		{"*.example.com", ".example.com", false},
		{"*.example.com", "mx1.example.com.evil.test", false},
	} {
		if got := mtastsMatch(c.pattern, c.host); got != c.want {
			t.Errorf("mtastsMatch(%q, %q) = %v", c.pattern, c.host, got)
		}
	}
}

// TestParseMTASTSRecords checks the _mta-sts and _smtp._tls records.
func TestParseMTASTSRecords(t *testing.T) {
	if id, problems := parseMTASTSRecord("v=STSv1; id=20240101T000000;"); id != "20240101T000000" || len(problems) != 0 {
		t.Errorf("id %q, problems %q", id, problems)
	}
	for rec, want := range map[string]string{
		"v=STSv1;":                               "no id= tag",
		"v=STSv1; id=2024-01-01":                 "is not 1 to 32 letters and digits",
		"v=STSv1; id=" + strings.Repeat("1", 33): "is not 1 to 32",
		"id=1; v=STSv1":                          "must start with v=STSv1",
	} {
		if _, problems := parseMTASTSRecord(rec); !strings.Contains(strings.Join(problems, " | "), want) {
			t.Errorf("%q: problems %q, want %q", rec, problems, want)
		}
	}
	if problems := parseTLSRPTRecord("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.net/x"); len(problems) != 0 {
		t.Errorf("problems %q", problems)
	}
	for rec, want := range map[string]string{
		"v=TLSRPTv1":                          "no rua= tag",
		"v=TLSRPTv1; rua=a@example.com":       `rua "a@example.com" is not a URI`,
		"v=TLSRPTv1; rua=mailto:nobody":       "is not a mail address",
		"v=TLSRPTv1; rua=https:///x":          "has no host",
		"v=TLSRPTv1; rua=http://example.com/": "want mailto: or https:",
		"rua=mailto:a@example.com":            "must start with v=TLSRPTv1",
	} {
		if problems := parseTLSRPTRecord(rec); !strings.Contains(strings.Join(problems, " | "), want) {
			t.Errorf("%q: problems %q, want %q", rec, problems, want)
		}
	}
	if !isMTASTSRecord("v=STSv1; id=1") || isMTASTSRecord("v=STSv10; id=1") || !isTLSRPTRecord("v=TLSRPTv1;rua=x") || isTLSRPTRecord("v=spf1") {
		t.Errorf("record selection")
	}
}

// FuzzParseMTASTSPolicy checks the MTA-STS policy parser (and the record
// parsers of MTA-STS and TLS-RPT) never panic and keep their bounds.
func FuzzParseMTASTSPolicy(f *testing.F) {
	f.Add("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n")
	f.Add("version: STSv1\nmode: testing\nmx: *.*.bad\nmax_age: 99999999999\nmode: none\n")
	f.Add("v=STSv1; id=20240101")
	f.Add("v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.net/x")
	f.Add("\r\n:\n::\nmx:\n")
	f.Fuzz(func(t *testing.T, s string) {
		p := parseMTASTSPolicy(s)
		if len(p.MX) > mtastsMaxMX || p.MaxAge > mtastsMaxMaxAge || p.MaxAge < -1 {
			t.Fatalf("bounds: %d mx, max_age %d", len(p.MX), p.MaxAge)
		}
		if p.Mode != "" && p.Mode != "enforce" && p.Mode != "testing" && p.Mode != "none" {
			t.Fatalf("mode %q", p.Mode)
		}
		for _, pat := range p.MX {
			if !mtastsPatternOK(pat) {
				t.Fatalf("bad pattern kept: %q", pat)
			}
			if !strings.HasPrefix(pat, "*.") && !mtastsMatch(pat, pat) {
				t.Fatalf("pattern %q does not match itself", pat)
			}
		}
		parseMTASTSRecord(s)
		parseTLSRPTRecord(s)
	})
}
