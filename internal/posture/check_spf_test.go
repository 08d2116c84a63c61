package posture

import (
	"fmt"
	"strings"
	"testing"
)

// TestSPFCheck runs the SPF check over good and bad records.
func TestSPFCheck(t *testing.T) {
	good := emailGoodZone()
	spf := func(rec string) emailZone { return good.with("spf", "@ TXT \""+rec+"\"\n") }
	rules := []string{"FA962", "FA963"}
	var manyA []string
	for i := 1; i <= 6; i++ {
		manyA = append(manyA, fmt.Sprintf("a:h%d.example.test", i))
	}
	hosts := "h1 A 192.0.2.1\nh2 A 192.0.2.2\nh3 A 192.0.2.3\nh4 A 192.0.2.4\nh5 A 192.0.2.5\nh6 A 192.0.2.6\n"
	emailCheck(t, []emailCase{
		{name: "good", zone: good, rules: rules},
		{name: "good-redirect", zone: spf("v=spf1 redirect=_spf.example.net"), rules: rules},
		{name: "missing", zone: good.with("spf", ""), rules: rules, want: []string{"FA962 has no SPF record|medium"}},
		{name: "not-spf-txt-only", zone: good.with("spf", "@ TXT \"v=spf10 -all\"\n@ TXT \"google-site-verification=abc\"\n"), rules: rules,
			want: []string{"FA962 has no SPF record"}},
		{name: "plus-all", zone: spf("v=spf1 mx +all"), rules: rules, want: []string{"FA962 ends in +all|medium"}},
		{name: "bare-all", zone: spf("v=spf1 mx all"), rules: rules, want: []string{"FA962 ends in +all"}},
		{name: "neutral-all", zone: spf("v=spf1 mx ?all"), rules: rules, want: []string{"FA962 ends in ?all|medium"}},
		{name: "softfail", zone: spf("v=spf1 mx ~all"), rules: rules, want: []string{"FA962 ends in ~all|low"}},
		{name: "no-all", zone: spf("v=spf1 mx ip4:192.0.2.1"), rules: rules, want: []string{"FA962 no all mechanism and no redirect|medium"}},
		{name: "redirect-softfail", zone: spf("v=spf1 redirect=_soft.example.net"), net: emailNetZone + "_soft TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"\n", rules: rules,
			want: []string{"FA962 (through redirect to _soft.example.net)|low"}},
		{name: "two-records", zone: good.with("spf", "@ TXT \"v=spf1 mx -all\"\n@ TXT \"v=spf1 include:_spf.example.net -all\"\n"), rules: rules,
			want: []string{"FA963 has 2 SPF records|medium"}},
		{name: "syntax", zone: spf("v=spf1 mx foo:bar ip4:192.0.2.0/33 ip6:zz *all include:%{z}.example.net a:localhost -all"), rules: rules,
			want: []string{`FA963 has 6 syntax errors ("foo:bar": unknown mechanism "foo"; "ip4:192.0.2.0/33": bad CIDR length /33 (0 to 32); "ip6:zz": "zz" is not an IP address; "*all": bad qualifier '*'`}},
		{name: "unknown-modifier", zone: spf("v=spf1 mx redirct=_spf.example.net -all"), rules: rules,
			want: []string{"FA963 unknown modifiers (redirct)|low"}},
		{name: "lookups-through-include", zone: spf("v=spf1 mx a "+strings.Join(manyA[:4], " ")+" include:_many.example.net -all").with("hosts", hosts), rules: rules,
			net: emailNetZone + "_many TXT \"v=spf1 " + strings.Join(manyA, " ") + " -all\"\n",
			// mx, a, 4 a:, include, 6 a: in the include = 13
			want: []string{"FA963 needs 13 DNS lookups|medium"}},
		{name: "ten-lookups-ok", zone: spf("v=spf1 mx a "+strings.Join(manyA[:2], " ")+" include:_many.example.net -all").with("hosts", hosts), rules: rules,
			net: emailNetZone + "_many TXT \"v=spf1 " + strings.Join(manyA[:5], " ") + " -all\"\n"},
		{name: "void-lookups", zone: spf("v=spf1 a:nx1.example.test a:nx2.example.test mx:nomx.example.test mx -all").with("hosts", "nomx TXT \"x\"\n"), rules: rules,
			want: []string{"FA963 makes 3 DNS lookups that find nothing"}},
		{name: "include-loop", zone: spf("v=spf1 include:_loop.example.net -all"), rules: rules,
			net:  emailNetZone + "_loop TXT \"v=spf1 include:_loop2.example.net -all\"\n_loop2 TXT \"v=spf1 include:example.test -all\"\n",
			want: []string{"FA963 loops: include:example.test leads back to example.test"}},
		{name: "include-without-spf", zone: spf("v=spf1 mx include:nospf.example.net -all"), rules: rules,
			net:  emailNetZone + "nospf TXT \"hello\"\n",
			want: []string{"FA963 has include:nospf.example.net, but nospf.example.net has no SPF record"}},
		{name: "include-nxdomain", zone: spf("v=spf1 include:gone.example.net -all"), rules: rules,
			want: []string{"FA963 has include:gone.example.net, but gone.example.net has no SPF record"}},
		{name: "include-with-bad-syntax", zone: spf("v=spf1 include:_bad.example.net -all"), rules: rules,
			net:  emailNetZone + "_bad TXT \"v=spf1 ip4:300.1.1.1 -all\"\n",
			want: []string{`FA963 the SPF record of _bad.example.net has 1 syntax error ("ip4:300.1.1.1": "300.1.1.1" is not an IP address)`}},
		{name: "macros-counted-not-resolved", zone: spf("v=spf1 exists:%{i}._spf.example.test include:_spf.example.net -all"), rules: rules},
		{name: "only-fa962", zone: spf("v=spf1 foo ~all"), rules: []string{"FA962"}, want: []string{"FA962 ends in ~all"}},
	})
}

// TestSPFLookupBound checks a long include chain is walked within the
// bounds: counting stops, the finding says "at least".
func TestSPFLookupBound(t *testing.T) {
	var net strings.Builder
	net.WriteString(emailNetZone)
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&net, "_c%d TXT \"v=spf1 include:_c%d.example.net -all\"\n", i, i+1)
	}
	res := emailRun(t, emailCase{
		zone:  emailGoodZone().with("spf", "@ TXT \"v=spf1 include:_c0.example.net -all\"\n"),
		net:   net.String(),
		rules: []string{"FA963"},
	})
	if len(res.Findings) != 1 || !strings.Contains(res.Findings[0].Message, "needs at least") {
		for _, f := range res.Findings {
			t.Logf("%s: %s", f.RuleID, f.Message)
		}
		t.Fatalf("want one finding with \"at least\"")
	}
	if res.Queries > 40 {
		t.Errorf("%d DNS queries, want the walk bounded", res.Queries)
	}
}
