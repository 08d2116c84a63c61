package posture

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The SPF check reads the domain's SPF record (RFC 7208): missing or
// permissive (FA962), and invalid — several records, syntax errors, more
// than 10 DNS-querying terms or 2 void lookups counted through includes
// and redirects, include loops, includes of domains without SPF (FA963).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA962", Name: "spf-missing-or-permissive", Title: "SPF record missing or permissive",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{290}, OWASP: []string{"A05:2021", "API8:2023"},
		Remediation: `Publish one SPF TXT record on the domain that lists the servers allowed to send its mail and ends in -all, e.g. "v=spf1 mx include:_spf.mailprovider.example -all".`,
		Doc: rules.Doc{
			What: "The domain has no SPF record (a TXT record starting `v=spf1`), or its record lets any server pass: " +
				"it ends in `+all` (every server authorised), `?all` (neutral), or has no `all` mechanism and no " +
				"`redirect` (neutral by default). A record ending in `~all` (softfail) is reported at low severity. " +
				"Found by `posture`.",
			Why: "SPF is how a receiving mail server checks that the server delivering a message may send for the " +
				"domain in its envelope sender. Without a record, or with one that ends in +all or ?all, anyone can " +
				"send mail as the domain — password-reset lures, invoices, notifications from your API — and SPF " +
				"gives receivers and DMARC nothing to reject it on. With ~all unlisted servers are only marked as " +
				"suspicious; most receivers still deliver their mail.",
			ExampleLang: "dns",
			Example: "; anyone may send as example.com\n" +
				"example.com.  3600 IN TXT \"v=spf1 include:_spf.mailprovider.example +all\"\n" +
				"; or no v=spf1 TXT record at all\n",
			Fix: "List every service that sends your mail and end the record in `-all`; check it stays under 10 DNS " +
				"lookups. A domain that sends no mail publishes `v=spf1 -all`.\n\n```\n" +
				"example.com.  3600 IN TXT \"v=spf1 mx include:_spf.mailprovider.example -all\"\n" +
				"; a domain that sends no mail\nparked.example.  3600 IN TXT \"v=spf1 -all\"\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc7208",
				"https://cwe.mitre.org/data/definitions/290.html",
				"https://www.m3aawg.org/sites/default/files/m3aawg-email-authentication-recommended-best-practices-09-2020.pdf"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA963", Name: "spf-invalid", Title: "SPF record invalid",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{290}, OWASP: []string{"A05:2021", "API8:2023"},
		Remediation: "Keep a single, well-formed v=spf1 record that needs at most 10 DNS lookups (include, a, mx, ptr, exists, redirect, counted through every include) and at most 2 lookups that find nothing; replace nested includes by ip4/ip6 ranges where needed.",
		Doc: rules.Doc{
			What: "The domain's SPF record makes receivers return `permerror`: the domain has more than one `v=spf1` " +
				"record; a term is malformed (unknown mechanism, bad qualifier, bad ip4/ip6 network or CIDR length, " +
				"bad macro, a domain that is not one); evaluating it needs more than 10 DNS-querying terms " +
				"(`include`, `a`, `mx`, `ptr`, `exists`, `redirect`, counted recursively through includes and " +
				"redirects, RFC 7208 4.6.4) or more than 2 lookups that find nothing (void lookups); includes form " +
				"a loop; or an `include`/`redirect` names a domain without an SPF record. Unknown modifiers, which " +
				"receivers ignore, are reported at low severity as likely typos. Found by `posture`.",
			Why: "A permerror is not a pass: DMARC treats it as an SPF failure, so legitimate mail relies on DKIM " +
				"alone and may be rejected or sent to spam, while the protection SPF was meant to give against " +
				"spoofing is gone. The 10-lookup limit is often crossed silently when a provider adds an include " +
				"to theirs.",
			ExampleLang: "dns",
			Example: "; two SPF records, and a record needing 12 lookups through its includes\n" +
				"example.com.  IN TXT \"v=spf1 include:_spf.google.com -all\"\n" +
				"example.com.  IN TXT \"v=spf1 include:spf.protection.outlook.com include:sendgrid.net include:mailgun.org " +
				"include:servers.mcsv.net a mx ip4:192.0.2.0/33 -all\"\n",
			Fix: "Merge the records into one, fix the malformed terms, and bring the lookups under 10: drop senders " +
				"you no longer use, replace `a`/`mx`/small includes by their `ip4`/`ip6` ranges, or use a " +
				"subdomain (and its own record) for a bulk sender.\n\n```\n" +
				"example.com.  IN TXT \"v=spf1 ip4:192.0.2.0/24 include:_spf.google.com include:sendgrid.net -all\"\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4",
				"https://www.rfc-editor.org/rfc/rfc7208#section-12",
				"https://cwe.mitre.org/data/definitions/290.html"},
		},
	})
	register(&Check{Name: "spf", Rules: []string{"FA962", "FA963"}, Order: 60, Email: true, Run: checkSPF})
}

// Bounds of the SPF walk, whatever the records say.
const (
	spfLookupLimit = 10 // RFC 7208 4.6.4
	spfVoidLimit   = 2  // RFC 7208 4.6.4
	spfMaxDepth    = 10 // include/redirect nesting followed
	spfMaxLookups  = 40 // DNS-querying terms resolved before counting stops
	spfMaxRecords  = 30 // SPF records fetched
	spfMaxTrail    = 30 // evidence lines
	spfMaxMX       = 10 // MX hosts an mx mechanism may name
)

func checkSPF(ctx context.Context, s *Session) {
	if _, skip := emailSkipped(ctx, s); skip {
		return
	}
	subject := mailSubject(s.Domain, "TXT")
	recs, _, err := spfRecords(ctx, s, s.Domain)
	if err != nil {
		s.Diag("dns", "SPF: %v", err)
		return
	}
	switch {
	case len(recs) == 0:
		s.Report("FA962", subject, nil,
			"%s has no SPF record: any server can send mail claiming to come from @%s and receivers have no list of your servers to check it against; "+
				"publish one TXT record such as \"v=spf1 mx include:_spf.mailprovider.example -all\" (or \"v=spf1 -all\" if the domain sends no mail)",
			s.Domain, s.Domain)
		return
	case len(recs) > 1:
		s.Report("FA963", subject, recs,
			"%s has %d SPF records: receivers return permerror when more than one TXT record starts with v=spf1, so SPF fails for all its mail; merge them into one record",
			s.Domain, len(recs))
		return
	}
	rec := parseSPF(recs[0])
	w := &spfWalk{ctx: ctx, s: s, stack: []string{s.Domain}, reported: map[string]bool{}}
	w.syntax(s.Domain, recs[0], rec)
	all, from := w.visit(s.Domain, rec)
	if s.Enabled("FA962") {
		reportSPFAll(s, subject, recs[0], all, from)
	}
	if !s.Enabled("FA963") {
		return
	}
	if w.lookups > spfLookupLimit {
		atLeast := ""
		if w.truncated {
			atLeast = "at least "
		}
		s.Report("FA963", subject, w.trail,
			"evaluating the SPF record of %s needs %s%d DNS lookups (include, a, mx, ptr, exists, redirect, counted through every include); "+
				"the limit is %d (RFC 7208 4.6.4), beyond it receivers return permerror and SPF fails for all your mail; "+
				"remove unused includes or replace them by ip4/ip6 ranges",
			s.Domain, atLeast, w.lookups, spfLookupLimit)
	}
	if len(w.voids) > spfVoidLimit {
		s.Report("FA963", subject, w.voids,
			"evaluating the SPF record of %s makes %d DNS lookups that find nothing (void lookups); receivers stop at %d (RFC 7208 4.6.4) and return permerror; "+
				"remove the terms naming domains that do not exist or have no records",
			s.Domain, len(w.voids), spfVoidLimit)
	}
}

// spfRecords returns the SPF records of a domain, and whether the lookup
// was void (no such name, or no TXT record).
func spfRecords(ctx context.Context, s *Session, domain string) ([]string, bool, error) {
	txts, void, err := mailTXT(ctx, s, domain, "v=spf1")
	var out []string
	for _, t := range txts {
		if isSPF(t) {
			out = append(out, t)
		}
	}
	return out, void, err
}

// reportSPFAll reports a permissive final "all" (FA962).
func reportSPFAll(s *Session, subject, record string, all byte, from string) {
	via := ""
	if from != "" && from != s.Domain {
		via = fmt.Sprintf(" (through redirect to %s)", from)
	}
	ev := []string{record}
	switch all {
	case '+':
		s.Report("FA962", subject, ev,
			"the SPF record of %s ends in +all%s: it authorises every server on the Internet to send mail as @%s, which is worse than no record; end it with -all after listing your senders",
			s.Domain, via, s.Domain)
	case '?':
		s.Report("FA962", subject, ev,
			"the SPF record of %s ends in ?all (neutral)%s: mail from servers you did not list gets no verdict, so SPF does not help receivers reject spoofed mail; end it with -all",
			s.Domain, via)
	case 0:
		s.Report("FA962", subject, ev,
			"the SPF record of %s has no all mechanism and no redirect%s: mail from servers you did not list gets a neutral result, as with ?all; end the record with -all",
			s.Domain, via)
	case '~':
		f := s.Report("FA962", subject, ev,
			"the SPF record of %s ends in ~all (softfail)%s: mail from servers you did not list is usually still delivered, only marked as suspicious; "+
				"once every sender is listed, use -all (a DMARC policy of p=reject also makes receivers reject it)",
			s.Domain, via)
		f.Severity = finding.Low
	}
}

// spfWalk follows an SPF record through its includes and redirects,
// counting DNS-querying terms and void lookups.
type spfWalk struct {
	ctx       context.Context
	s         *Session
	lookups   int
	truncated bool     // counting stopped at a bound
	trail     []string // the DNS-querying terms, for evidence
	voids     []string // the void lookups
	stack     []string // the domains being walked (loop detection)
	records   int
	reported  map[string]bool // domains whose record problems were reported
	loop      bool
}

// syntax reports the syntax errors and unknown modifiers of a record.
func (w *spfWalk) syntax(domain, txt string, rec *spfRecord) {
	if w.reported[domain] || (len(rec.Problems) == 0 && len(rec.Unknown) == 0) {
		return
	}
	w.reported[domain] = true
	subject := mailSubject(domain, "TXT")
	if len(rec.Problems) > 0 {
		ev := append([]string{txt}, rec.Problems...)
		s := "s"
		if len(rec.Problems) == 1 {
			s = ""
		}
		w.s.Report("FA963", subject, ev,
			"the SPF record of %s has %d syntax error%s (%s): receivers return permerror and SPF fails for all mail using it; fix the terms as RFC 7208 section 12 gives them",
			domain, len(rec.Problems), s, strings.Join(rec.Problems, "; "))
	}
	if len(rec.Unknown) > 0 {
		f := w.s.Report("FA963", subject, []string{txt},
			"the SPF record of %s has unknown modifiers (%s), which receivers ignore: check for a typo of redirect= or exp=",
			domain, strings.Join(rec.Unknown, ", "))
		f.Severity = finding.Low
	}
}

// count records one DNS-querying term; false once the walk should stop.
func (w *spfWalk) count(domain string, t spfTerm) bool {
	w.lookups++
	if len(w.trail) < spfMaxTrail {
		w.trail = append(w.trail, fmt.Sprintf("%d. %s: %s", w.lookups, domain, t.Raw))
	}
	if w.lookups > spfMaxLookups {
		w.truncated = true
		return false
	}
	return true
}

// void records a void lookup.
func (w *spfWalk) void(what string) { w.voids = append(w.voids, what) }

// spfAllUnknown stands for an effective "all" the walk could not find (a
// redirect that cannot be followed, a bound reached).
const spfAllUnknown = '!'

// visit walks the terms of a domain's record and returns the qualifier of
// its effective "all" (0 for none, spfAllUnknown when it cannot tell) and
// the domain whose record holds it (a redirect target).
func (w *spfWalk) visit(domain string, rec *spfRecord) (byte, string) {
	for _, t := range rec.Terms {
		if w.ctx.Err() != nil {
			return spfAllUnknown, ""
		}
		if t.Modifier || !spfLookupTerms[t.Name] {
			continue
		}
		if !w.count(domain, t) {
			return spfAllUnknown, ""
		}
		if t.Macro {
			continue // names no fixed domain: counted, not resolved
		}
		target := strings.ToLower(strings.TrimSuffix(t.Domain, "."))
		if target == "" {
			target = domain
		}
		switch t.Name {
		case "include":
			if sub := w.follow(domain, t, target); sub != nil {
				w.stack = append(w.stack, target)
				w.visit(target, sub)
				w.stack = w.stack[:len(w.stack)-1]
			}
		case "a":
			if w.empty(target, dns.TypeA, dns.TypeAAAA) {
				w.void(fmt.Sprintf("%s: %s: %s has no A or AAAA record", domain, t.Raw, target))
			}
		case "exists":
			if w.empty(target, dns.TypeA) {
				w.void(fmt.Sprintf("%s: %s: %s has no A record", domain, t.Raw, target))
			}
		case "mx":
			w.mx(domain, t, target)
		}
	}
	if all, ok := rec.all(); ok {
		return all.Qualifier, domain
	}
	red, ok := rec.modifier("redirect")
	if !ok {
		return 0, ""
	}
	if w.ctx.Err() != nil || !w.count(domain, red) || red.Macro {
		return spfAllUnknown, ""
	}
	target := strings.ToLower(strings.TrimSuffix(red.Domain, "."))
	sub := w.follow(domain, red, target)
	if sub == nil {
		return spfAllUnknown, ""
	}
	w.stack = append(w.stack, target)
	defer func() { w.stack = w.stack[:len(w.stack)-1] }()
	return w.visit(target, sub)
}

// follow fetches the record an include or redirect names, reporting a
// loop, a missing record or several records; nil when it cannot be walked.
func (w *spfWalk) follow(domain string, t spfTerm, target string) *spfRecord {
	subject := mailSubject(domain, "TXT")
	for _, d := range w.stack {
		if d == target {
			if !w.loop {
				w.loop = true
				w.s.Report("FA963", subject, append(append([]string(nil), w.stack...), target),
					"the SPF record of %s loops: %s leads back to %s; receivers stop with permerror once the lookup limit is hit; remove the include that closes the loop",
					domain, t.Raw, target)
			}
			return nil
		}
	}
	if len(w.stack) > spfMaxDepth || w.records >= spfMaxRecords {
		w.truncated = true
		return nil
	}
	w.records++
	recs, void, err := spfRecords(w.ctx, w.s, target)
	if err != nil {
		w.s.Diag("dns", "SPF %s of %s: %v", t.Raw, domain, err)
		return nil
	}
	if void {
		w.void(fmt.Sprintf("%s: %s: %s has no TXT record", domain, t.Raw, target))
	}
	switch {
	case len(recs) == 0:
		w.s.Report("FA963", subject, []string{t.Raw},
			"the SPF record of %s has %s, but %s has no SPF record: receivers return permerror for the whole check; remove the term or point it at the provider's current SPF domain",
			domain, t.Raw, target)
		return nil
	case len(recs) > 1:
		w.s.Report("FA963", mailSubject(target, "TXT"), recs,
			"%s, named by %s in the SPF record of %s, has %d SPF records: receivers return permerror; it must publish exactly one",
			target, t.Raw, domain, len(recs))
		return nil
	}
	rec := parseSPF(recs[0])
	w.syntax(target, recs[0], rec)
	return rec
}

// mx checks the MX records an mx mechanism names: none is a void lookup,
// more than 10 a permerror.
func (w *spfWalk) mx(domain string, t spfTerm, target string) {
	hosts, err := w.s.DNS.MX(w.ctx, target)
	if err != nil && !errors.Is(err, ErrNXDomain) {
		w.s.Diag("dns", "SPF %s of %s: %v", t.Raw, domain, err)
		return
	}
	if len(hosts) == 0 {
		w.void(fmt.Sprintf("%s: %s: %s has no MX record", domain, t.Raw, target))
		return
	}
	if len(hosts) > spfMaxMX {
		w.s.Report("FA963", mailSubject(domain, "TXT"), []string{t.Raw},
			"the %s mechanism in the SPF record of %s names %d mail servers; receivers look up at most %d (RFC 7208 4.6.4) and return permerror; use ip4/ip6 ranges instead",
			t.Raw, domain, len(hosts), spfMaxMX)
	}
}

// empty reports a name with no record of any of the types (a void
// lookup); a DNS error is not one.
func (w *spfWalk) empty(name string, types ...uint16) bool {
	for _, qt := range types {
		m, err := w.s.DNS.Query(w.ctx, name, qt, false)
		if err != nil {
			return false
		}
		rrs, err := answers(m, qt)
		if err != nil && !errors.Is(err, ErrNXDomain) {
			return false
		}
		if len(rrs) > 0 {
			return false
		}
	}
	return true
}
