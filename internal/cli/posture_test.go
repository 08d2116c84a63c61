package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/posture/dnstest"
)

// postureCA makes a CA and a certificate for host signed by it, and
// writes the CA to a PEM file.
func postureCA(t *testing.T, host string) (tls.Certificate, string) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(200 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, file
}

// TestPostureCommand runs posture against a real DNS server and a real
// TLS server on 127.0.0.1: a web endpoint offering TLS 1.0 without HSTS
// and a domain with a permissive SPF and no DMARC.
func TestPostureCommand(t *testing.T) {
	cert, caFile := postureCA(t, "shop.test")
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS10})
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)} // the probing handshakes fail on purpose
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	port := l.Addr().(*net.TCPAddr).Port

	dns := dnstest.Start(t, &dnstest.Zone{Origin: "shop.test.", Text: `
@ 300 IN A 127.0.0.1
@ 300 IN MX 10 mx.shop.test.
mx 300 IN A 127.0.0.1
@ 300 IN TXT "v=spf1 mx +all"
@ 300 IN CAA 0 issue "letsencrypt.org"
`})
	out, errOut, code := run(t, "posture", "shop.test", "--resolver", dns.Addr(), "--https-port", strconv.Itoa(port),
		"--http-port", "1", "--ca-file", caFile, "--timeout", "3s", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	var rep struct {
		Findings    []*finding.Finding    `json:"findings"`
		Diagnostics []*finding.Diagnostic `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.RuleID] = f.Message
	}
	for _, id := range []string{"FA950", "FA958", "FA962", "FA964"} {
		if got[id] == "" {
			t.Errorf("no %s finding; got %v", id, got)
		}
	}
	for _, id := range []string{"FA952", "FA953", "FA954", "FA955", "FA959"} {
		if got[id] != "" {
			t.Errorf("unexpected %s: %s", id, got[id])
		}
	}
	if !strings.Contains(got["FA950"], "1.0") {
		t.Errorf("FA950 does not name TLS 1.0: %s", got["FA950"])
	}

	// Usage errors.
	if _, _, code := run(t, "posture", "http://[::1]/"); code != ExitUsage {
		t.Errorf("an IP address: exit %d, want %d", code, ExitUsage)
	}
	if _, _, code := run(t, "posture", "shop.test", "--ca-file", filepath.Join(t.TempDir(), "none.pem")); code != ExitUsage {
		t.Errorf("a missing --ca-file: exit %d, want %d", code, ExitUsage)
	}
}
