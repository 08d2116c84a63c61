package posture

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"strings"
	"testing"
)

// TestDKIMCheck runs the DKIM check over keys of several kinds and sizes.
func TestDKIMCheck(t *testing.T) {
	good := emailGoodZone()
	key := func(sel, rdata string) emailZone { return good.with("dkim", sel+"._domainkey TXT "+rdata+"\n") }
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// A raw PKCS#1 RSA key (no SubjectPublicKeyInfo) of 2048 bits.
	n, _ := new(big.Int).SetString("c"+strings.Repeat("5", 511), 16)
	pkcs1 := x509.MarshalPKCS1PublicKey(&rsa.PublicKey{N: n, E: 65537})
	rules := []string{"FA965"}
	emailCheck(t, []emailCase{
		{name: "good", zone: good, rules: rules},
		{name: "no-key", zone: good.with("dkim", ""), rules: rules,
			want: []string{"FA965 no DKIM key found for example.test at the 23 selectors tried|low"}},
		{name: "given-selector", zone: key("mykey2024", emailDKIMTXT("v=DKIM1; k=rsa; p=", emailRSAKey(2048))), rules: rules,
			opts: Options{DKIMSelectors: []string{"MyKey2024"}}},
		{name: "given-selector-not-given", zone: key("mykey2024", emailDKIMTXT("v=DKIM1; k=rsa; p=", emailRSAKey(2048))), rules: rules,
			want: []string{"FA965 no DKIM key found"}},
		{name: "rsa-1024", zone: key("google", emailDKIMTXT("v=DKIM1; k=rsa; p=", emailRSAKey(1024))), rules: rules,
			want: []string{"FA965 google._domainkey.example.test is a 1024-bit RSA key, under the 2048 bits|low"}},
		{name: "rsa-512", zone: key("s1", emailDKIMTXT("v=DKIM1; p=", emailRSAKey(512))), rules: rules,
			want: []string{"FA965 s1._domainkey.example.test is a 512-bit RSA key: keys this short can be factored|medium"}},
		{name: "pkcs1-2048", zone: key("k1", emailDKIMTXT("p=", pkcs1)), rules: rules},
		{name: "ed25519", zone: key("k2", emailDKIMTXT("v=DKIM1; k=ed25519; p=", edPub)), rules: rules},
		{name: "revoked-only", zone: key("selector1", `"v=DKIM1; k=rsa; p="`), rules: rules,
			want: []string{"FA965 tried (revoked keys only, at selector1)"}},
		{name: "revoked-and-active", zone: good.with("old", `default._domainkey TXT "v=DKIM1; p="`+"\n"), rules: rules},
		{name: "invalid-key", zone: key("mail", `"v=DKIM1; k=rsa; p=bm90IGEga2V5"`), rules: rules,
			want: []string{"FA965 the DKIM key record at mail._domainkey.example.test is invalid (p= is not an RSA public key|medium"}},
		{name: "wildcard-txt-ignored", zone: good.with("dkim", `*._domainkey TXT "v=spf1 -all"`+"\n"), rules: rules,
			want: []string{"FA965 no DKIM key found"}},
	})
}

// TestDKIMSelectors checks the selector list: given ones first, no
// duplicates or malformed names, bounded.
func TestDKIMSelectors(t *testing.T) {
	got := dkimSelectors([]string{" Custom ", "default", "bad name", "a/b", ""})
	if got[0] != "custom" || got[1] != "default" || got[2] != "selector1" {
		t.Errorf("selectors start %v", got[:3])
	}
	for i, s := range got {
		for _, o := range got[:i] {
			if s == o {
				t.Errorf("duplicate selector %q", s)
			}
		}
		if strings.ContainsAny(s, " /") {
			t.Errorf("malformed selector %q kept", s)
		}
	}
	var many []string
	for i := 0; i < 50; i++ {
		many = append(many, "sel"+strings.Repeat("x", i))
	}
	if got := dkimSelectors(many); len(got) > dkimMaxSelectors || got[dkimMaxGiven] != "default" {
		t.Errorf("%d selectors, [%d] = %q; want at most %d, given ones capped at %d", len(got), dkimMaxGiven, got[dkimMaxGiven], dkimMaxSelectors, dkimMaxGiven)
	}
}
