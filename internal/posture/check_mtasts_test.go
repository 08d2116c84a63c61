package posture

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestMTASTSCheck runs the MTA-STS and TLS-RPT check against a real HTTPS
// policy server.
func TestMTASTSCheck(t *testing.T) {
	good := emailGoodZone()
	rules := []string{"FA966", "FA967"}
	policy := func(body string) http.Handler { return emailPolicyHandler(body) }
	withType := func(ct, body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			fmt.Fprint(w, body)
		})
	}
	emailCheck(t, []emailCase{
		{name: "good", zone: good, rules: rules},
		{name: "good-lf-and-extension", zone: good, rules: rules,
			policy: policy("version: STSv1\nmode: enforce\nmx: *.example.test\nmx: mx2.mail.example.test\nmax_age: 86400\nextension: 1\n")},
		{name: "no-record", zone: good.with("mtasts", ""), rules: rules, want: []string{"FA966 has no MTA-STS record at _mta-sts.example.test|low"}},
		{name: "two-records", zone: good.with("mtasts", "_mta-sts TXT \"v=STSv1; id=1\"\n_mta-sts TXT \"v=STSv1; id=2\"\nmta-sts A 127.0.0.1\n"), rules: rules,
			want: []string{"FA966 has 2 MTA-STS records|medium"}},
		{name: "record-without-id", zone: good.with("mtasts", "_mta-sts TXT \"v=STSv1;\"\nmta-sts A 127.0.0.1\n"), rules: rules,
			want: []string{"FA966 is invalid (no id= tag)|medium"}},
		{name: "testing", zone: good, rules: rules, policy: policy(strings.Replace(emailGoodPolicy, "enforce", "testing", 1)),
			want: []string{"FA966 is in mode testing|low"}},
		{name: "none", zone: good, rules: rules, policy: policy("version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n"),
			want: []string{"FA966 is in mode none|low"}},
		{name: "mx-not-covered", zone: good, rules: rules, policy: policy("version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmax_age: 604800\r\n"),
			want: []string{"FA966 no mx pattern matching the MX host(s) mx2.mail.example.test|medium"}},
		{name: "wildcard-one-label", zone: good, rules: rules, policy: policy("version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\nmax_age: 604800\r\n"),
			want: []string{"FA966 matching the MX host(s) mx2.mail.example.test:"}},
		{name: "short-max-age", zone: good, rules: rules, policy: policy(strings.Replace(emailGoodPolicy, "604800", "3600", 1)),
			want: []string{"FA966 has max_age 3600 seconds, under a day|low"}},
		{name: "untrusted-certificate", zone: good, rules: rules, opts: Options{RootCAs: x509.NewCertPool()},
			want: []string{"FA966 is served with a certificate that does not verify for mta-sts.example.test|medium"}},
		{name: "unreachable", zone: good, rules: rules, opts: Options{HTTPSPort: webClosedPort(t)},
			want: []string{"FA966 cannot be fetched (|medium"}},
		{name: "policy-host-missing", zone: good.with("mtasts", "_mta-sts TXT \"v=STSv1; id=20240101\"\n"), rules: rules,
			want: []string{"FA966 cannot be fetched ("}},
		{name: "not-found", zone: good, rules: rules, policy: http.NotFoundHandler(),
			want: []string{"FA966 cannot be fetched (HTTP 404 Not Found)"}},
		{name: "redirect", zone: good, rules: rules, policy: http.RedirectHandler("https://www.example.test/mta-sts.txt", http.StatusMovedPermanently),
			want: []string{"FA966 answers with a redirect (301 Moved Permanently)"}},
		{name: "invalid-content", zone: good, rules: rules, policy: policy("version: STSv2\nmode: enforce\nmx: mx1.example.test\n"),
			want: []string{`FA966 is invalid (line 1: version "STSv2" (want STSv1); no max_age line)|medium`}},
		{name: "html", zone: good, rules: rules, policy: withType("text/html", emailGoodPolicy),
			want: []string{`FA966 is served as "text/html", not text/plain`}},
		{name: "too-large", zone: good, rules: rules, policy: withType("text/plain", emailGoodPolicy+strings.Repeat("x: y\n", 14000)),
			want: []string{"FA966 is larger than 64 KB"}},
		{name: "tlsrpt-missing", zone: good.with("tlsrpt", ""), rules: rules, want: []string{"FA967 has no TLS-RPT record at _smtp._tls.example.test|info"}},
		{name: "tlsrpt-invalid", zone: good.with("tlsrpt", "_smtp._tls TXT \"v=TLSRPTv1; ruf=mailto:x@example.test\"\n"), rules: rules,
			want: []string{"FA967 is invalid (no rua= tag"}},
		{name: "tlsrpt-bad-uri", zone: good.with("tlsrpt", "_smtp._tls TXT \"v=TLSRPTv1; rua=ftp://example.test/x\"\n"), rules: rules,
			want: []string{`FA967 is invalid (rua "ftp://example.test/x": want mailto: or https:)`}},
		{name: "tlsrpt-https", zone: good.with("tlsrpt", "_smtp._tls TXT \"v=TLSRPTv1;rua=https://reports.example.net/tlsrpt,mailto:t@example.test\"\n"), rules: rules},
		{name: "tlsrpt-only", zone: good.with("mtasts", ""), rules: []string{"FA967"}},
		{name: "no-mx-skipped", zone: good.with("mx", "", "mtasts", "", "tlsrpt", ""), rules: rules},
	})
}

// TestMTASTSNoMXDiagnostic checks the skip of a domain that receives no
// mail is said.
func TestMTASTSNoMXDiagnostic(t *testing.T) {
	res := emailRun(t, emailCase{zone: emailGoodZone().with("mx", ""), rules: []string{"FA966"}})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "receives no mail") {
		t.Errorf("findings %d, diagnostics %+v", len(res.Findings), res.Diagnostics)
	}
}
