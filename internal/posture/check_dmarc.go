package posture

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The DMARC check reads _dmarc.DOMAIN (or the organisational domain's
// record that applies to a subdomain without one) and reports a missing,
// duplicated, malformed or non-enforcing policy, missing reports and
// report addresses at external domains that did not authorise them
// (FA964).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA964", Name: "dmarc-weak", Title: "DMARC policy missing or not enforced",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{290}, OWASP: []string{"A05:2021", "API8:2023"},
		Remediation: `Publish one TXT record at _dmarc.DOMAIN such as "v=DMARC1; p=reject; rua=mailto:dmarc-reports@DOMAIN" (start with p=quarantine if unsure), without pct below 100 or sp=none, and authorise any external report address.`,
		Doc: rules.Doc{
			What: "The domain's DMARC record (TXT at `_dmarc.DOMAIN`, or at the organisational domain for a subdomain " +
				"without its own) is missing; there are several; it is malformed; its policy is `p=none` " +
				"(monitoring only); `pct` is below 100; `sp=none` weakens a stricter `p` for subdomains; it has no " +
				"`rua` aggregate-report address; or it sends reports to another domain that has not published the " +
				"authorization record `DOMAIN._report._dmarc.OTHER` (RFC 7489 7.1). Found by `posture`.",
			Why: "SPF and DKIM only say which servers and keys are genuine; DMARC tells receivers what to do with mail " +
				"that fails them and ties them to the From: address people see. Without an enforcing policy, mail " +
				"forged in your domain's name is delivered — phishing of your users, fake password resets. Without " +
				"reports you never learn who sends as you, and reports to an external address that did not " +
				"authorise them are silently dropped.",
			ExampleLang: "dns",
			Example: "; monitoring only, half the mail, no reports\n" +
				"_dmarc.example.com.  IN TXT \"v=DMARC1; p=none; pct=50\"\n" +
				"; reports to another domain without its authorization record\n" +
				"_dmarc.example.org.  IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@reports.example.net\"\n",
			Fix: "Publish one record with an enforcing policy and a report address; a provider that receives your " +
				"reports publishes the authorization record in its own zone.\n\n```\n" +
				"_dmarc.example.com.  IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc-reports@example.com; adkim=r; aspf=r\"\n" +
				"; in the reports domain, when rua points elsewhere\n" +
				"example.org._report._dmarc.reports.example.net.  IN TXT \"v=DMARC1\"\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc7489",
				"https://www.rfc-editor.org/rfc/rfc7489#section-7.1",
				"https://cwe.mitre.org/data/definitions/290.html"},
		},
	})
	register(&Check{Name: "dmarc", Rules: []string{"FA964"}, Order: 61, Email: true, Run: checkDMARC})
}

// dmarcMaxExternal bounds the external report domains checked.
const dmarcMaxExternal = 10

// dmarcRecords returns the DMARC records at a name.
func dmarcRecords(ctx context.Context, s *Session, name string) ([]string, error) {
	recs, _, err := dmarcRecordsNear(ctx, s, name)
	return recs, err
}

// dmarcRecordsNear returns the DMARC records at a name, and the TXT
// records that start like one ("v=DMARC1" in any case) but are not one.
func dmarcRecordsNear(ctx context.Context, s *Session, name string) (recs, near []string, err error) {
	txts, err := s.DNS.TXT(ctx, name)
	if errors.Is(err, ErrNXDomain) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading TXT records of %s: %w", name, err)
	}
	for _, t := range txts {
		switch {
		case isDMARC(t):
			recs = append(recs, t)
		case strings.HasPrefix(strings.ToLower(strings.Join(strings.Fields(mailClip(t, 40)), "")), "v=dmarc"):
			near = append(near, t)
		}
	}
	return recs, near, nil
}

func checkDMARC(ctx context.Context, s *Session) {
	if _, skip := emailSkipped(ctx, s); skip {
		return
	}
	name := "_dmarc." + s.Domain
	recs, near, err := dmarcRecordsNear(ctx, s, name)
	if err != nil {
		s.Diag("dns", "DMARC: %v", err)
		return
	}
	if len(recs) == 0 && len(near) > 0 {
		// Receivers skip these records; say why rather than "missing".
		recs = near[:1]
	}
	publisher, inherited := s.Domain, false
	org := mailOrgDomain(s.Domain)
	if len(recs) == 0 && org != s.Domain {
		orgRecs, err := dmarcRecords(ctx, s, "_dmarc."+org)
		if err != nil {
			s.Diag("dns", "DMARC: %v", err)
		}
		if len(orgRecs) > 0 {
			recs, publisher, inherited, name = orgRecs, org, true, "_dmarc."+org
		}
	}
	subject := mailSubject(name, "TXT")
	switch {
	case len(recs) == 0:
		also := ""
		if org != s.Domain {
			also = fmt.Sprintf(" nor at _dmarc.%s (its organisational domain)", org)
		}
		s.Report("FA964", subject, nil,
			"no DMARC record at %s%s: receivers have no policy for mail that fails SPF and DKIM, so mail forged in the name of @%s is delivered, and you get no reports of it; "+
				"publish a TXT record such as \"v=DMARC1; p=reject; rua=mailto:dmarc-reports@%s\" (p=quarantine to start)",
			name, also, s.Domain, publisher)
		return
	case len(recs) > 1:
		s.Report("FA964", subject, recs,
			"%s has %d DMARC records: receivers then apply none of them (RFC 7489 6.6.3), as if the domain had no DMARC policy; keep exactly one",
			name, len(recs))
		return
	}
	rec := parseDMARC(recs[0])
	ev := []string{recs[0]}
	if len(rec.Problems) > 0 {
		if rec.Unusable {
			s.Report("FA964", subject, append(ev, rec.Problems...),
				"the DMARC record at %s is invalid (%s): receivers discard it, as if the domain had no DMARC policy; fix it to read like \"v=DMARC1; p=reject; rua=mailto:dmarc-reports@%s\"",
				name, strings.Join(rec.Problems, "; "), publisher)
			return
		}
		f := s.Report("FA964", subject, append(ev, rec.Problems...),
			"the DMARC record at %s has syntax errors (%s): receivers ignore the bad tags and use their defaults; fix them",
			name, strings.Join(rec.Problems, "; "))
		f.Severity = finding.Low
	}
	if len(rec.Unknown) > 0 {
		f := s.Report("FA964", subject, ev,
			"the DMARC record at %s has unknown tags (%s), which receivers ignore: check for a typo",
			name, strings.Join(rec.Unknown, ", "))
		f.Severity = finding.Low
	}
	policy, tag := rec.Policy, "p"
	if policy == "" {
		policy = "none" // RFC 7489 6.6.3: no valid p with a valid rua
	}
	if inherited && rec.SubPolicy != "" {
		policy, tag = rec.SubPolicy, "sp"
	}
	where := "the DMARC record at " + name
	if inherited {
		where = fmt.Sprintf("%s has no DMARC record of its own; the one of its organisational domain at %s, which applies,", s.Domain, name)
	}
	if policy == "none" {
		s.Report("FA964", subject, ev,
			"%s has %s=none: it only asks for reports, so mail forged in the name of @%s that fails SPF and DKIM is still delivered; "+
				"once the reports show your own mail passes, move to p=quarantine and then p=reject",
			where, tag, s.Domain)
	} else if !inherited && rec.SubPolicy == "none" {
		s.Report("FA964", subject, ev,
			"the DMARC record at %s has p=%s but sp=none: mail forged in the name of any subdomain of %s (billing.%s, ...) is still delivered; remove sp= or set it to quarantine or reject",
			name, rec.Policy, s.Domain, s.Domain)
	}
	if policy != "none" && rec.Pct < 100 {
		s.Report("FA964", subject, ev,
			"%s has pct=%d: the %s policy applies to only %d%% of the failing mail, the rest is treated as p=none and delivered; remove pct= (100 is the default)",
			where, rec.Pct, policy, rec.Pct)
	}
	if len(rec.RUA) == 0 {
		f := s.Report("FA964", subject, ev,
			"%s has no rua= address: receivers send no aggregate reports, so you cannot see who sends mail as @%s or whether your own mail passes; add rua=mailto:dmarc-reports@%s",
			where, publisher, publisher)
		f.Severity = finding.Low
	}
	checkDMARCExternal(ctx, s, subject, publisher, rec)
}

// checkDMARCExternal reports report addresses at another organisational
// domain that publishes no authorization record for the domain (RFC 7489
// 7.1): receivers drop those reports.
func checkDMARCExternal(ctx context.Context, s *Session, subject, publisher string, rec *dmarcRecord) {
	own := mailOrgDomain(publisher)
	done := map[string]bool{}
	for _, list := range []struct {
		tag  string
		uris []dmarcURI
	}{{"rua", rec.RUA}, {"ruf", rec.RUF}} {
		for _, u := range list.uris {
			if u.Scheme != "mailto" || u.Domain == "" || done[u.Domain] || mailOrgDomain(u.Domain) == own {
				continue
			}
			if len(done) >= dmarcMaxExternal {
				return
			}
			done[u.Domain] = true
			auth := publisher + "._report._dmarc." + u.Domain
			recs, err := dmarcRecords(ctx, s, auth)
			if err != nil {
				s.Diag("dns", "DMARC report authorization: %v", err)
				continue
			}
			if len(recs) > 0 {
				continue
			}
			f := s.Report("FA964", subject, []string{list.tag + "=" + u.Raw, "no TXT \"v=DMARC1\" at " + auth},
				"the DMARC record of %s sends %s reports to %s, another domain, but %s has no \"v=DMARC1\" TXT record authorising it (RFC 7489 7.1): receivers drop those reports; "+
					"have the report receiver publish it, or use an address at %s",
				publisher, list.tag, u.Raw, auth, own)
			f.Severity = finding.Low
		}
	}
}
