package posture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func TestTLSGoodServer(t *testing.T) {
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	for _, tc := range []struct {
		name string
		spec webLeafSpec
	}{
		{"p256", webLeafSpec{}},
		{"rsa2048", webLeafSpec{key: webRSA2048}},
		{"stapled", webLeafSpec{ocsp: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := ca.leaf(t, tc.spec)
			if tc.spec.ocsp {
				cert.OCSPStaple = []byte{0x30, 0x03, 0x0a, 0x01, 0x00} // OCSPResponse{successful}
			}
			port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil)
			res := webRun(t, webDomain, port, 0, ca.pool(), webTLSRules...)
			if len(res.Findings) > 0 || len(res.Diagnostics) > 0 {
				webDump(t, res)
				t.Fatalf("good server: want no finding, got %d (and %d diagnostics)", len(res.Findings), len(res.Diagnostics))
			}
		})
	}
}

func TestTLSOldVersions(t *testing.T) {
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, webLeafSpec{})}, MinVersion: tls.VersionTLS10}, nil)
	res := webRun(t, webDomain, port, 0, ca.pool(), webTLSRules...)
	got := webByRule(res)
	if len(res.Findings) != 1 || len(got["FA950"]) != 1 || !webHas(got["FA950"], "TLS 1.0, TLS 1.1", "besides TLS 1.2 and TLS 1.3") {
		webDump(t, res)
		t.Fatal("want one FA950 naming TLS 1.0 and 1.1")
	}
	if f := got["FA950"][0]; f.Severity != finding.Medium || len(f.Evidence) != 4 || !strings.Contains(f.Evidence[1].Message, "openssl s_client") {
		webDump(t, res)
		t.Errorf("FA950 severity %s, evidence %d lines", f.Severity, len(f.Evidence))
	}
}

func TestTLSWeakSuites(t *testing.T) {
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	cert := ca.leaf(t, webLeafSpec{key: webRSA2048})
	for _, tc := range []struct {
		name   string
		suites []uint16
		want   [][]string // message parts of each FA951 finding
		sev    []finding.Severity
	}{
		{
			name: "3des-rsa-rc4",
			suites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
				tls.TLS_RSA_WITH_AES_128_CBC_SHA, tls.TLS_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA},
			want: [][]string{
				{"RC4 cipher suites: TLS_ECDHE_RSA_WITH_RC4_128_SHA;"},
				{"64-bit block ciphers", "TLS_RSA_WITH_3DES_EDE_CBC_SHA;"},
				{"RSA key exchange", "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384"},
			},
			sev: []finding.Severity{finding.Medium, finding.Medium, finding.Medium},
		},
		{
			name:   "rsa-kex-preferred",
			suites: []uint16{tls.TLS_RSA_WITH_AES_128_GCM_SHA256},
			want:   [][]string{{"RSA key exchange", "TLS_RSA_WITH_AES_128_GCM_SHA256", "server prefers one of them"}},
			sev:    []finding.Severity{finding.Medium},
		},
		{
			name:   "cbc-only",
			suites: []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA},
			want:   [][]string{{"no AEAD cipher suite"}},
			sev:    []finding.Severity{finding.Low},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
				MaxVersion: tls.VersionTLS12, CipherSuites: tc.suites}, nil)
			res := webRun(t, webDomain, port, 0, ca.pool(), webTLSRules...)
			got := webByRule(res)["FA951"]
			if len(got) != len(tc.want) || len(res.Findings) != len(tc.want) {
				webDump(t, res)
				t.Fatalf("want %d FA951 findings and nothing else, got %d of %d", len(tc.want), len(got), len(res.Findings))
			}
			for i, parts := range tc.want {
				if !webHas(got[i:i+1], parts...) || got[i].Severity != tc.sev[i] {
					webDump(t, res)
					t.Errorf("finding %d: want %q at %s, got %q at %s", i, parts, tc.sev[i], got[i].Message, got[i].Severity)
				}
			}
			if !slices.ContainsFunc(got[0].Evidence, func(s finding.Step) bool { return strings.Contains(s.Message, "when offered all") }) {
				t.Errorf("no preferred suite in the evidence: %v", got[0].Evidence)
			}
		})
	}
}

func TestTLSCertificates(t *testing.T) {
	webKeys(t)
	root := webNewCA(t, "Test Root CA", webCAKey, nil)
	inter := webNewCA(t, "Test Intermediate CA", webCA2Key, root)
	other := webNewCA(t, "Unknown CA", webCA2Key, nil)
	type want struct {
		rule  string
		sev   finding.Severity
		parts []string
	}
	for _, tc := range []struct {
		name   string
		ca     *webCA
		spec   webLeafSpec
		staple bool
		want   []want
	}{
		{name: "expired", ca: root, spec: webLeafSpec{notBefore: webNow.AddDate(-1, 0, 0), notAfter: webNow.AddDate(0, 0, -2)},
			want: []want{{"FA952", finding.High, []string{"expired on 2026-02-27, 2 days ago"}}}},
		{name: "expiring", ca: root, spec: webLeafSpec{notAfter: webNow.AddDate(0, 0, 10)},
			want: []want{{"FA952", finding.Medium, []string{"expires on 2026-03-11, in 10 days"}}}},
		{name: "not-yet-valid", ca: root, spec: webLeafSpec{notBefore: webNow.AddDate(0, 0, 1)},
			want: []want{{"FA952", finding.High, []string{"not valid before"}}}},
		{name: "wrong-host", ca: root, spec: webLeafSpec{names: []string{"other.test", "www.other.test"}},
			want: []want{{"FA953", finding.High, []string{"does not cover example.test", "other.test, www.other.test"}}}},
		{name: "self-signed", ca: root, spec: webLeafSpec{selfSigned: true},
			want: []want{{"FA954", finding.High, []string{"self-signed"}}}},
		{name: "unknown-ca", ca: other, spec: webLeafSpec{},
			want: []want{{"FA954", finding.High, []string{`issuer of the last certificate sent ("CN=Unknown CA`, "omits an intermediate"}}}},
		{name: "untrusted-root-sent", ca: other, spec: webLeafSpec{chain: []*webCA{other}},
			want: []want{{"FA954", finding.High, []string{`chains to "Unknown CA", a root that is not trusted`}}}},
		{name: "missing-intermediate", ca: inter, spec: webLeafSpec{},
			want: []want{{"FA954", finding.High, []string{"Test Intermediate CA", "omits an intermediate"}}}},
		{name: "full-chain", ca: inter, spec: webLeafSpec{chain: []*webCA{inter}}},
		{name: "rsa1024", ca: root, spec: webLeafSpec{key: webRSA1024},
			want: []want{{"FA955", finding.Medium, []string{"1024-bit RSA key"}}}},
		{name: "sha1", ca: root, spec: webLeafSpec{sigAlg: x509.ECDSAWithSHA1},
			want: []want{{"FA954", finding.High, []string{"algorithm clients reject"}}, {"FA955", finding.Medium, []string{"signed with SHA-1 (ECDSA-SHA1)"}}}},
		{name: "no-staple", ca: root, spec: webLeafSpec{ocsp: true},
			want: []want{{"FA956", finding.Info, []string{"staples no OCSP response", "http://ocsp.ca.test"}}}},
		{name: "must-staple", ca: root, spec: webLeafSpec{ocsp: true, mustStaple: true},
			want: []want{{"FA956", finding.Medium, []string{"Must-Staple"}}}},
		{name: "must-staple-stapled", ca: root, spec: webLeafSpec{ocsp: true, mustStaple: true}, staple: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert := tc.ca.leaf(t, tc.spec)
			if tc.staple {
				cert.OCSPStaple = []byte{0x30, 0x03, 0x0a, 0x01, 0x00}
			}
			port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil)
			res := webRun(t, webDomain, port, 0, root.pool(), webTLSRules...)
			ok := len(res.Findings) == len(tc.want)
			for i, w := range tc.want {
				ok = ok && res.Findings[i].RuleID == w.rule && res.Findings[i].Severity == w.sev && webHas(res.Findings[i:i+1], w.parts...)
			}
			if !ok {
				webDump(t, res)
				t.Fatalf("want %v", tc.want)
			}
		})
	}
}

// TestTLSRawProtocols runs the check against a server that only answers
// hand-built ClientHellos: SSLv3, SSLv2, and NULL and EXPORT suites, which
// no Go TLS server can be made to speak.
func TestTLSRawProtocols(t *testing.T) {
	t.Run("sslv3", func(t *testing.T) {
		port := webRawServer(t, func(v uint16, _ []uint16) (uint16, uint16, bool) {
			return versionSSL3, 0x000a, v == versionSSL3
		}, nil)
		res := webRun(t, webDomain, port, 0, nil, "FA950")
		got := webByRule(res)["FA950"]
		if len(got) != 1 || got[0].Severity != finding.High || !webHas(got, "accepts SSLv3 (and no TLS 1.2 or 1.3 at all)") ||
			!strings.Contains(got[0].Evidence[0].Message, "TLS_RSA_WITH_3DES_EDE_CBC_SHA") {
			webDump(t, res)
			t.Fatal("want FA950 high for SSLv3")
		}
	})
	t.Run("sslv2", func(t *testing.T) {
		port := webRawServer(t, func(uint16, []uint16) (uint16, uint16, bool) { return 0, 0, false },
			webSSL2ServerHello(0x0700c0, 0x010080))
		res := webRun(t, webDomain, port, 0, nil, "FA950")
		got := webByRule(res)["FA950"]
		if len(got) != 1 || got[0].Severity != finding.High || !webHas(got, "accepts SSLv2") ||
			!strings.Contains(got[0].Evidence[0].Message, "2 cipher specs") {
			webDump(t, res)
			t.Fatal("want FA950 high for SSLv2")
		}
	})
	t.Run("null-export", func(t *testing.T) {
		port := webRawServer(t, func(v uint16, suites []uint16) (uint16, uint16, bool) {
			for _, s := range []uint16{0x0002, 0x0003} {
				if v == versionTLS12 && slices.Contains(suites, s) {
					return versionTLS12, s, true
				}
			}
			return 0, 0, false
		}, nil)
		res := webRun(t, webDomain, port, 0, nil, "FA950", "FA951")
		got := webByRule(res)
		if len(got["FA950"]) != 0 || len(got["FA951"]) != 3 ||
			!webHas(got["FA951"][0:1], "NULL (no encryption) cipher suites: TLS_RSA_WITH_NULL_SHA;") || got["FA951"][0].Severity != finding.High ||
			!webHas(got["FA951"][1:2], "EXPORT (40/56-bit keys) cipher suites: TLS_RSA_EXPORT_WITH_RC4_40_MD5;") || got["FA951"][1].Severity != finding.High ||
			!webHas(got["FA951"][2:3], "no AEAD") {
			webDump(t, res)
			t.Fatal("want FA951 for NULL and EXPORT (and CBC-only), no FA950")
		}
	})
}

func TestTLSUnreachable(t *testing.T) {
	res := webRun(t, webDomain, webClosedPort(t), 0, x509.NewCertPool(), webTLSRules...)
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "not checked") {
		webDump(t, res)
		t.Fatal("want one diagnostic and no finding for a closed port")
	}
}

// TestTLSFingerprintStable checks that an expiring certificate keeps its
// fingerprint from one day to the next (the message counts days).
func TestTLSFingerprintStable(t *testing.T) {
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	port := webStartHTTPS(t, &tls.Config{Certificates: []tls.Certificate{ca.leaf(t, webLeafSpec{notAfter: webNow.AddDate(0, 0, 10)})}}, nil)
	a := webRun(t, webDomain, port, 0, ca.pool(), "FA952")
	saved := webNow
	webNow = webNow.AddDate(0, 0, 1)
	defer func() { webNow = saved }()
	b := webRun(t, webDomain, port, 0, ca.pool(), "FA952")
	if len(a.Findings) != 1 || len(b.Findings) != 1 || a.Findings[0].Message == b.Findings[0].Message ||
		a.Findings[0].Fingerprint != b.Findings[0].Fingerprint {
		webDump(t, a)
		webDump(t, b)
		t.Fatal("want one FA952 each day, different messages, same fingerprint")
	}
}

// TestTLSAgainstOpenSSL checks the hand-built ClientHellos against a real
// TLS stack that speaks what Go cannot: openssl s_server with DHE-only,
// anonymous and NULL suites. Without openssl the test is skipped, except
// under CI=true, where it fails.
func TestTLSAgainstOpenSSL(t *testing.T) {
	bin, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed (Debian package openssl)")
		}
		t.Skip("openssl not installed (CI=true makes this a failure)")
	}
	webKeys(t)
	ca := webNewCA(t, "Test Root CA", webCAKey, nil)
	cert := ca.leaf(t, webLeafSpec{key: webRSA2048})
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(webRSA2048)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want map[string][][]string // rule -> message parts of each finding
		sev  finding.Severity      // of the first FA951
	}{
		{
			name: "dhe-only", args: []string{"-no_tls1_3", "-cipher", "DHE-RSA-AES128-SHA:@SECLEVEL=0"},
			want: map[string][][]string{
				"FA950": {{"accepts TLS 1.0, TLS 1.1 (besides TLS 1.2)"}},
				"FA951": {{"no AEAD cipher suite"}},
			},
			sev: finding.Low,
		},
		{
			name: "anon-null", args: []string{"-cipher", "ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-SHA:AECDH-AES128-SHA:NULL-SHA:@SECLEVEL=0"},
			want: map[string][][]string{
				"FA950": {{"TLS 1.0, TLS 1.1"}},
				"FA951": {{"NULL (no encryption) cipher suites: TLS_RSA_WITH_NULL_SHA;"},
					{"anonymous (no server authentication) cipher suites: TLS_DH_anon_WITH_AES_128_CBC_SHA, TLS_ECDH_anon_WITH_AES_128_CBC_SHA;"}},
			},
			sev: finding.High,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port := webClosedPort(t)
			args := append([]string{"s_server", "-quiet", "-www", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-cert", certFile, "-key", keyFile}, tc.args...)
			cmd := exec.Command(bin, args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
				if err == nil {
					_ = c.Close()
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("openssl s_server did not start: %s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			res := webRun(t, webDomain, port, 0, nil, "FA950", "FA951")
			got := webByRule(res)
			ok := len(res.Findings) == len(tc.want["FA950"])+len(tc.want["FA951"])
			for rule, fs := range tc.want {
				for i, parts := range fs {
					ok = ok && len(got[rule]) == len(fs) && webHas(got[rule][i:i+1], parts...)
				}
			}
			if !ok || got["FA951"][0].Severity != tc.sev {
				webDump(t, res)
				t.Fatalf("want %v", tc.want)
			}
		})
	}
}

// TestTLSSilentServer checks that a server that accepts connections but
// never answers costs one timeout, not one per probe.
func TestTLSSilentServer(t *testing.T) {
	port := webRawListener(t, func(c net.Conn) { _, _ = io.Copy(io.Discard, c); _ = c.Close() })
	start := time.Now()
	res, err := Run(context.Background(), webDomain, Options{Resolver: webResolver(t), HTTPSPort: port,
		Timeout: 300 * time.Millisecond, SkipEmail: true, RootCAs: x509.NewCertPool(), Enabled: func(id string) bool { return strings.HasPrefix(id, "FA95") && id <= "FA956" }})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || len(res.Diagnostics) != 1 || !strings.Contains(res.Diagnostics[0].Message, "no TLS answer") || time.Since(start) > 2*time.Second {
		webDump(t, res)
		t.Fatalf("want one diagnostic within 2s, took %s", time.Since(start))
	}
}
