package posture

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The MTA-STS check reads _mta-sts.DOMAIN, fetches the policy from
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt and checks that it is
// valid, enforced, covers every MX host and is cached long enough (FA966);
// it also reads the TLS-RPT record at _smtp._tls.DOMAIN (FA967).
func init() {
	rules.Register(&rules.Rule{
		ID: "FA966", Name: "mta-sts-missing-or-weak", Title: "MTA-STS missing, not enforced or invalid",
		Category: "transport", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{319, 757}, OWASP: []string{"A02:2021", "API8:2023"},
		Remediation: `Publish "_mta-sts.DOMAIN TXT v=STSv1; id=YYYYMMDDNN" and serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt (valid certificate, text/plain) with "version: STSv1", "mode: enforce", one "mx:" line per mail server and "max_age: 604800" or more.`,
		Doc: rules.Doc{
			What: "The domain receives mail but has no MTA-STS record at `_mta-sts.DOMAIN` (low); or its policy at " +
				"`https://mta-sts.DOMAIN/.well-known/mta-sts.txt` cannot be fetched, is served with an invalid " +
				"certificate, redirects, or is malformed (medium); its mode is `testing` or `none` (low); an MX host " +
				"of the domain matches no `mx:` line of the policy (medium); or `max_age` is under one day (low). " +
				"Found by `posture`.",
			Why: "SMTP between mail servers uses opportunistic STARTTLS: an attacker on the network path can strip it " +
				"or present any certificate, and the sending server falls back to plain text — reading password " +
				"resets and invoices in transit. MTA-STS tells senders to require TLS with a valid certificate for " +
				"the listed MX hosts. In testing mode failures are only reported; an MX host missing from the policy " +
				"makes enforcing senders refuse to deliver to it; a short max_age lets an attacker who blocks the " +
				"policy fetch wait out the cache.",
			ExampleLang: "dns",
			Example: "; policy record present, but the policy only tests and misses an MX host\n" +
				"_mta-sts.example.com.  IN TXT \"v=STSv1; id=20240101\"\n" +
				"example.com.           IN MX  10 mx1.example.com.\n" +
				"example.com.           IN MX  20 backup.mailhost.example.\n" +
				"; https://mta-sts.example.com/.well-known/mta-sts.txt\n" +
				"; version: STSv1\n; mode: testing\n; mx: mx1.example.com\n; max_age: 3600\n",
			Fix: "Serve a policy in enforce mode that lists every MX host (a `*.` pattern matches one label), with a " +
				"max_age of a week or more, over HTTPS with a publicly trusted certificate for mta-sts.DOMAIN; " +
				"change the id of the TXT record whenever the policy changes.\n\n```\n" +
				"_mta-sts.example.com.  IN TXT \"v=STSv1; id=2024010101\"\n" +
				"; https://mta-sts.example.com/.well-known/mta-sts.txt (Content-Type: text/plain)\n" +
				"; version: STSv1\n; mode: enforce\n; mx: mx1.example.com\n; mx: *.mailhost.example\n; max_age: 1209600\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc8461",
				"https://cwe.mitre.org/data/definitions/319.html",
				"https://cwe.mitre.org/data/definitions/757.html"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA967", Name: "tls-rpt-missing", Title: "TLS-RPT record missing or invalid",
		Category: "transport", Severity: finding.Info, Confidence: finding.HighConfidence,
		CWE: []int{778}, OWASP: []string{"A09:2021", "API8:2023"},
		Remediation: `Publish "_smtp._tls.DOMAIN TXT v=TLSRPTv1; rua=mailto:tls-reports@DOMAIN" to receive reports of TLS failures when servers deliver mail to you.`,
		Doc: rules.Doc{
			What: "The domain receives mail but has no valid TLS-RPT record (TXT at `_smtp._tls.DOMAIN`, " +
				"`v=TLSRPTv1; rua=mailto:...` or `rua=https://...`), or it has several. Found by `posture`.",
			Why: "TLS-RPT (RFC 8460) makes sending servers report the TLS failures they meet when delivering to you: " +
				"an expired certificate on an MX host, an MTA-STS policy that does not match, or STARTTLS being " +
				"stripped on the path. Without it such failures — and attacks — go unnoticed until mail is lost.",
			ExampleLang: "dns",
			Example: "; no _smtp._tls TXT record, or one without rua\n" +
				"_smtp._tls.example.com.  IN TXT \"v=TLSRPTv1\"\n",
			Fix: "Publish a record with a report address (a mailbox, or an HTTPS endpoint of a reporting " +
				"service).\n\n```\n_smtp._tls.example.com.  IN TXT \"v=TLSRPTv1; rua=mailto:tls-reports@example.com\"\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc8460",
				"https://cwe.mitre.org/data/definitions/778.html"},
		},
	})
	register(&Check{Name: "mta-sts", Rules: []string{"FA966", "FA967"}, Order: 63, Email: true, Run: checkMTASTS})
}

// mtastsMinMaxAge is the shortest policy cache lifetime not reported.
const mtastsMinMaxAge = 86400

func checkMTASTS(ctx context.Context, s *Session) {
	role, skip := emailSkipped(ctx, s)
	if skip {
		return
	}
	if !role.Receives {
		s.Diag("email", "%s has no MX record: it receives no mail, MTA-STS and TLS-RPT checks skipped", s.Domain)
		return
	}
	if s.Enabled("FA966") {
		checkMTASTSPolicy(ctx, s)
	}
	if s.Enabled("FA967") && ctx.Err() == nil {
		checkTLSRPT(ctx, s)
	}
}

// checkMTASTSPolicy checks the _mta-sts record and the policy it announces.
func checkMTASTSPolicy(ctx context.Context, s *Session) {
	name := "_mta-sts." + s.Domain
	subject := mailSubject(name, "TXT")
	txts, _, err := mailTXT(ctx, s, name, "")
	if err != nil {
		s.Diag("dns", "MTA-STS: %v", err)
		return
	}
	var recs []string
	for _, t := range txts {
		if isMTASTSRecord(t) {
			recs = append(recs, t)
		}
	}
	switch {
	case len(recs) == 0:
		f := s.Report("FA966", subject, txts,
			"%s has no MTA-STS record at %s: servers sending mail to it use opportunistic STARTTLS, which an attacker on the path can strip or intercept with any certificate; "+
				"publish \"v=STSv1; id=...\" there and serve a policy in enforce mode at https://mta-sts.%s/.well-known/mta-sts.txt",
			s.Domain, name, s.Domain)
		f.Severity = finding.Low
		return
	case len(recs) > 1:
		s.Report("FA966", subject, recs,
			"%s has %d MTA-STS records: senders then assume there is no policy (RFC 8461 3.1); keep exactly one", name, len(recs))
		return
	}
	if _, problems := parseMTASTSRecord(recs[0]); len(problems) > 0 {
		s.Report("FA966", subject, append([]string{recs[0]}, problems...),
			"the MTA-STS record at %s is invalid (%s): senders ignore it and the policy; write it as \"v=STSv1; id=20240101T000000\"",
			name, strings.Join(problems, "; "))
		return
	}
	host := "mta-sts." + s.Domain
	policyURL := "https://" + host + "/.well-known/mta-sts.txt"
	if s.Opts.HTTPSPort != 443 {
		policyURL = fmt.Sprintf("https://%s:%d/.well-known/mta-sts.txt", host, s.Opts.HTTPSPort)
	}
	body, ev, ok := fetchMTASTSPolicy(ctx, s, host, policyURL)
	if !ok {
		return
	}
	p := parseMTASTSPolicy(body)
	ev = append(ev, strings.Split(strings.TrimSpace(mailClip(body, 600)), "\n")...)
	if len(p.Problems) > 0 {
		s.Report("FA966", policyURL, append(ev, p.Problems...),
			"the MTA-STS policy at %s is invalid (%s): senders discard it and fall back to opportunistic TLS; serve \"version: STSv1\", \"mode: enforce\", one \"mx:\" line per MX host and \"max_age:\"",
			policyURL, strings.Join(p.Problems, "; "))
		return
	}
	switch p.Mode {
	case "testing":
		f := s.Report("FA966", policyURL, ev,
			"the MTA-STS policy of %s is in mode testing: senders only report TLS failures and still deliver over a stripped or intercepted connection, so it gives no protection yet; "+
				"once TLS reports show your MX hosts pass, set \"mode: enforce\"",
			s.Domain)
		f.Severity = finding.Low
	case "none":
		f := s.Report("FA966", policyURL, ev,
			"the MTA-STS policy of %s is in mode none: it withdraws the policy, so senders deliver over opportunistic TLS that an attacker can strip; "+
				"list your MX hosts and set \"mode: enforce\" (testing first if unsure)",
			s.Domain)
		f.Severity = finding.Low
	}
	if p.Mode != "none" {
		checkMTASTSCoverage(ctx, s, policyURL, ev, p)
	}
	if p.MaxAge < mtastsMinMaxAge {
		f := s.Report("FA966", policyURL, ev,
			"the MTA-STS policy of %s has max_age %d seconds, under a day: senders forget it quickly, so an attacker who blocks the policy fetch soon gets back to stripping TLS; use max_age: 604800 (a week) or more",
			s.Domain, p.MaxAge)
		f.Severity = finding.Low
	}
}

// checkMTASTSCoverage reports MX hosts that no mx pattern of the policy
// matches: enforcing senders refuse to deliver to them.
func checkMTASTSCoverage(ctx context.Context, s *Session, policyURL string, ev []string, p *mtastsPolicy) {
	hosts, err := s.DNS.MX(ctx, s.Domain)
	if err != nil {
		s.Diag("dns", "MTA-STS: MX of %s: %v", s.Domain, err)
		return
	}
	var missing []string
	for _, h := range hosts {
		if h == "" {
			continue
		}
		matched := false
		for _, pat := range p.MX {
			if mtastsMatch(pat, h) {
				matched = true
				break
			}
		}
		if !matched {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return
	}
	s.Report("FA966", policyURL, append(ev, "MX hosts: "+strings.Join(hosts, ", ")),
		"the MTA-STS policy of %s lists no mx pattern matching the MX host(s) %s: senders enforcing the policy refuse to deliver to them (in testing mode they report failures); add an \"mx: %s\" line",
		s.Domain, strings.Join(missing, ", "), missing[0])
}

// fetchMTASTSPolicy fetches the policy over HTTPS through the session's
// dialer, with the certificate checked for host, no redirect followed and
// the body capped. It reports the failures itself; ok is false then.
func fetchMTASTSPolicy(ctx context.Context, s *Session, host, policyURL string) (body string, ev []string, ok bool) {
	conf := &tls.Config{ServerName: host, RootCAs: s.Opts.RootCAs, MinVersion: tls.VersionTLS12, Time: s.Opts.Now}
	tr := &http.Transport{
		DialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			raw, err := s.Dial(ctx, "tcp", host, s.Opts.HTTPSPort)
			if errors.Is(err, ErrNXDomain) {
				return nil, fmt.Errorf("%s: %w", host, err)
			}
			if err != nil {
				return nil, err
			}
			c := tls.Client(raw, conf)
			if err := c.HandshakeContext(ctx); err != nil {
				raw.Close()
				return nil, err
			}
			return c, nil
		},
	}
	defer tr.CloseIdleConnections()
	client := s.httpClient(tr)
	req, err := newGet(ctx, policyURL)
	if err != nil {
		s.Diag("mta-sts", "policy URL %s: %v", policyURL, err)
		return "", nil, false
	}
	ev = []string{"GET " + policyURL}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", nil, false
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if certErr := mtastsCertError(err); certErr != nil {
			s.Report("FA966", policyURL, append(ev, certErr.Error()),
				"the MTA-STS policy of %s is served with a certificate that does not verify for %s (%v): senders refuse to use the policy, so mail falls back to opportunistic TLS; "+
					"serve it with a publicly trusted certificate for %s",
				s.Domain, host, certErr, host)
			return "", nil, false
		}
		s.Report("FA966", policyURL, append(ev, err.Error()),
			"the MTA-STS policy of %s cannot be fetched (%v): senders that have not cached it treat the domain as having no policy; serve it at %s",
			s.Domain, err, policyURL)
		return "", nil, false
	}
	defer resp.Body.Close()
	ev = append(ev, resp.Proto+" "+resp.Status)
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		ev = append(ev, "Content-Type: "+ct)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		s.Report("FA966", policyURL, append(ev, "Location: "+resp.Header.Get("Location")),
			"the MTA-STS policy URL of %s answers with a redirect (%s), which senders must not follow (RFC 8461 3.3): the policy is unusable; serve it directly at %s",
			s.Domain, resp.Status, policyURL)
		return "", nil, false
	}
	if resp.StatusCode != http.StatusOK {
		s.Report("FA966", policyURL, ev,
			"the MTA-STS policy of %s cannot be fetched (HTTP %s): senders treat the domain as having no policy; serve it at %s",
			s.Domain, resp.Status, policyURL)
		return "", nil, false
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		s.Report("FA966", policyURL, append(ev, err.Error()),
			"the MTA-STS policy of %s cannot be read (%v): senders treat the domain as having no policy", s.Domain, err)
		return "", nil, false
	}
	if len(data) > maxBody {
		s.Report("FA966", policyURL, ev,
			"the MTA-STS policy of %s is larger than %d KB: senders give up reading it; serve the few lines of the policy only", s.Domain, maxBody>>10)
		return "", nil, false
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "text/plain" {
			s.Report("FA966", policyURL, ev,
				"the MTA-STS policy of %s is served as %q, not text/plain (RFC 8461 3.2): strict senders reject it; serve it with Content-Type: text/plain",
				s.Domain, ct)
			return "", nil, false
		}
	}
	return string(data), ev, true
}

// mtastsCertError returns the certificate verification error inside err,
// or nil.
func mtastsCertError(err error) error {
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ve) {
		return ve.Err
	}
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ie x509.CertificateInvalidError
	if errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ie) {
		return err
	}
	return nil
}

// checkTLSRPT reports a missing, duplicated or invalid TLS-RPT record.
func checkTLSRPT(ctx context.Context, s *Session) {
	name := "_smtp._tls." + s.Domain
	subject := mailSubject(name, "TXT")
	txts, _, err := mailTXT(ctx, s, name, "")
	if err != nil {
		s.Diag("dns", "TLS-RPT: %v", err)
		return
	}
	var recs []string
	for _, t := range txts {
		if isTLSRPTRecord(t) {
			recs = append(recs, t)
		}
	}
	switch {
	case len(recs) == 0:
		s.Report("FA967", subject, txts,
			"%s has no TLS-RPT record at %s: servers that fail to deliver to it over TLS (expired MX certificate, MTA-STS mismatch, STARTTLS stripped) have nowhere to report it; "+
				"publish \"v=TLSRPTv1; rua=mailto:tls-reports@%s\"",
			s.Domain, name, s.Domain)
	case len(recs) > 1:
		s.Report("FA967", subject, recs,
			"%s has %d TLS-RPT records: senders use none of them; keep exactly one", name, len(recs))
	default:
		if problems := parseTLSRPTRecord(recs[0]); len(problems) > 0 {
			s.Report("FA967", subject, append([]string{recs[0]}, problems...),
				"the TLS-RPT record at %s is invalid (%s): senders send no reports; write it as \"v=TLSRPTv1; rua=mailto:tls-reports@%s\"",
				name, strings.Join(problems, "; "), s.Domain)
		}
	}
}
