package posture

import (
	"strings"
	"testing"
)

// TestParseTagList checks the tag=value list reader shared by the email
// records.
func TestParseTagList(t *testing.T) {
	tags, problems := parseTagList(" v = DMARC1 ;p=reject;\r\n\trua=mailto:a@example.com ;; ")
	if len(problems) != 0 || len(tags) != 3 || tags[0] != (emailTag{"v", "DMARC1"}) || tags[2].Value != "mailto:a@example.com" {
		t.Errorf("tags %q, problems %q", tags, problems)
	}
	for in, want := range map[string]string{
		"v=DMARC1; p":      `"p" is not a tag=value pair`,
		"v=DMARC1; 1p=x":   `bad tag name "1p"`,
		"v=DMARC1; p-x=y":  `bad tag name "p-x"`,
		"p=none; p=reject": "tag p appears more than once",
		"p=a\x01b":         "control character",
		strings.Repeat("a=1;", 1) + strings.Repeat("b=2;", 70): "appears more than once",
	} {
		_, problems := parseTagList(in)
		if !strings.Contains(strings.Join(problems, " | "), want) {
			t.Errorf("%q: problems %q, want %q", in, problems, want)
		}
	}
	var many strings.Builder
	for i := 0; i < 100; i++ {
		many.WriteString("t")
		many.WriteString(strings.Repeat("x", i))
		many.WriteString("=1;")
	}
	if tags, problems := parseTagList(many.String()); len(tags) != maxEmailTags || len(problems) != 1 {
		t.Errorf("%d tags, problems %q; want %d and one", len(tags), problems, maxEmailTags)
	}
}

// TestParseDMARC checks the DMARC parser.
func TestParseDMARC(t *testing.T) {
	r := parseDMARC("v=DMARC1; p=Quarantine; sp=reject; pct=30; rua=mailto:a@example.com!10m, mailto:b@Reports.Example.NET; ruf=mailto:f@example.com; adkim=s; aspf=r; fo=0:1:d:s; rf=afrf; ri=3600; np=reject; psd=n; t=y")
	if len(r.Problems) != 0 || len(r.Unknown) != 0 || r.Unusable {
		t.Fatalf("problems %q, unknown %q, unusable %v", r.Problems, r.Unknown, r.Unusable)
	}
	if r.Policy != "quarantine" || r.SubPolicy != "reject" || r.Pct != 30 || len(r.RUA) != 2 || len(r.RUF) != 1 {
		t.Errorf("record = %+v", r)
	}
	if r.RUA[0].Domain != "example.com" || r.RUA[1].Domain != "reports.example.net" || r.RUA[0].Scheme != "mailto" {
		t.Errorf("rua = %+v", r.RUA)
	}
	if r := parseDMARC("v=DMARC1; p=none"); r.Pct != 100 || r.Policy != "none" || len(r.RUA) != 0 || len(r.Problems) != 0 {
		t.Errorf("defaults: %+v", r)
	}
	for rec, want := range map[string]string{
		"v=DMARC1; p=block":                                                      "p=block: want none, quarantine or reject",
		"v=DMARC1; p=reject; sp=all":                                             "sp=all: want none",
		"v=DMARC1; p=reject; pct=101":                                            "pct=101: want a whole number",
		"v=DMARC1; p=reject; pct=-1":                                             "pct=-1",
		"v=DMARC1; p=reject; pct=0050":                                           "pct=0050",
		"v=DMARC1; p=reject; rua=a@example.com":                                  `"a@example.com" is not a URI`,
		"v=DMARC1; p=reject; rua=mailto:nobody":                                  "is not a mail address",
		"v=DMARC1; p=reject; rua=mailto:a@b!x":                                   "bad size limit",
		"v=DMARC1; p=reject; rua=mailto:a@example.com,":                          "an empty URI",
		"v=DMARC1; p=reject; adkim=relaxed":                                      "adkim=relaxed",
		"v=DMARC1; p=reject; fo=2":                                               "fo=2",
		"v=DMARC1; p=reject; rf=arf":                                             "rf=arf",
		"v=DMARC1; p=reject; ri=soon":                                            "ri=soon",
		"v=DMARC1; p=reject; t=maybe":                                            "t=maybe",
		"v=DMARC1; p=reject; psd=x":                                              "psd=x",
		"p=reject; v=DMARC1":                                                     "v must be the first tag",
		"v=DMARC1 p=reject":                                                      "a ';' is missing",
		"v=DMARC1; rua=mailto:a@example.com":                                     "no p= tag",
		"v=dmarc1; p=reject":                                                     "must start with v=DMARC1",
		"v=DMARC1; p=reject; rua=" + strings.Repeat("mailto:a@example.com,", 25): "more than 20 URIs",
	} {
		r := parseDMARC(rec)
		if !strings.Contains(strings.Join(r.Problems, " | "), want) {
			t.Errorf("%q: problems %q, want %q", rec, r.Problems, want)
		}
	}
	// A record without a valid p= is usable only with a valid rua=.
	if !parseDMARC("v=DMARC1; pct=100").Unusable || parseDMARC("v=DMARC1; rua=mailto:a@example.com").Unusable {
		t.Errorf("p= missing: unusable only without rua")
	}
	if r := parseDMARC("v=DMARC1; p=reject; foo=bar"); strings.Join(r.Unknown, ",") != "foo" {
		t.Errorf("unknown = %q", r.Unknown)
	}
	for txt, want := range map[string]bool{"v=DMARC1; p=none": true, " v = dmarc1 ;p=none": true, "v=DMARC1": true, "v=DMARC10; p=none": false, "p=none; v=DMARC1": false, "v=spf1 -all": false} {
		if isDMARC(txt) != want {
			t.Errorf("isDMARC(%q) = %v", txt, !want)
		}
	}
}

// TestMailOrgDomain checks the organisational domain by the public
// suffix list.
func TestMailOrgDomain(t *testing.T) {
	for in, want := range map[string]string{
		"example.com": "example.com", "mail.sub.example.com": "example.com", "www.example.co.uk": "example.co.uk",
		"sub.example.test": "example.test", "Example.COM.": "example.com", "com": "com",
	} {
		if got := mailOrgDomain(in); got != want {
			t.Errorf("mailOrgDomain(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzParseDMARC checks the DMARC parser (and the tag-list reader under
// it) never panics and keeps its invariants.
func FuzzParseDMARC(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject; rua=mailto:dmarc@example.com",
		"v=DMARC1; p=none; sp=quarantine; pct=50; rua=mailto:a@example.com!10m,mailto:b@example.net; ruf=mailto:f@example.com; fo=1:d",
		"v=DMARC1 p=reject",
		"v=DMARC1; p=; rua=https://example.com/r; adkim=x; ri=0",
		"v=DMARC1;;;p=reject;p=none;=;a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := parseDMARC(s)
		if r.Pct < 0 || r.Pct > 100 {
			t.Fatalf("pct %d", r.Pct)
		}
		if r.Policy != "" && !dmarcPolicies[r.Policy] {
			t.Fatalf("policy %q", r.Policy)
		}
		if len(r.RUA) > maxDMARCURIs || len(r.RUF) > maxDMARCURIs || len(r.Tags) > maxEmailTags {
			t.Fatalf("bounds: %d rua, %d ruf, %d tags", len(r.RUA), len(r.RUF), len(r.Tags))
		}
		seen := map[string]bool{}
		for _, tag := range r.Tags {
			if seen[tag.Name] || !validTagName(tag.Name) {
				t.Fatalf("tag %q duplicated or malformed", tag.Name)
			}
			seen[tag.Name] = true
		}
		if !r.Unusable && !isDMARC(s) {
			t.Fatalf("usable record %q that isDMARC rejects", s)
		}
	})
}
