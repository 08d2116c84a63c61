package posture

import "testing"

// TestDMARCCheck runs the DMARC check over good and bad records.
func TestDMARCCheck(t *testing.T) {
	good := emailGoodZone()
	dmarc := func(recs ...string) emailZone {
		text := ""
		for _, r := range recs {
			text += "_dmarc TXT \"" + r + "\"\n"
		}
		return good.with("dmarc", text)
	}
	rules := []string{"FA964"}
	// sub.example.test: a subdomain without a record of its own.
	sub := "sub MX 10 mx1.example.test.\nsub TXT \"v=spf1 mx -all\"\n"
	emailCheck(t, []emailCase{
		{name: "good", zone: good, rules: rules},
		{name: "quarantine-own-reports", zone: dmarc("v=DMARC1; p=quarantine; rua=mailto:d@example.test; ruf=mailto:f@example.test; fo=1; adkim=s; aspf=r; ri=86400; rf=afrf"), rules: rules},
		{name: "missing", zone: good.with("dmarc", ""), rules: rules, want: []string{"FA964 no DMARC record at _dmarc.example.test|medium"}},
		{name: "non-dmarc-txt", zone: dmarc("v=spf1 -all"), rules: rules, want: []string{"FA964 no DMARC record"}},
		{name: "several", zone: dmarc("v=DMARC1; p=reject; rua=mailto:d@example.test", "v=DMARC1; p=none"), rules: rules,
			want: []string{"FA964 has 2 DMARC records|medium"}},
		{name: "p-none", zone: dmarc("v=DMARC1; p=none; rua=mailto:d@example.test"), rules: rules, want: []string{"FA964 has p=none|medium"}},
		{name: "pct", zone: dmarc("v=DMARC1; p=reject; pct=25; rua=mailto:d@example.test"), rules: rules, want: []string{"FA964 has pct=25|medium"}},
		{name: "no-rua", zone: dmarc("v=DMARC1; p=reject"), rules: rules, want: []string{"FA964 has no rua= address|low"}},
		{name: "sp-none", zone: dmarc("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.test"), rules: rules,
			want: []string{"FA964 has p=reject but sp=none|medium"}},
		{name: "external-unauthorised", zone: dmarc("v=DMARC1; p=reject; rua=mailto:d@example.test,mailto:agg@other.example.net; ruf=mailto:forensic@other.example.net"), rules: rules,
			want: []string{"FA964 sends rua reports to mailto:agg@other.example.net, another domain, but example.test._report._dmarc.other.example.net has no|low"}},
		{name: "external-authorised-with-size", zone: dmarc("v=DMARC1; p=reject; rua=mailto:d@reports.example.net!10m"), rules: rules},
		{name: "syntax-bad-values", zone: dmarc("v=DMARC1; p=reject; pct=150; adkim=x; rua=mailto:d@example.test"), rules: rules,
			want: []string{"FA964 has syntax errors (pct=150: want a whole number from 0 to 100; adkim=x: want r (relaxed) or s (strict))|low"}},
		{name: "syntax-bad-policy-with-rua", zone: dmarc("v=DMARC1; p=rejected; rua=mailto:d@example.test"), rules: rules,
			want: []string{"FA964 has syntax errors (p=rejected: want none, quarantine or reject)", "FA964 has p=none"}},
		{name: "invalid-version-not-first", zone: dmarc("v=DMARC1 p=reject"), rules: rules,
			want: []string{"FA964 is invalid"}},
		{name: "invalid-no-policy", zone: dmarc("v=DMARC1; rua=bad"), rules: rules,
			want: []string{"FA964 is invalid (rua=bad: \"bad\" is not a URI (want mailto:ADDRESS); no p= tag)"}},
		{name: "unknown-tag", zone: dmarc("v=DMARC1; p=reject; rua=mailto:d@example.test; ruaa=mailto:x@example.test"), rules: rules,
			want: []string{"FA964 unknown tags (ruaa)|low"}},
		{name: "subdomain-inherits", domain: "sub.example.test", zone: good.with("sub", sub), rules: rules},
		{name: "subdomain-inherits-sp-none", domain: "sub.example.test", zone: dmarc("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.test").with("sub", sub), rules: rules,
			want: []string{"FA964 sub.example.test has no DMARC record of its own; the one of its organisational domain at _dmarc.example.test, which applies, has sp=none"}},
		{name: "subdomain-none-anywhere", domain: "sub.example.test", zone: good.with("dmarc", "", "sub", sub), rules: rules,
			want: []string{"FA964 no DMARC record at _dmarc.sub.example.test nor at _dmarc.example.test"}},
		{name: "subdomain-own-record", domain: "sub.example.test", zone: good.with("sub", sub+"_dmarc.sub TXT \"v=DMARC1; p=none; rua=mailto:d@example.test\"\n"), rules: rules,
			want: []string{"FA964 the DMARC record at _dmarc.sub.example.test has p=none"}},
	})
}
