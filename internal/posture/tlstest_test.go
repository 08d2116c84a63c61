package posture

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/posture/dnstest"
)

// Test PKI, TLS servers and a raw ServerHello responder for the TLS and
// HTTP checks. Every server listens on 127.0.0.1 and the test domain
// resolves there through a dnstest server.

// webNow is the clock of the posture runs in tests.
var webNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const webDomain = "example.test"

var (
	webKeyOnce                 sync.Once
	webRSA2048, webRSA1024     *rsa.PrivateKey
	webEC, webCAKey, webCA2Key *ecdsa.PrivateKey
	webKeyErr                  error
)

// webKeys generates the test keys once per process (RSA-2048 is slow).
func webKeys(t testing.TB) {
	t.Helper()
	webKeyOnce.Do(func() {
		if webRSA2048, webKeyErr = rsa.GenerateKey(rand.Reader, 2048); webKeyErr != nil {
			return
		}
		if webRSA1024, webKeyErr = rsa.GenerateKey(rand.Reader, 1024); webKeyErr != nil {
			return
		}
		for _, k := range []**ecdsa.PrivateKey{&webEC, &webCAKey, &webCA2Key} {
			if *k, webKeyErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); webKeyErr != nil {
				return
			}
		}
	})
	if webKeyErr != nil {
		t.Fatal(webKeyErr)
	}
}

// webCA is a certificate authority made for a test.
type webCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var webSerialNo atomic.Int64

func webSerial() *big.Int { return big.NewInt(1000 + webSerialNo.Add(1)) }

// webNewCA makes a root CA (valid 10 years around webNow) with key k,
// signed by parent (nil: self-signed).
func webNewCA(t testing.TB, name string, k crypto.Signer, parent *webCA) *webCA {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: webSerial(), Subject: pkix.Name{CommonName: name, Organization: []string{"fastapi-audit tests"}},
		NotBefore: webNow.AddDate(-1, 0, 0), NotAfter: webNow.AddDate(9, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	issuer, ikey := tmpl, k
	if parent != nil {
		issuer, ikey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, k.Public(), ikey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &webCA{cert: c, key: k}
}

func (ca *webCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// webLeafSpec describes a server certificate.
type webLeafSpec struct {
	names      []string // DNS names; default webDomain
	notBefore  time.Time
	notAfter   time.Time
	key        crypto.Signer // default webEC
	selfSigned bool
	ocsp       bool // names an OCSP responder
	mustStaple bool
	sigAlg     x509.SignatureAlgorithm
	chain      []*webCA // intermediates to send, leaf issuer first
}

// leaf issues a server certificate from ca and returns it ready to serve
// with the intermediates of spec.chain.
func (ca *webCA) leaf(t testing.TB, spec webLeafSpec) tls.Certificate {
	t.Helper()
	if spec.names == nil {
		spec.names = []string{webDomain}
	}
	if spec.notBefore.IsZero() {
		spec.notBefore = webNow.AddDate(0, -1, 0)
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = webNow.AddDate(1, 0, 0)
	}
	if spec.key == nil {
		spec.key = webEC
	}
	tmpl := &x509.Certificate{
		SerialNumber: webSerial(), Subject: pkix.Name{CommonName: spec.names[0]}, DNSNames: spec.names,
		NotBefore: spec.notBefore, NotAfter: spec.notAfter, SignatureAlgorithm: spec.sigAlg,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if spec.ocsp {
		tmpl.OCSPServer = []string{"http://ocsp.ca.test"}
	}
	if spec.mustStaple {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: oidMustStaple, Value: []byte{0x30, 0x03, 0x02, 0x01, 0x05}}}
	}
	issuer, ikey := ca.cert, ca.key
	if spec.selfSigned {
		issuer, ikey = tmpl, spec.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, spec.key.Public(), ikey)
	if err != nil {
		t.Fatal(err)
	}
	out := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: spec.key}
	for _, c := range spec.chain {
		out.Certificate = append(out.Certificate, c.cert.Raw)
	}
	return out
}

// webStartHTTPS serves handler over TLS with cfg on 127.0.0.1 and returns the
// port.
func webStartHTTPS(t testing.TB, cfg *tls.Config, handler http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if handler == nil {
		handler = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	}
	srv := &http.Server{Handler: handler, TLSConfig: cfg, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(tls.NewListener(ln, cfg)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// webStartHTTP serves handler over plain HTTP and returns the port.
func webStartHTTP(t testing.TB, handler http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler, ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// webClosedPort returns a port nothing listens on.
func webClosedPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	return port
}

var (
	webDNSOnce sync.Once
	webDNSAddr string
)

// webResolver starts (once per process) a dnstest server where
// example.test and its subdomains resolve to 127.0.0.1.
func webResolver(t testing.TB) string {
	t.Helper()
	webDNSOnce.Do(func() {
		srv := dnstest.Start(&webOnceTB{TB: t}, &dnstest.Zone{Origin: webDomain + ".", Text: "@ A 127.0.0.1\n* A 127.0.0.1\n"})
		webDNSAddr = srv.Addr()
	})
	if webDNSAddr == "" {
		t.Fatal("test DNS server did not start")
	}
	return webDNSAddr
}

// webOnceTB keeps a process-wide dnstest server alive past the test that
// started it (its Cleanup is never run).
type webOnceTB struct{ testing.TB }

func (o *webOnceTB) Cleanup(func()) {}

// webRun runs the selected rules against domain with the given ports
// and trusted roots.
func webRun(t testing.TB, domain string, httpsPort, httpPort int, roots *x509.CertPool, ids ...string) *Result {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	res, err := Run(context.Background(), domain, Options{
		Resolver: webResolver(t), HTTPSPort: httpsPort, HTTPPort: httpPort, RootCAs: roots,
		Timeout: 3 * time.Second, Now: func() time.Time { return webNow }, SkipEmail: true,
		Enabled: func(id string) bool { return want[id] },
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var webTLSRules = []string{"FA950", "FA951", "FA952", "FA953", "FA954", "FA955", "FA956"}

// webByRule groups findings by rule id.
func webByRule(res *Result) map[string][]*finding.Finding {
	out := map[string][]*finding.Finding{}
	for _, f := range res.Findings {
		out[f.RuleID] = append(out[f.RuleID], f)
	}
	return out
}

// webDump logs findings and diagnostics, for failures.
func webDump(t testing.TB, res *Result) {
	t.Helper()
	for _, f := range res.Findings {
		t.Logf("%s [%s] %s", f.RuleID, f.Severity, f.Message)
		for _, e := range f.Evidence {
			t.Logf("    %s", e.Message)
		}
	}
	for _, d := range res.Diagnostics {
		t.Logf("diag %s: %s", d.Kind, d.Message)
	}
}

// webRawServer answers each connection's first ClientHello with a hand-built
// ServerHello when choose accepts it, and a handshake_failure alert
// otherwise; an SSLv2 CLIENT-HELLO gets ssl2 (nil: the connection closes).
func webRawServer(t testing.TB, choose func(vers uint16, suites []uint16) (uint16, uint16, bool), ssl2 []byte) int {
	t.Helper()
	return webRawListener(t, func(c net.Conn) {
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		hdr := make([]byte, 5)
		if _, err := io.ReadFull(c, hdr[:2]); err != nil {
			return
		}
		if hdr[0]&0x80 != 0 { // SSLv2
			if ssl2 != nil {
				_, _ = c.Write(ssl2)
			}
			return
		}
		if _, err := io.ReadFull(c, hdr[2:]); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		vers, suites, ok := webParseClientHello(body)
		if ok {
			if v, s, yes := choose(vers, suites); yes {
				_, _ = c.Write(webServerHello(v, s, nil))
				return
			}
		}
		_, _ = c.Write([]byte{21, 3, 1, 0, 2, 2, 40})
	})
}

// webRawListener listens on 127.0.0.1, hands each connection to serve on a
// goroutine of its own, and returns the port.
func webRawListener(t testing.TB, serve func(c net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// webParseClientHello reads the version and suites of a ClientHello
// handshake message (crypto/tls's or ours).
func webParseClientHello(b []byte) (uint16, []uint16, bool) {
	if len(b) < 4+2+32+1 || b[0] != 1 {
		return 0, nil, false
	}
	b = b[4:]
	vers := binary.BigEndian.Uint16(b)
	b = b[34:]
	sid := int(b[0])
	if len(b) < 1+sid+2 {
		return 0, nil, false
	}
	b = b[1+sid:]
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < 2+n {
		return 0, nil, false
	}
	var suites []uint16
	for i := 2; i+1 < 2+n; i += 2 {
		suites = append(suites, binary.BigEndian.Uint16(b[i:]))
	}
	return vers, suites, true
}

// webServerHello builds a ServerHello record (with extensions if ext
// is not nil).
func webServerHello(vers, suite uint16, ext []byte) []byte {
	body := binary.BigEndian.AppendUint16(nil, vers)
	body = append(body, make([]byte, 32)...)
	body = append(body, 0)
	body = binary.BigEndian.AppendUint16(body, suite)
	body = append(body, 0)
	if ext != nil {
		body = binary.BigEndian.AppendUint16(body, uint16(len(ext)))
		body = append(body, ext...)
	}
	hs := append([]byte{2, 0, byte(len(body) >> 8), byte(len(body))}, body...)
	rv := vers
	if rv > versionTLS12 {
		rv = versionTLS12
	}
	return append([]byte{22, byte(rv >> 8), byte(rv), byte(len(hs) >> 8), byte(len(hs))}, hs...)
}

// webSSL2ServerHello builds an SSLv2 SERVER-HELLO with a fake certificate and
// the given cipher specs.
func webSSL2ServerHello(specs ...uint32) []byte {
	cert := []byte("not really a certificate")
	connID := make([]byte, 16)
	body := []byte{4, 0, 1, 0, 2}
	body = binary.BigEndian.AppendUint16(body, uint16(len(cert)))
	body = binary.BigEndian.AppendUint16(body, uint16(3*len(specs)))
	body = binary.BigEndian.AppendUint16(body, uint16(len(connID)))
	body = append(body, cert...)
	for _, s := range specs {
		body = append(body, byte(s>>16), byte(s>>8), byte(s))
	}
	body = append(body, connID...)
	return append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
}

// webHas reports a finding whose message contains all the parts.
func webHas(fs []*finding.Finding, parts ...string) bool {
	for _, f := range fs {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(f.Message, p)
		}
		if ok {
			return true
		}
	}
	return false
}
