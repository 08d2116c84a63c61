package posture

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The CAA check looks for the CAA record set a certificate authority would
// apply to the domain (RFC 8659 3: the domain's own, else the closest
// parent's) and reports FA959 when there is none up to the registrable
// domain, or when the one found restricts no issuance.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA959", Name: "caa-missing", Title: "No CAA record restricts which CAs may issue certificates",
		Category: "transport", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{295}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Publish a CAA record at the registrable domain naming the certificate authorities you use, e.g. `example.com. CAA 0 issue \"letsencrypt.org\"` (and `0 iodef \"mailto:security@example.com\"` to hear of refused requests).",
		Doc: rules.Doc{
			What: "Neither the domain nor any parent up to the registrable domain publishes a CAA record, or the CAA " +
				"record set that applies has no `issue` property (only `iodef`, `contactemail`, or only `issuewild`, " +
				"which governs wildcard certificates alone). Found by `posture`: the check climbs the name tree the " +
				"way a CA does (RFC 8659 section 3) and reads the first CAA record set it meets.",
			Why: "Without CAA every publicly trusted CA may issue a certificate for the name. A CA with weak domain " +
				"validation, or one an attacker has an account with, can then be talked into issuing a certificate " +
				"for your API after a DNS or BGP hijack or a dangling record, and clients will trust it. CAA lets " +
				"the domain owner say which CAs may issue; CAs must check it before issuing (CA/Browser Forum " +
				"Baseline Requirements 3.2.2.8).",
			ExampleLang: "dns",
			Example: "; only a reporting address: any CA may still issue\n" +
				"example.com.  3600  IN  CAA  0 iodef \"mailto:security@example.com\"\n",
			Fix: "Name the CAs that issue your certificates (one `issue` per CA); add `issuewild \";\"` if you use no " +
				"wildcard certificates, and an `iodef` address to hear of refused requests. A record at the " +
				"registrable domain covers every subdomain that has none of its own.\n\n" +
				"```\nexample.com.  3600  IN  CAA  0 issue \"letsencrypt.org\"\n" +
				"example.com.  3600  IN  CAA  0 issuewild \";\"\n" +
				"example.com.  3600  IN  CAA  0 iodef \"mailto:security@example.com\"\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc8659",
				"https://letsencrypt.org/docs/caa/",
				"https://cwe.mitre.org/data/definitions/295.html"},
		},
	})
	register(&Check{Name: "caa", Rules: []string{"FA959"}, Order: 40, Run: checkCAA})
}

// caaKnownTags are the property tags a CA understands; a critical
// property with another tag forbids issuance (RFC 8659 4.1).
var caaKnownTags = map[string]bool{
	"issue": true, "issuewild": true, "iodef": true, "contactemail": true,
	"contactphone": true, "issuemail": true, "issuevmc": true,
}

// maxCAARecords bounds the records read from one CAA answer.
const maxCAARecords = 64

// caaNames lists the names a CA climbs for domain, stopping at the
// registrable domain (the names above it belong to the registry).
func caaNames(domain string) []string {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	top, err := publicsuffix.EffectiveTLDPlusOne(domain)
	if err != nil { // a public suffix itself, or unknown: the name alone
		return []string{domain}
	}
	var out []string
	for n := domain; ; {
		out = append(out, n)
		if n == top {
			return out
		}
		_, rest, ok := strings.Cut(n, ".")
		if !ok || !strings.HasSuffix(rest, top) {
			return out
		}
		n = rest
	}
}

func checkCAA(ctx context.Context, s *Session) {
	names := caaNames(s.Domain)
	var ev []string
	for _, name := range names {
		m, err := s.DNS.Query(ctx, name, dns.TypeCAA, false)
		if err != nil {
			s.Diag("caa", "CAA lookup of %s failed: %v; a CA would refuse to issue, this check draws no conclusion", name, err)
			return
		}
		rrs, err := answers(m, dns.TypeCAA)
		if err != nil && !errors.Is(err, ErrNXDomain) {
			s.Diag("caa", "CAA lookup of %s: %v; a CA would refuse to issue, this check draws no conclusion", name, err)
			return
		}
		if len(rrs) == 0 {
			ev = append(ev, fmt.Sprintf("%s CAA: no record", name))
			continue
		}
		if len(rrs) > maxCAARecords {
			rrs = rrs[:maxCAARecords]
		}
		var caas []*dns.CAA
		for _, rr := range rrs {
			caas = append(caas, rr.(*dns.CAA))
			ev = append(ev, strings.ReplaceAll(rr.String(), "\t", " "))
		}
		if name != s.Domain {
			ev = append(ev, fmt.Sprintf("%s has no CAA record of its own, so the set at %s applies (RFC 8659 3)", s.Domain, name))
		}
		if why := caaUnrestricted(caas, &ev); why != "" {
			s.Report("FA959", "dns:"+name+" CAA", ev,
				"the CAA record set that applies to %s (at %s) %s: any certificate authority may issue a certificate for it; add `CAA 0 issue \"<your CA>\"`",
				s.Domain, name, why)
		}
		return
	}
	top := names[len(names)-1]
	where := "at " + s.Domain
	if top != s.Domain {
		where = fmt.Sprintf("at %s or any parent up to %s", s.Domain, top)
	}
	s.Report("FA959", "dns:"+s.Domain+" CAA", ev,
		"no CAA record %s: any certificate authority may issue a certificate for %s; publish `%s. CAA 0 issue \"<your CA>\"`",
		where, s.Domain, top)
}

// caaUnrestricted explains why a CAA record set restricts no issuance, or
// returns "" when it does. Notes on the values go to ev.
func caaUnrestricted(caas []*dns.CAA, ev *[]string) string {
	issue, wild := false, false
	var tags []string
	for _, c := range caas {
		tag := strings.ToLower(c.Tag)
		tags = append(tags, tag)
		switch {
		case tag == "issue":
			issue = true
			if _, err := parseCAAIssue(c.Value); err != nil {
				*ev = append(*ev, fmt.Sprintf("issue value %q is malformed (%v): it names no CA, so it forbids issuance rather than allowing one CA", c.Value, err))
			}
		case tag == "issuewild":
			wild = true
		case c.Flag&128 != 0 && !caaKnownTags[tag]:
			return "" // an unknown critical property: CAs must not issue at all
		}
	}
	switch {
	case issue:
		return ""
	case wild:
		return "has issuewild but no issue property, which leaves certificates for non-wildcard names unrestricted"
	default:
		return fmt.Sprintf("has no issue property (only %s)", strings.Join(tags, ", "))
	}
}

// caaIssue is a parsed issue or issuewild value (RFC 8659 4.2):
// an optional issuer domain name, then parameters.
type caaIssue struct {
	Issuer string // "" forbids issuance
	Params map[string]string
}

// maxCAAParams bounds the parameters read from one value.
const maxCAAParams = 32

// parseCAAIssue reads an issue or issuewild property value:
//
//	issue-value = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]
func parseCAAIssue(v string) (*caaIssue, error) {
	out := &caaIssue{Params: map[string]string{}}
	issuer, params, hasParams := strings.Cut(v, ";")
	issuer = strings.Trim(issuer, " \t")
	if issuer != "" {
		labels := strings.Split(issuer, ".")
		for _, l := range labels {
			if !caaLabel(l) {
				return nil, fmt.Errorf("issuer %q is not a domain name", issuer)
			}
		}
		out.Issuer = strings.ToLower(issuer)
	}
	if !hasParams {
		return out, nil
	}
	params = strings.Trim(params, " \t")
	if params == "" {
		return out, nil
	}
	for i, p := range strings.Split(params, ";") {
		if i >= maxCAAParams {
			return nil, fmt.Errorf("more than %d parameters", maxCAAParams)
		}
		tag, val, ok := strings.Cut(p, "=")
		tag, val = strings.Trim(tag, " \t"), strings.Trim(val, " \t")
		if !ok || !caaLabel(tag) {
			return nil, fmt.Errorf("parameter %q is not tag=value", strings.TrimSpace(p))
		}
		for _, c := range []byte(val) {
			if c < 0x21 || c > 0x7e || c == ';' {
				return nil, fmt.Errorf("parameter %s: character %q not allowed in a value", tag, c)
			}
		}
		out.Params[strings.ToLower(tag)] = val
	}
	return out, nil
}

// caaLabel reports whether s is a label or tag of RFC 8659's grammar:
// letters and digits, with inner hyphens.
func caaLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
