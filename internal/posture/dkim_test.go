package posture

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"
)

// TestParseDKIMKey checks key records of each kind and the malformed ones.
func TestParseDKIMKey(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	rsa2048 := b64(emailRSAKey(2048))
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	edSPKI, _ := x509.MarshalPKIXPublicKey(edPub)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecSPKI, _ := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)

	cases := []struct {
		rec     string
		bits    int
		revoked bool
		problem string
	}{
		{rec: "v=DKIM1; k=rsa; p=" + rsa2048, bits: 2048},
		{rec: "p=" + rsa2048, bits: 2048},
		{rec: "v=DKIM1; h=sha256; t=y:s; p=" + rsa2048[:100] + " \t" + rsa2048[100:], bits: 2048},
		{rec: "v=DKIM1; p=" + strings.TrimRight(rsa2048, "="), bits: 2048},
		{rec: "v=DKIM1; p=" + b64(emailRSAKey(1024)), bits: 1024},
		{rec: "v=DKIM1; k=ed25519; p=" + b64(edPub), bits: 256},
		{rec: "v=DKIM1; k=ed25519; p=" + b64(edSPKI), bits: 256},
		{rec: "v=DKIM1; p=", revoked: true},
		{rec: "v=DKIM1; k=rsa; p= ", revoked: true},
		{rec: "v=DKIM1; k=rsa", problem: "no p= tag"},
		{rec: "v=DKIM1; p=!!!", problem: "not base64"},
		{rec: "v=DKIM1; p=" + b64([]byte("hello")), problem: "not an RSA public key"},
		{rec: "v=DKIM1; p=" + b64(ecSPKI), problem: "key, not RSA"},
		{rec: "v=DKIM1; k=ed25519; p=" + b64([]byte("short")), problem: "not a 32-byte ed25519 key (5 bytes)"},
		{rec: "v=DKIM1; k=dsa; p=" + rsa2048, problem: "unknown key type k=dsa"},
		{rec: "k=rsa; v=DKIM1; p=" + rsa2048, problem: "must be the first tag"},
	}
	for _, c := range cases {
		k := parseDKIMKey(c.rec)
		got := strings.Join(k.Problems, " | ")
		switch {
		case c.problem != "" && !strings.Contains(got, c.problem):
			t.Errorf("%.60q: problems %q, want %q", c.rec, got, c.problem)
		case c.problem == "" && got != "":
			t.Errorf("%.60q: unexpected problems %q", c.rec, got)
		case c.problem == "" && (k.Bits != c.bits || k.Revoked != c.revoked):
			t.Errorf("%.60q: bits %d revoked %v, want %d %v", c.rec, k.Bits, k.Revoked, c.bits, c.revoked)
		}
	}
	if !parseDKIMKey("v=DKIM1; t=y; p=").Testing {
		t.Errorf("t=y not read")
	}
	for txt, want := range map[string]bool{"v=DKIM1; p=": true, "p=abc": true, "k=rsa; p=abc": true, "v=spf1 -all": false, "hello": false, "v=DMARC1; p=none": false} {
		if isDKIMKey(txt) != want {
			t.Errorf("isDKIMKey(%q) = %v", txt, !want)
		}
	}
}

// FuzzParseDKIMKey checks the DKIM key parser never panics.
func FuzzParseDKIMKey(f *testing.F) {
	f.Add("v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(emailRSAKey(1024)))
	f.Add("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	f.Add("v=DKIM1; p=")
	f.Add("k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ; t=y:s")
	f.Fuzz(func(t *testing.T, s string) {
		k := parseDKIMKey(s)
		if k.Revoked && k.Bits != 0 {
			t.Fatalf("revoked key with %d bits", k.Bits)
		}
		if k.Bits < 0 || (k.Bits > 0 && len(k.Problems) > 0 && k.KeyType != "rsa" && k.KeyType != "ed25519") {
			t.Fatalf("bits %d for key type %q", k.Bits, k.KeyType)
		}
		_ = isDKIMKey(s)
	})
}
