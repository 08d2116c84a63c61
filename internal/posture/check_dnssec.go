package posture

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The DNSSEC check validates the domain itself, from a trust anchor down:
// DS -> DNSKEY -> RRSIG at every zone cut, then the signatures over the
// SOA of the domain's zone and the domain's A and TXT records. It asks
// with DO and CD set, so a validating resolver hands over the records and
// signatures even when it would call them bogus. FA960 reports a domain
// validators treat as unsigned (no DNSKEY, or no DS where the chain should
// continue); FA961 one whose chain or signatures fail.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA960", Name: "dnssec-unsigned", Title: "DNS zone is not signed with DNSSEC",
		Category: "transport", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{345}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Enable DNSSEC signing at your DNS host and publish the zone's DS record at the registrar (many hosts and registrars do both with one setting); then check the chain with `delv example.com SOA`.",
		Doc: rules.Doc{
			What: "The domain's answers cannot be validated: its zone serves no DNSKEY record, or the zone is signed " +
				"but the parent publishes no DS record for it, so the chain of trust from the root stops above it " +
				"and validating resolvers treat the answers as unsigned. Found by `posture`, which walks the chain " +
				"from the root trust anchor (or `--trust-anchor`) down to the domain.",
			Why: "Without DNSSEC a resolver cannot tell a forged answer from a real one. An attacker who can race " +
				"or poison a resolver's cache, or sits on the path, can point your API's name at their own server, " +
				"redirect your mail by forging MX records, or pass domain validation at a CA. DNSSEC also underpins " +
				"DANE and makes CAA and MTA-STS lookups trustworthy.",
			ExampleLang: "dns",
			Example: "; the zone has no DNSKEY and the parent no DS\n" +
				"example.com.      3600  IN  SOA  ns1.example.net. hostmaster.example.com. 2024010101 7200 3600 1209600 300\n" +
				"example.com.      3600  IN  A    192.0.2.10\n" +
				"; in com.: only the delegation\n" +
				"example.com.    172800  IN  NS   ns1.example.net.\n",
			Fix: "Sign the zone (the DNS host generates and rolls the keys and refreshes the signatures), then " +
				"publish the DS record of its key-signing key at the registrar so the parent zone carries it:\n\n" +
				"```\n; in the zone\nexample.com.  3600  IN  DNSKEY  257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0d...\n" +
				"example.com.  3600  IN  RRSIG   A 13 2 3600 20240201000000 20240101000000 2371 example.com. ...\n" +
				"; in com., via the registrar\nexample.com. 86400  IN  DS      2371 13 2 1F987CC6583E92DF0890718C42...\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc4033",
				"https://www.rfc-editor.org/rfc/rfc4035",
				"https://cwe.mitre.org/data/definitions/345.html"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA961", Name: "dnssec-bogus", Title: "DNSSEC validation of the domain fails (bogus)",
		Category: "transport", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{345}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Repair the chain of trust: re-sign the zone if signatures expired or do not verify, and make the DS at the registrar match the zone's current key-signing key (publish new keys before the DS changes during a rollover); check with `delv example.com SOA`.",
		Doc: rules.Doc{
			What: "The chain of trust from the trust anchor to the domain is broken: no DNSKEY of the zone matches " +
				"the DS its parent publishes, the DNSKEY records or the DS records do not validate, or the RRSIG " +
				"over the zone's SOA or the domain's A or TXT records is missing, does not verify, or is outside " +
				"its validity period (expired). Found by `posture`, which validates the chain itself with the " +
				"DS and DNSKEY records and signatures a resolver returns.",
			Why: "Validating resolvers (those of most ISPs, 8.8.8.8, 1.1.1.1, 9.9.9.9) answer SERVFAIL for bogus " +
				"data, so for a large share of users the API's name, and its mail, stop resolving: an outage that " +
				"looks like the site is down. The usual causes are a signer that stopped refreshing signatures and " +
				"a key rollover done without updating the DS at the registrar.",
			ExampleLang: "dns",
			Example: "; the DS at the parent names key 2371, which the zone no longer serves\n" +
				"example.com. 86400  IN  DS      2371 13 2 1F987CC6583E92DF0890718C42...\n" +
				"example.com.  3600  IN  DNSKEY  257 3 13 oJMRESz5E4gYzS/q6XDrvU1qMPYI... ; key tag 31589\n" +
				"; or a signature that expired on 1 January\n" +
				"example.com.  3600  IN  RRSIG   A 13 2 3600 20240101000000 20231201000000 31589 example.com. ...\n",
			Fix: "Re-sign the zone and let the signer refresh signatures automatically well before they expire; " +
				"replace the DS at the registrar with the one of the current key-signing key:\n\n" +
				"```\n$ dnssec-dsfromkey -2 Kexample.com.+013+31589.key\n" +
				"example.com. IN DS 31589 13 2 6B9E8A1F0C44E2D7A9C8F6D0E5B4A3C2918E7D6C5B4A39281706F5E4D3C2B1A0\n```\n\n" +
				"then confirm with `delv example.com SOA` (it prints \"fully validated\").",
			References: []string{"https://www.rfc-editor.org/rfc/rfc4035#section-5",
				"https://www.rfc-editor.org/rfc/rfc6781",
				"https://cwe.mitre.org/data/definitions/345.html"},
		},
	})
	register(&Check{Name: "dnssec", Rules: []string{"FA960", "FA961"}, Order: 41, Run: checkDNSSEC})
}

// dnssecRootAnchors are the DS records of the root zone's key-signing
// keys as IANA publishes them: KSK-2017 (key tag 20326) and KSK-2024 (key
// tag 38696).
var dnssecRootAnchors = []string{
	". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
	". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
}

// Bounds of the walk, whatever the records say.
const (
	dnssecMaxLabels   = 16  // names walked below the trust anchor
	dnssecMaxKeys     = 32  // DNSKEYs read per zone
	dnssecMaxSigs     = 8   // RRSIGs tried per RRset
	dnssecMaxVerify   = 64  // signature verifications per run
	dnssecMaxDenial   = 16  // NSEC/NSEC3 records read per answer
	dnssecMaxIter     = 500 // NSEC3 hash iterations computed
	dnssecMaxEvidence = 30
)

// dnssecAlgorithms are the signing algorithms the check can verify.
var dnssecAlgorithms = map[uint8]bool{
	dns.RSASHA1: true, dns.RSASHA1NSEC3SHA1: true, dns.RSASHA256: true, dns.RSASHA512: true,
	dns.ECDSAP256SHA256: true, dns.ECDSAP384SHA384: true, dns.ED25519: true,
}

// dnssecDigests are the DS digest types the check can compute.
var dnssecDigests = map[uint8]bool{dns.SHA1: true, dns.SHA256: true, dns.SHA384: true}

type dnssecStatus int

const (
	dnssecSecure dnssecStatus = iota
	dnssecInsecure
	dnssecBogus
	dnssecUnknown // the check cannot tell; the message says why
)

// dnssecVerdict is the outcome of the walk.
type dnssecVerdict struct {
	status  dnssecStatus
	subject string // "dns:NAME TYPE"
	msg     string
}

// errDNSSECBudget stops a walk that would verify too many signatures.
var errDNSSECBudget = errors.New("signature verification budget spent")

// dnssecWalk is the state of one validation.
type dnssecWalk struct {
	ctx      context.Context
	s        *Session
	now      time.Time
	verifies int
	ev       []string
}

func checkDNSSEC(ctx context.Context, s *Session) {
	w := &dnssecWalk{ctx: ctx, s: s, now: s.Opts.Now()}
	v := w.run()
	switch v.status {
	case dnssecInsecure:
		s.Report("FA960", v.subject, w.ev, "%s", v.msg)
	case dnssecBogus:
		s.Report("FA961", v.subject, w.ev, "%s", v.msg)
	case dnssecUnknown:
		s.Diag("dnssec", "%s", v.msg)
	}
}

func (w *dnssecWalk) note(format string, args ...any) {
	if len(w.ev) < dnssecMaxEvidence {
		w.ev = append(w.ev, fmt.Sprintf(format, args...))
	}
}

func dnssecUnknownf(format string, args ...any) *dnssecVerdict {
	return &dnssecVerdict{status: dnssecUnknown, msg: fmt.Sprintf(format, args...)}
}

func dnssecBogusf(subject, format string, args ...any) *dnssecVerdict {
	return &dnssecVerdict{status: dnssecBogus, subject: subject, msg: fmt.Sprintf(format, args...)}
}

// run walks from the closest trust anchor to the domain.
func (w *dnssecWalk) run() dnssecVerdict {
	anchors, err := dnssecAnchors(w.s.Opts.TrustAnchors)
	if err != nil {
		return *dnssecUnknownf("DNSSEC not checked: %v", err)
	}
	domain := dns.Fqdn(w.s.Domain)
	zone := ""
	for owner := range anchors {
		if dns.IsSubDomain(owner, domain) && (zone == "" || dns.CountLabel(owner) > dns.CountLabel(zone)) {
			zone = owner
		}
	}
	if zone == "" {
		return w.unanchored(domain)
	}
	for _, ds := range anchors[zone] {
		w.note("trust anchor: %s", dnssecRRText(ds))
	}
	keys, v := w.zoneKeys(zone, anchors[zone], true)
	if v != nil {
		return *v
	}
	labels := dns.SplitDomainName(domain)
	below := len(labels) - dns.CountLabel(zone)
	if below > dnssecMaxLabels {
		return *dnssecUnknownf("DNSSEC not checked: %s has %d labels below the trust anchor %s, more than the %d this check walks", dnssecName(domain), below, dnssecName(zone), dnssecMaxLabels)
	}
	for i := below - 1; i >= 0; i-- {
		name := dns.Fqdn(strings.Join(labels[i:], "."))
		apex, v := w.isApex(name)
		if v != nil {
			return *v
		}
		if !apex {
			continue
		}
		m, err := w.s.DNS.Query(w.ctx, name, dns.TypeDS, true)
		if err != nil {
			return *dnssecUnknownf("DNSSEC not checked: %v", err)
		}
		if m.Rcode != dns.RcodeSuccess {
			return *dnssecUnknownf("DNSSEC not checked: the DS query for %s got %s", dnssecName(name), dns.RcodeToString[m.Rcode])
		}
		set, sigs := dnssecRRset(m.Answer, name, dns.TypeDS)
		if len(set) == 0 {
			return w.insecure(zone, keys, name, m, domain)
		}
		var dss []*dns.DS
		for _, rr := range set {
			dss = append(dss, rr.(*dns.DS))
			w.note("%s", dnssecRRText(rr))
		}
		if err := w.verify(set, sigs, keys, zone); err != nil {
			if errors.Is(err, errDNSSECBudget) {
				return *dnssecUnknownf("DNSSEC not checked to the end: %v", err)
			}
			return *dnssecBogusf("dns:"+strings.TrimSuffix(name, ".")+" DS",
				"the DS records of %s in its parent zone %s do not validate (%v): validating resolvers answer SERVFAIL for every name in %s",
				dnssecName(name), dnssecName(zone), err, dnssecName(name))
		}
		if keys, v = w.zoneKeys(name, dss, false); v != nil {
			return *v
		}
		zone = name
	}
	return w.data(domain, zone, keys)
}

// dnssecAnchors parses the trust anchors (DS or DNSKEY records in
// zone-file text) by owner; none means the root's.
func dnssecAnchors(texts []string) (map[string][]*dns.DS, error) {
	if len(texts) == 0 {
		texts = dnssecRootAnchors
	}
	out := map[string][]*dns.DS{}
	for _, t := range texts {
		rr, err := dns.NewRR(t)
		if err != nil {
			return nil, fmt.Errorf("trust anchor %q: %w", t, err)
		}
		var ds *dns.DS
		switch x := rr.(type) {
		case *dns.DS:
			ds = x
		case *dns.DNSKEY:
			ds = x.ToDS(dns.SHA256)
		}
		if ds == nil {
			return nil, fmt.Errorf("trust anchor %q: want a DS or DNSKEY record", t)
		}
		owner := dns.CanonicalName(ds.Hdr.Name)
		out[owner] = append(out[owner], ds)
	}
	return out, nil
}

// rrsetOf returns the records of a type owned by name in a section, and
// the RRSIGs that cover them.
func dnssecRRset(sec []dns.RR, name string, t uint16) ([]dns.RR, []*dns.RRSIG) {
	var set []dns.RR
	var sigs []*dns.RRSIG
	for _, rr := range sec {
		h := rr.Header()
		if !strings.EqualFold(h.Name, name) {
			continue
		}
		if h.Rrtype == t {
			set = append(set, rr)
		} else if sig, ok := rr.(*dns.RRSIG); ok && sig.TypeCovered == t {
			sigs = append(sigs, sig)
		}
	}
	return set, sigs
}

// rrText is a record on one line, without its TTL.
func dnssecRRText(rr dns.RR) string {
	h := rr.Header()
	rdata := strings.TrimPrefix(rr.String(), h.String())
	return strings.Join(strings.Fields(h.Name+" "+dns.TypeToString[h.Rrtype]+" "+rdata), " ")
}

// sigText summarises a signature for the evidence.
func dnssecSigText(sig *dns.RRSIG) string {
	return fmt.Sprintf("%s RRSIG %s by %s key %d, valid %s to %s", sig.Hdr.Name, dns.TypeToString[sig.TypeCovered],
		sig.SignerName, sig.KeyTag, dnssecTime(sig.Inception), dnssecTime(sig.Expiration))
}

// dnssecName is a name as messages show it, without the final dot.
func dnssecName(n string) string {
	if n == "." {
		return n
	}
	return strings.TrimSuffix(n, ".")
}

func dnssecTime(t uint32) string { return time.Unix(int64(t), 0).UTC().Format(time.RFC3339) }

// zoneKeys fetches a zone's DNSKEY RRset and validates it with the DS
// records that point at it; it returns the keys that may sign the zone.
func (w *dnssecWalk) zoneKeys(zone string, dss []*dns.DS, anchor bool) ([]*dns.DNSKEY, *dnssecVerdict) {
	subject := "dns:" + strings.TrimSuffix(zone, ".") + " DNSKEY"
	if zone == "." {
		subject = "dns:. DNSKEY"
	}
	m, err := w.s.DNS.Query(w.ctx, zone, dns.TypeDNSKEY, true)
	if err != nil {
		return nil, dnssecUnknownf("DNSSEC not checked: %v", err)
	}
	if m.Rcode != dns.RcodeSuccess {
		return nil, dnssecUnknownf("DNSSEC not checked: the DNSKEY query for %s got %s", dnssecName(zone), dns.RcodeToString[m.Rcode])
	}
	set, sigs := dnssecRRset(m.Answer, zone, dns.TypeDNSKEY)
	var supported []*dns.DS
	for _, ds := range dss {
		if dnssecAlgorithms[ds.Algorithm] && dnssecDigests[ds.DigestType] {
			supported = append(supported, ds)
		}
	}
	if len(supported) == 0 {
		return nil, dnssecUnknownf("DNSSEC not checked below %s: its DS records use algorithms or digests this check does not implement", dnssecName(zone))
	}
	if len(set) == 0 {
		if anchor {
			return nil, dnssecUnknownf("DNSSEC not checked: the resolver %s returned no DNSKEY record for the trust anchor %s", w.s.DNS.Server(), dnssecName(zone))
		}
		return nil, dnssecBogusf(subject, "the parent zone publishes DS records for %s but the zone serves no DNSKEY record: validating resolvers answer SERVFAIL for every name in it", dnssecName(zone))
	}
	if len(set) > dnssecMaxKeys {
		return nil, dnssecUnknownf("DNSSEC not checked: %s has %d DNSKEY records, more than the %d this check reads", dnssecName(zone), len(set), dnssecMaxKeys)
	}
	var keys, matched []*dns.DNSKEY
	var tags []string
	for _, rr := range set {
		k := rr.(*dns.DNSKEY)
		tags = append(tags, fmt.Sprintf("%d (flags %d, algorithm %s)", k.KeyTag(), k.Flags, dns.AlgorithmToString[k.Algorithm]))
		if k.Flags&dns.REVOKE != 0 || k.Flags&dns.ZONE == 0 || k.Protocol != 3 {
			continue
		}
		keys = append(keys, k)
		for _, ds := range supported {
			if ds.KeyTag != k.KeyTag() || ds.Algorithm != k.Algorithm {
				continue
			}
			if d := k.ToDS(ds.DigestType); d != nil && strings.EqualFold(d.Digest, ds.Digest) {
				matched = append(matched, k)
				break
			}
		}
	}
	w.note("%s DNSKEY: keys %s", zone, strings.Join(tags, ", "))
	for _, sig := range sigs {
		w.note("%s", dnssecSigText(sig))
	}
	if len(matched) == 0 {
		var want []string
		for _, ds := range supported {
			served := false
			for _, k := range keys {
				served = served || (k.KeyTag() == ds.KeyTag && k.Algorithm == ds.Algorithm)
			}
			if served {
				want = append(want, fmt.Sprintf("the DS for key %d has a %s digest that does not match that key", ds.KeyTag, dns.HashToString[ds.DigestType]))
			} else {
				want = append(want, fmt.Sprintf("the DS names key %d, which the zone does not serve", ds.KeyTag))
			}
		}
		what := "its parent publishes"
		if anchor {
			what = "the trust anchor names"
		}
		return nil, dnssecBogusf("dns:"+strings.TrimSuffix(zone, ".")+" DS",
			"no DNSKEY of %s matches the DS records %s (%s; the zone serves keys %s): the chain of trust is broken and validating resolvers answer SERVFAIL for every name in %s",
			dnssecName(zone), what, strings.Join(want, "; "), dnssecKeyTags(keys), dnssecName(zone))
	}
	if len(sigs) == 0 && anchor {
		return nil, dnssecUnknownf("DNSSEC not checked: the resolver %s returned the DNSKEY records of %s without signatures; it does not pass DNSSEC records (give a DNSSEC-aware resolver)", w.s.DNS.Server(), dnssecName(zone))
	}
	if err := w.verify(set, sigs, matched, zone); err != nil {
		if errors.Is(err, errDNSSECBudget) {
			return nil, dnssecUnknownf("DNSSEC not checked to the end: %v", err)
		}
		return nil, dnssecBogusf(subject,
			"the DNSKEY records of %s do not validate with the key its DS points to (%v): validating resolvers answer SERVFAIL for every name in %s",
			dnssecName(zone), err, dnssecName(zone))
	}
	return keys, nil
}

func dnssecKeyTags(keys []*dns.DNSKEY) string {
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprint(k.KeyTag()))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// verify checks that one RRSIG over the set, by one of the keys and by
// the zone signer, verifies and is within its validity period now.
func (w *dnssecWalk) verify(set []dns.RR, sigs []*dns.RRSIG, keys []*dns.DNSKEY, signer string) error {
	if len(sigs) == 0 {
		return errors.New("no RRSIG covers the records")
	}
	var problems []string
	for i, sig := range sigs {
		if i >= dnssecMaxSigs {
			problems = append(problems, fmt.Sprintf("%d more signatures not tried", len(sigs)-i))
			break
		}
		if !strings.EqualFold(sig.SignerName, signer) {
			problems = append(problems, fmt.Sprintf("the RRSIG by key %d names the signer %s, not the zone %s", sig.KeyTag, dnssecName(sig.SignerName), dnssecName(signer)))
			continue
		}
		tried := false
		for _, k := range keys {
			if k.KeyTag() != sig.KeyTag || k.Algorithm != sig.Algorithm {
				continue
			}
			tried = true
			if w.verifies >= dnssecMaxVerify {
				return fmt.Errorf("%w after %d checks", errDNSSECBudget, w.verifies)
			}
			w.verifies++
			if err := sig.Verify(k, set); err != nil {
				problems = append(problems, fmt.Sprintf("the RRSIG by key %d does not verify (%v)", sig.KeyTag, err))
				continue
			}
			if !sig.ValidityPeriod(w.now) {
				state := "expired at " + dnssecTime(sig.Expiration)
				if int64(sig.Inception)-w.now.Unix() > 0 && int64(sig.Inception)-w.now.Unix() < 1<<31 {
					state = "not valid before " + dnssecTime(sig.Inception)
				}
				problems = append(problems, fmt.Sprintf("the RRSIG by key %d %s (now %s)", sig.KeyTag, state, w.now.UTC().Format(time.RFC3339)))
				continue
			}
			return nil
		}
		if !tried {
			problems = append(problems, fmt.Sprintf("the RRSIG by key %d (algorithm %s) matches no usable DNSKEY of %s", sig.KeyTag, dns.AlgorithmToString[sig.Algorithm], dnssecName(signer)))
		}
	}
	return errors.New(strings.Join(problems, "; "))
}

// isApex reports whether name is the apex of a zone (or a delegation the
// resolver answered with a referral).
func (w *dnssecWalk) isApex(name string) (bool, *dnssecVerdict) {
	m, err := w.s.DNS.Query(w.ctx, name, dns.TypeSOA, true)
	if err != nil {
		return false, dnssecUnknownf("DNSSEC not checked: %v", err)
	}
	switch m.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return false, dnssecUnknownf("DNSSEC not checked: %s does not exist (NXDOMAIN)", dnssecName(name))
	default:
		return false, dnssecUnknownf("DNSSEC not checked: the SOA query for %s got %s", dnssecName(name), dns.RcodeToString[m.Rcode])
	}
	for _, rr := range m.Answer {
		if rr.Header().Rrtype == dns.TypeSOA && strings.EqualFold(rr.Header().Name, name) {
			return true, nil
		}
	}
	if len(m.Answer) == 0 {
		for _, rr := range m.Ns {
			if rr.Header().Rrtype == dns.TypeNS && strings.EqualFold(rr.Header().Name, name) {
				return true, nil
			}
		}
	}
	return false, nil
}

// insecure reports a delegation without DS: the domain is unsigned as far
// as validators go. It checks the parent's signed denial of the DS, and
// whether the domain's own zone is signed anyway.
func (w *dnssecWalk) insecure(parent string, keys []*dns.DNSKEY, cut string, m *dns.Msg, domain string) dnssecVerdict {
	proof, v := w.noDSProof(m, cut, parent, keys)
	if v != nil {
		return *v
	}
	w.note("%s", proof)
	apex := cut
	labels := dns.SplitDomainName(domain)
	for i := len(labels) - dns.CountLabel(cut) - 1; i >= 0; i-- {
		name := dns.Fqdn(strings.Join(labels[i:], "."))
		ok, v := w.isApex(name)
		if v != nil {
			return *v
		}
		if ok {
			apex = name
		}
	}
	signed, v := w.hasKeys(apex)
	if v != nil {
		return *v
	}
	d := strings.TrimSuffix(domain, ".")
	if signed {
		return dnssecVerdict{status: dnssecInsecure, subject: "dns:" + strings.TrimSuffix(cut, ".") + " DS",
			msg: fmt.Sprintf("the zone %s is signed (it serves DNSKEY records) but %s publishes no DS record for %s, so the chain of trust stops there and validating resolvers treat %s as unsigned: publish the DS of the zone's key-signing key at the registrar",
				dnssecName(apex), dnssecName(parent), dnssecName(cut), d)}
	}
	msg := fmt.Sprintf("%s is not signed with DNSSEC: its zone %s serves no DNSKEY record, so resolvers cannot tell forged answers (a spoofed A or MX record, a poisoned cache) from real ones", d, dnssecName(apex))
	if apex != cut {
		msg += fmt.Sprintf("; the chain of trust already stops at %s, which has no DS in %s", dnssecName(cut), dnssecName(parent))
	}
	return dnssecVerdict{status: dnssecInsecure, subject: "dns:" + strings.TrimSuffix(apex, ".") + " DNSKEY", msg: msg}
}

// hasKeys reports whether a zone serves DNSKEY records.
func (w *dnssecWalk) hasKeys(zone string) (bool, *dnssecVerdict) {
	m, err := w.s.DNS.Query(w.ctx, zone, dns.TypeDNSKEY, true)
	if err != nil {
		return false, dnssecUnknownf("DNSSEC not checked: %v", err)
	}
	if m.Rcode != dns.RcodeSuccess {
		return false, dnssecUnknownf("DNSSEC not checked: the DNSKEY query for %s got %s", dnssecName(zone), dns.RcodeToString[m.Rcode])
	}
	set, _ := dnssecRRset(m.Answer, zone, dns.TypeDNSKEY)
	return len(set) > 0, nil
}

// noDSProof looks in a DS answer for the parent's signed proof that the
// DS does not exist (an NSEC or NSEC3 matching the name whose type bitmap
// lacks DS, or an opt-out NSEC3 covering it). A proof whose signature
// fails is bogus; a missing proof is only noted.
func (w *dnssecWalk) noDSProof(m *dns.Msg, cut, zone string, keys []*dns.DNSKEY) (string, *dnssecVerdict) {
	subject := "dns:" + strings.TrimSuffix(cut, ".") + " DS"
	read := 0
	for _, rr := range m.Ns {
		if read >= dnssecMaxDenial {
			break
		}
		var owner string
		var types []uint16
		switch x := rr.(type) {
		case *dns.NSEC:
			read++
			if !strings.EqualFold(x.Hdr.Name, cut) {
				continue
			}
			owner, types = x.Hdr.Name, x.TypeBitMap
		case *dns.NSEC3:
			read++
			if x.Hash != dns.SHA1 || x.Iterations > dnssecMaxIter || !dns.IsSubDomain(zone, x.Hdr.Name) {
				continue
			}
			switch {
			case x.Match(cut):
				owner, types = x.Hdr.Name, x.TypeBitMap
			case x.Flags&1 == 1 && x.Cover(cut):
				owner = x.Hdr.Name // opt-out span: unsigned delegations may sit in it
			default:
				continue
			}
		default:
			continue
		}
		set, sigs := dnssecRRset(m.Ns, owner, rr.Header().Rrtype)
		if err := w.verify(set, sigs, keys, zone); err != nil {
			if errors.Is(err, errDNSSECBudget) {
				return "", dnssecUnknownf("DNSSEC not checked to the end: %v", err)
			}
			return "", dnssecBogusf(subject, "the %s record with which %s denies a DS for %s does not validate (%v): validating resolvers answer SERVFAIL for names under %s",
				dns.TypeToString[rr.Header().Rrtype], dnssecName(zone), dnssecName(cut), err, dnssecName(cut))
		}
		if slices.Contains(types, dns.TypeDS) {
			return "", dnssecBogusf(subject, "%s answers that %s has no DS record, yet its signed %s record lists DS: the parent zone's data is inconsistent",
				dnssecName(zone), dnssecName(cut), dns.TypeToString[rr.Header().Rrtype])
		}
		return fmt.Sprintf("%s proves with a signed %s record (%s) that %s has no DS", dnssecName(zone), dns.TypeToString[rr.Header().Rrtype], dnssecRRText(rr), dnssecName(cut)), nil
	}
	return fmt.Sprintf("%s answers that %s has no DS record, with no signed NSEC or NSEC3 record proving it", dnssecName(zone), dnssecName(cut)), nil
}

// data validates the SOA of the domain's zone and the domain's A and TXT
// records (or the CNAME that stands for them) with the zone's keys.
func (w *dnssecWalk) data(domain, zone string, keys []*dns.DNSKEY) dnssecVerdict {
	type item struct {
		name string
		t    uint16
	}
	items := []item{{domain, dns.TypeA}, {domain, dns.TypeTXT}, {zone, dns.TypeSOA}}
	var failures []string
	subject := ""
	validated := 0
	for _, it := range items {
		m, err := w.s.DNS.Query(w.ctx, it.name, it.t, true)
		if err != nil {
			w.s.Diag("dnssec", "%v", err)
			continue
		}
		if m.Rcode != dns.RcodeSuccess {
			continue // NXDOMAIN was ruled out by the walk; SERVFAIL says nothing here
		}
		t := it.t
		set, sigs := dnssecRRset(m.Answer, it.name, t)
		if len(set) == 0 {
			if set, sigs = dnssecRRset(m.Answer, it.name, dns.TypeCNAME); len(set) > 0 {
				t = dns.TypeCNAME
			}
		}
		if len(set) == 0 {
			if f := w.denial(m, zone, keys); f != "" {
				failures = append(failures, fmt.Sprintf("the denial of %s %s: %s", dnssecName(it.name), dns.TypeToString[it.t], f))
				if subject == "" {
					subject = "dns:" + strings.TrimSuffix(it.name, ".") + " " + dns.TypeToString[it.t]
				}
			}
			continue
		}
		for _, sig := range sigs {
			w.note("%s", dnssecSigText(sig))
		}
		err = w.verify(set, sigs, keys, zone)
		if errors.Is(err, errDNSSECBudget) {
			return *dnssecUnknownf("DNSSEC not checked to the end: %v", err)
		}
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s %s: %v", dnssecName(it.name), dns.TypeToString[t], err))
			if subject == "" {
				subject = "dns:" + strings.TrimSuffix(it.name, ".") + " " + dns.TypeToString[t]
			}
			continue
		}
		validated++
	}
	if len(failures) > 0 {
		for _, f := range failures {
			w.note("%s", f)
		}
		return *dnssecBogusf(subject, "DNSSEC validation of %s fails: %s; validating resolvers answer SERVFAIL for it, so their users cannot reach the name",
			dnssecName(domain), failures[0])
	}
	if validated == 0 {
		return *dnssecUnknownf("DNSSEC chain to %s validates, but no record of %s came back to check signatures on", dnssecName(zone), dnssecName(domain))
	}
	return dnssecVerdict{status: dnssecSecure}
}

// denial validates the signatures of the NSEC or NSEC3 records of a
// negative answer; it returns what failed, or "".
func (w *dnssecWalk) denial(m *dns.Msg, zone string, keys []*dns.DNSKEY) string {
	done := map[string]bool{}
	read := 0
	for _, rr := range m.Ns {
		t := rr.Header().Rrtype
		if t != dns.TypeNSEC && t != dns.TypeNSEC3 {
			continue
		}
		key := strings.ToLower(rr.Header().Name) + "/" + dns.TypeToString[t]
		if done[key] {
			continue
		}
		done[key] = true
		if read++; read > dnssecMaxDenial {
			break
		}
		set, sigs := dnssecRRset(m.Ns, rr.Header().Name, t)
		if err := w.verify(set, sigs, keys, zone); err != nil && !errors.Is(err, errDNSSECBudget) {
			return fmt.Sprintf("%s %s: %v", rr.Header().Name, dns.TypeToString[t], err)
		}
	}
	return ""
}

// unanchored handles a domain no trust anchor covers: it can only tell
// whether the domain's zone is signed at all.
func (w *dnssecWalk) unanchored(domain string) dnssecVerdict {
	m, err := w.s.DNS.Query(w.ctx, domain, dns.TypeSOA, true)
	if err != nil {
		return *dnssecUnknownf("DNSSEC not checked: %v", err)
	}
	apex := ""
	for _, sec := range [][]dns.RR{m.Answer, m.Ns} {
		for _, rr := range sec {
			if rr.Header().Rrtype == dns.TypeSOA && apex == "" {
				apex = dns.CanonicalName(rr.Header().Name)
			}
		}
	}
	if apex == "" {
		return *dnssecUnknownf("DNSSEC not checked: no trust anchor covers %s and its zone could not be found", dnssecName(domain))
	}
	signed, v := w.hasKeys(apex)
	if v != nil {
		return *v
	}
	if !signed {
		return dnssecVerdict{status: dnssecInsecure, subject: "dns:" + strings.TrimSuffix(apex, ".") + " DNSKEY",
			msg: fmt.Sprintf("%s is not signed with DNSSEC: its zone %s serves no DNSKEY record, so resolvers cannot tell forged answers from real ones",
				dnssecName(domain), dnssecName(apex))}
	}
	return *dnssecUnknownf("the zone %s of %s is signed, but no trust anchor given covers it, so the chain of trust was not validated", dnssecName(apex), dnssecName(domain))
}
