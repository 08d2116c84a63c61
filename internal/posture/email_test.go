package posture

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/posture/dnstest"
)

// The email checks are tested against a real authoritative DNS server on
// 127.0.0.1 (dnstest) serving example.test (the domain checked) and
// example.net (a mail provider and report receiver), and a real HTTPS
// server for the MTA-STS policy, with a certificate for
// mta-sts.example.test from a CA made in the test.

// emailRules are the rules of the email checks.
var emailRules = []string{"FA962", "FA963", "FA964", "FA965", "FA966", "FA967"}

// emailGoodPolicy is a valid enforcing MTA-STS policy for the good zone.
const emailGoodPolicy = "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\nmx: *.mail.example.test\r\nmax_age: 604800\r\n"

// emailZone is the zone of example.test as slots of zone-file text; a
// test replaces slots (an empty value removes the records).
type emailZone map[string]string

// emailGoodZone returns the slots of a domain with every record right.
func emailGoodZone() emailZone {
	return emailZone{
		"mx":     "@ MX 10 mx1.example.test.\n@ MX 20 mx2.mail.example.test.\nmx1 A 127.0.0.1\nmx2.mail A 127.0.0.1\n",
		"spf":    "@ TXT \"v=spf1 mx include:_spf.example.net -all\"\n",
		"dmarc":  "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.test,mailto:dmarc@reports.example.net\"\n",
		"dkim":   "selector1._domainkey TXT " + emailDKIMTXT("v=DKIM1; k=rsa; p=", emailRSAKey(2048)) + "\n",
		"mtasts": "_mta-sts TXT \"v=STSv1; id=20240101\"\nmta-sts A 127.0.0.1\n",
		"tlsrpt": "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tls-reports@example.test\"\n",
		"web":    "@ A 127.0.0.1\n",
	}
}

// with returns a copy with slots replaced.
func (z emailZone) with(kv ...string) emailZone {
	out := emailZone{}
	for k, v := range z {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// text joins the slots in a stable order.
func (z emailZone) text() string {
	keys := make([]string, 0, len(z))
	for k := range z {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(z[k])
	}
	return b.String()
}

// emailNetZone is example.net: a provider's SPF record and the report
// authorization for example.test.
const emailNetZone = `_spf TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"
example.test._report._dmarc.reports TXT "v=DMARC1"
reports MX 10 mx.reports
mx.reports A 192.0.2.10
`

// emailCase is one run of the email checks.
type emailCase struct {
	name   string
	zone   emailZone
	net    string // example.net zone text; "" means emailNetZone
	domain string // "" means example.test
	rules  []string
	opts   Options
	policy http.Handler // the MTA-STS policy server; nil serves emailGoodPolicy
	want   []string     // "FA962 text" (or "FA962 text|low" for a severity) expected, in any order
}

// emailRun runs the email checks of a case and returns the result.
func emailRun(t *testing.T, c emailCase) *Result {
	t.Helper()
	netZone := c.net
	if netZone == "" {
		netZone = emailNetZone
	}
	srv := dnstest.Start(t,
		&dnstest.Zone{Origin: "test.", Text: "@ TXT \"parent\"\n"},
		&dnstest.Zone{Origin: "example.test.", Text: c.zone.text()},
		&dnstest.Zone{Origin: "example.net.", Text: netZone},
	)
	opts := c.opts
	opts.Resolver = srv.Addr()
	opts.SkipTLS = true
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Second
	}
	if opts.HTTPSPort == 0 {
		h := c.policy
		if h == nil {
			h = emailPolicyHandler(emailGoodPolicy)
		}
		opts.HTTPSPort = emailHTTPS(t, h)
	}
	if opts.RootCAs == nil {
		opts.RootCAs = emailCA(t).pool
	}
	ids := c.rules
	if ids == nil {
		ids = emailRules
	}
	on := map[string]bool{}
	for _, id := range ids {
		on[id] = true
	}
	opts.Enabled = func(id string) bool { return on[id] }
	domain := c.domain
	if domain == "" {
		domain = "example.test"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Run(ctx, domain, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// emailCheck runs the cases: each expected finding must be reported (one
// finding per expectation) and nothing else.
func emailCheck(t *testing.T, cases []emailCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := emailRun(t, c)
			for _, f := range res.Findings {
				t.Logf("%s %s %s: %s", f.RuleID, f.Severity, f.Location.URL, f.Message)
			}
			left := append([]*finding.Finding(nil), res.Findings...)
			for _, w := range c.want {
				id, text, _ := strings.Cut(w, " ")
				text, sev, hasSev := strings.Cut(text, "|")
				found := -1
				for i, f := range left {
					if f.RuleID == id && strings.Contains(f.Message, text) {
						found = i
						break
					}
				}
				if found < 0 {
					t.Errorf("missing %s finding containing %q", id, text)
					continue
				}
				if hasSev && left[found].Severity.String() != sev {
					t.Errorf("%s %q: severity %s, want %s", id, text, left[found].Severity, sev)
				}
				left = append(left[:found], left[found+1:]...)
			}
			for _, f := range left {
				t.Errorf("unexpected %s (%s): %s", f.RuleID, f.Severity, f.Message)
			}
			if t.Failed() {
				for _, d := range res.Diagnostics {
					t.Logf("diagnostic %s: %s", d.Kind, d.Message)
				}
			}
		})
	}
}

// emailTestCA is the CA of the test's HTTPS servers and its leaf for
// mta-sts.example.test.
type emailTestCA struct {
	pool *x509.CertPool
	leaf tls.Certificate
}

var (
	emailCAOnce sync.Once
	emailCAVal  *emailTestCA
	emailCAErr  error
)

// emailCA makes (once) a CA and a certificate for mta-sts.example.test.
func emailCA(t testing.TB) *emailTestCA {
	t.Helper()
	emailCAOnce.Do(func() { emailCAVal, emailCAErr = newEmailCA("mta-sts.example.test") })
	if emailCAErr != nil {
		t.Fatal(emailCAErr)
	}
	return emailCAVal
}

func newEmailCA(host string) (*emailTestCA, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "email test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return &emailTestCA{pool: pool, leaf: tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}}, nil
}

// emailHTTPS serves h over HTTPS on 127.0.0.1 with the certificate for
// mta-sts.example.test and returns the port.
func emailHTTPS(t testing.TB, h http.Handler) int {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{emailCA(t).leaf}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes the checks refuse
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

// emailPolicyHandler serves an MTA-STS policy at its well-known path.
func emailPolicyHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/mta-sts.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, body)
	})
}

// emailRSAKey is the DER SubjectPublicKeyInfo of an RSA public key of the
// given size (a random modulus: only its length matters to the check).
func emailRSAKey(bits int) []byte {
	b := make([]byte, bits/8)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[0] |= 0x80
	b[len(b)-1] |= 1
	n := new(big.Int).SetBytes(b)
	der, err := x509.MarshalPKIXPublicKey(&rsa.PublicKey{N: n, E: 65537})
	if err != nil {
		panic(err)
	}
	return der
}

// emailDKIMTXT writes a TXT record's rdata: prefix and the base64 of der,
// split into strings of at most 200 characters.
func emailDKIMTXT(prefix string, der []byte) string {
	s := prefix + base64.StdEncoding.EncodeToString(der)
	var parts []string
	for len(s) > 200 {
		parts = append(parts, `"`+s[:200]+`"`)
		s = s[200:]
	}
	parts = append(parts, `"`+s+`"`)
	return strings.Join(parts, " ")
}

// TestEmailGoodDomain checks a domain with every record right gives no
// finding, with few DNS queries.
func TestEmailGoodDomain(t *testing.T) {
	res := emailRun(t, emailCase{zone: emailGoodZone()})
	for _, f := range res.Findings {
		t.Errorf("unexpected %s: %s", f.RuleID, f.Message)
	}
	for _, d := range res.Diagnostics {
		t.Errorf("unexpected diagnostic %s: %s", d.Kind, d.Message)
	}
	t.Logf("%d DNS queries", res.Queries)
	if res.Queries > 60 {
		t.Errorf("%d DNS queries for a good domain, want at most 60", res.Queries)
	}
}

// TestEmailNoMailDomain checks a domain without MX whose SPF record is
// "v=spf1 -all" is skipped with a diagnostic, and one that receives but
// sends no mail gets no DKIM finding.
func TestEmailNoMailDomain(t *testing.T) {
	parked := emailZone{"spf": "@ TXT \"v=spf1 -all\"\n", "web": "@ A 127.0.0.1\n"}
	res := emailRun(t, emailCase{zone: parked})
	for _, f := range res.Findings {
		t.Errorf("unexpected %s: %s", f.RuleID, f.Message)
	}
	if len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "sends and receives no mail") {
		t.Errorf("diagnostics = %+v, want one saying the email checks are skipped", res.Diagnostics)
	}
	// A null MX (RFC 7505) is no MX.
	nullMX := parked.with("mx", "@ MX 0 .\n")
	res = emailRun(t, emailCase{zone: nullMX})
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 {
		t.Errorf("null MX: findings %d, diagnostics %+v; want none and one", len(res.Findings), res.Diagnostics)
	}
	// Receives mail, sends none: DKIM is not needed, the rest is checked.
	receiveOnly := emailGoodZone().with("spf", "@ TXT \"v=spf1 -all\"\n", "dkim", "")
	emailCheck(t, []emailCase{{name: "receive-only", zone: receiveOnly}})
}
