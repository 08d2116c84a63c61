package posture

import (
	"strings"
	"testing"
)

// TestParseSPF checks the SPF parser on valid and invalid records.
func TestParseSPF(t *testing.T) {
	valid := []string{
		"v=spf1",
		"v=spf1 -all",
		"V=SPF1 MX A:Mail.Example.COM/24 -ALL",
		"v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.7 ip6:2001:db8::/32 ip6:::1 ip6:::ffff:192.0.2.1/128 -all",
		"v=spf1 a a/24 a//64 a/24//64 a:example.com a:example.com/24//64 mx mx:example.com. mx//0 -all",
		"v=spf1 include:_spf.google.com include:spf.protection.outlook.com ~all",
		"v=spf1 exists:%{i}._spf.%{d} exists:%{ir}.%{l1r+-}._spf.%{d2} -all",
		"v=spf1 ptr ptr:example.com ?all",
		"v=spf1 redirect=_spf.example.com",
		"v=spf1 mx exp=explain._spf.%{d} -all",
		"v=spf1 include:%{d}.example.com include:x%%y%_z%-w.example.com -all",
		"v=spf1  mx   -all  ",
		"v=spf1 a:xn--bcher-kva.example -all",
		"v=spf1 a:host.example-1 -all",
	}
	for _, rec := range valid {
		r := parseSPF(rec)
		if len(r.Problems) > 0 || len(r.Unknown) > 0 {
			t.Errorf("%q: problems %q, unknown %q", rec, r.Problems, r.Unknown)
		}
	}
	invalid := map[string]string{
		"v=spf1 foo":                                   `unknown mechanism "foo"`,
		"v=spf1 !all":                                  "bad qualifier '!'",
		"v=spf1 --all":                                 "bad qualifier '-'",
		"v=spf1 -":                                     "a qualifier without a mechanism",
		"v=spf1 1all":                                  "must start with a qualifier or a letter",
		"v=spf1 all:x":                                 "all takes no argument",
		"v=spf1 include":                               "include needs a domain",
		"v=spf1 include:":                              "empty domain",
		"v=spf1 include:localhost":                     "is not a domain name",
		"v=spf1 include:example.123":                   "does not end in a valid top-level label",
		"v=spf1 include:a..example.com":                "empty or over-long label",
		"v=spf1 exists":                                "exists needs a domain",
		"v=spf1 ip4":                                   "ip4 needs an address",
		"v=spf1 ip4:":                                  "ip4 needs an address",
		"v=spf1 ip4:192.0.2.0/33":                      "bad CIDR length /33 (0 to 32)",
		"v=spf1 ip4:192.0.2.0/024":                     "bad CIDR length /024",
		"v=spf1 ip4:192.0.2.0/":                        "bad CIDR length /",
		"v=spf1 ip4:192.0.2":                           "is not an IP address",
		"v=spf1 ip4:192.0.02.1":                        "is not an IP address",
		"v=spf1 ip4:2001:db8::1":                       "is not an IPv4 address",
		"v=spf1 ip6:192.0.2.1":                         "is not an IPv6 address",
		"v=spf1 ip6:2001:db8::/129":                    "bad CIDR length /129 (0 to 128)",
		"v=spf1 ip6:fe80::1%eth0":                      "is not an IP address",
		"v=spf1 a/33":                                  "bad CIDR length /33",
		"v=spf1 mx//200":                               "bad CIDR length /200",
		"v=spf1 a:example.com/":                        "does not end in a valid top-level label",
		"v=spf1 mx/x":                                  "bad argument",
		"v=spf1 ptr/24":                                "ptr takes no CIDR length",
		"v=spf1 exists:%{x}.example.com":               "unknown macro letter 'x'",
		"v=spf1 exists:%{c}.example.com":               "unknown macro letter 'c'",
		"v=spf1 exists:%{d0}.example.com":              "the digit transformer must be 1 to 128",
		"v=spf1 exists:%{d;}.example.com":              "bad delimiter ';'",
		"v=spf1 exists:%{}.example.com":                "no macro letter",
		"v=spf1 exists:%{d.example.com":                "without its closing '}'",
		"v=spf1 exists:%d.example.com":                 "bad macro \"%d\"",
		"v=spf1 exists:example.com%":                   "a lone '%'",
		"v=spf1 redirect=":                             "empty domain",
		"v=spf1 redirect=a.example redirect=b.example": "the redirect modifier appears more than once",
		"v=spf1 exp=a.example exp=b.example":           "the exp modifier appears more than once",
		"v=spf1 +redirect=a.example":                   "a modifier takes no qualifier",
		"v=spf1 mx\t-all":                              "character '\\t' not allowed",
		"v=spf1 a:exämple.com":                         "not allowed",
		"spf1 -all":                                    "does not start with",
		"v=spf1-all":                                   "does not start with",
	}
	for rec, want := range invalid {
		r := parseSPF(rec)
		if !strings.Contains(strings.Join(r.Problems, " | "), want) {
			t.Errorf("%q: problems %q, want one containing %q", rec, r.Problems, want)
		}
	}
	if r := parseSPF("v=spf1 mx foo=bar v=spf1 -all"); len(r.Problems) != 0 || strings.Join(r.Unknown, ",") != "foo,v" {
		t.Errorf("unknown modifiers: problems %q, unknown %q", r.Problems, r.Unknown)
	}
}

// TestParseSPFTerms checks the fields of parsed terms.
func TestParseSPFTerms(t *testing.T) {
	r := parseSPF("v=spf1 ~a:Mail.example.com/24//64 ip6:2001:db8::/48 exists:%{i}.x.example redirect=_spf.example.com")
	if len(r.Problems) != 0 || len(r.Terms) != 4 {
		t.Fatalf("problems %q, %d terms", r.Problems, len(r.Terms))
	}
	a := r.Terms[0]
	if a.Qualifier != '~' || a.Name != "a" || a.Domain != "Mail.example.com" || a.CIDR4 != 24 || a.CIDR6 != 64 || a.Macro {
		t.Errorf("a term = %+v", a)
	}
	if ip := r.Terms[1]; ip.Network != "2001:db8::" || ip.CIDR6 != 48 || ip.CIDR4 != -1 || ip.Qualifier != '+' {
		t.Errorf("ip6 term = %+v", ip)
	}
	if ex := r.Terms[2]; !ex.Macro || ex.Domain != "%{i}.x.example" {
		t.Errorf("exists term = %+v", ex)
	}
	red, ok := r.modifier("redirect")
	if !ok || red.Domain != "_spf.example.com" || red.Qualifier != 0 {
		t.Errorf("redirect = %+v, %v", red, ok)
	}
	if _, ok := r.all(); ok {
		t.Errorf("all found in a record without one")
	}
}

// FuzzParseSPF checks the SPF parser never panics, keeps its bounds, and
// that a record without problems parses again to the same terms.
func FuzzParseSPF(f *testing.F) {
	for _, s := range []string{
		"v=spf1 -all",
		"v=spf1 mx a:mail.example.com/24//64 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.net ~all",
		"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} redirect=_spf.example.com exp=explain.%{d}",
		"v=spf1 !all foo:bar ip4:1.2.3.4/33 %{",
		"v=spf1 a:%{d5r.-}.example.com ptr:%%.example ?all",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := parseSPF(s)
		if len(r.Terms) > maxSPFTerms {
			t.Fatalf("%d terms", len(r.Terms))
		}
		for _, term := range r.Terms {
			if term.Raw == "" || term.Name == "" {
				t.Fatalf("empty term %+v", term)
			}
			if term.CIDR4 > 32 || term.CIDR6 > 128 {
				t.Fatalf("CIDR out of range: %+v", term)
			}
			if term.Modifier != (term.Qualifier == 0) {
				t.Fatalf("qualifier %q on modifier=%v", term.Qualifier, term.Modifier)
			}
		}
		if len(r.Problems) > 0 || !isSPF(s) {
			return
		}
		var raws []string
		for _, term := range r.Terms {
			raws = append(raws, term.Raw)
		}
		again := parseSPF("v=spf1 " + strings.Join(raws, " "))
		if len(again.Problems) > 0 || len(again.Terms) != len(r.Terms) {
			t.Fatalf("reparse of %q: %q", s, again.Problems)
		}
		for i := range r.Terms {
			if again.Terms[i] != r.Terms[i] {
				t.Fatalf("reparse: term %d %+v != %+v", i, again.Terms[i], r.Terms[i])
			}
		}
	})
}
