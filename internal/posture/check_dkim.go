package posture

import (
	"context"
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The DKIM check looks for public keys at the selectors given with
// --dkim-selector and at common ones, and reports no key found and RSA
// keys under 1024 or 2048 bits (FA965). Selectors cannot be listed from
// DNS, so "no key" is a guess of medium confidence.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA965", Name: "dkim-missing-or-weak", Title: "DKIM key missing or weak",
		Category: "transport", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{326, 290}, OWASP: []string{"A02:2021", "API8:2023"},
		Remediation: "Sign outgoing mail with DKIM using an RSA key of at least 2048 bits (or ed25519 alongside RSA), publish it at SELECTOR._domainkey.DOMAIN, and give the selector with --dkim-selector if it is not a common one.",
		Doc: rules.Doc{
			What: "No DKIM public key was found at the selectors given with `--dkim-selector` nor at common " +
				"selectors (`default`, `selector1`, `selector2`, `google`, `k1`, `s1`, `mail`, ...), or a key found " +
				"is an RSA key under 2048 bits (low) or under 1024 bits (medium), or cannot be parsed. A revoked " +
				"key (empty `p=`) is not a finding by itself. Found by `posture`.",
			Why: "DKIM signs each message so that receivers can check it really comes from the domain and was not " +
				"altered; DMARC needs SPF or DKIM to pass, and only DKIM survives forwarding. Without DKIM, " +
				"legitimate mail fails DMARC whenever it is forwarded. An RSA key of 512 or 768 bits can be " +
				"factored with modest means, letting anyone sign mail as the domain; 1024 bits is below current " +
				"recommendations (RFC 8301 asks for at least 1024, NIST and major providers 2048).",
			ExampleLang: "dns",
			Example: "; a 1024-bit RSA key (the base64 of a short SubjectPublicKeyInfo)\n" +
				"selector1._domainkey.example.com.  IN TXT \"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC...\"\n",
			Fix: "Generate a 2048-bit key (your mail provider does it for you: enable DKIM in its console), publish " +
				"it under a new selector, switch signing to it, then revoke the old one by emptying its p=.\n\n```\n" +
				"s2048._domainkey.example.com.  IN TXT ( \"v=DKIM1; k=rsa; \"\n" +
				"    \"p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA...\" )\n" +
				"selector1._domainkey.example.com.  IN TXT \"v=DKIM1; p=\"  ; revoked\n```\n",
			References: []string{"https://www.rfc-editor.org/rfc/rfc6376#section-3.6.1",
				"https://www.rfc-editor.org/rfc/rfc8301",
				"https://www.rfc-editor.org/rfc/rfc8463",
				"https://cwe.mitre.org/data/definitions/326.html"},
		},
	})
	register(&Check{Name: "dkim", Rules: []string{"FA965"}, Order: 62, Email: true, Run: checkDKIM})
}

// dkimCommonSelectors are tried after the given ones: the defaults of
// common mail software and providers.
var dkimCommonSelectors = []string{
	"default", "selector1", "selector2", "google", "k1", "k2", "s1", "s2", "dkim", "mail", "smtp",
	"mxvault", "everlytickey1", "everlytickey2", "20230601", "fm1", "fm2", "fm3", "mandrill", "pm",
	"protonmail", "protonmail2", "protonmail3",
}

// Bounds of the DKIM check.
const (
	dkimMaxGiven     = 10 // selectors taken from the options
	dkimMaxSelectors = 35 // selectors tried in all (one TXT query each)
)

// dkimSelectors is the list of selectors to try: the given ones first,
// then the common ones, without duplicates or malformed names.
func dkimSelectors(given []string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(sel string) {
		sel = strings.ToLower(strings.Trim(strings.TrimSpace(sel), "."))
		if sel == "" || seen[sel] || len(out) >= dkimMaxSelectors || len(sel) > 200 {
			return
		}
		for _, c := range sel {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return
			}
		}
		seen[sel] = true
		out = append(out, sel)
	}
	for i, sel := range given {
		if i >= dkimMaxGiven {
			break
		}
		add(sel)
	}
	for _, sel := range dkimCommonSelectors {
		add(sel)
	}
	return out
}

func checkDKIM(ctx context.Context, s *Session) {
	role, skip := emailSkipped(ctx, s)
	if skip {
		return
	}
	if !role.Sends {
		s.Diag("email", "%s sends no mail (SPF \"v=spf1 -all\"): no DKIM key is needed, DKIM check skipped", s.Domain)
		return
	}
	selectors := dkimSelectors(s.Opts.DKIMSelectors)
	var revoked []string
	found := 0 // keys found, weak or invalid ones included
	for _, sel := range selectors {
		if ctx.Err() != nil {
			return
		}
		name := sel + "._domainkey." + s.Domain
		txts, _, err := mailTXT(ctx, s, name, "")
		if err != nil {
			s.Diag("dns", "DKIM: %v", err)
			continue
		}
		for _, txt := range txts {
			if !isDKIMKey(txt) {
				continue
			}
			k := parseDKIMKey(txt)
			subject := mailSubject(name, "TXT")
			ev := []string{mailClip(txt, 300)}
			switch {
			case k.Revoked:
				revoked = append(revoked, sel)
			case len(k.Problems) > 0:
				found++
				f := s.Report("FA965", subject, append(ev, k.Problems...),
					"the DKIM key record at %s is invalid (%s): signatures made with selector %s fail verification, so that mail fails DKIM (and DMARC unless SPF aligns); publish the key as \"v=DKIM1; k=rsa; p=BASE64-OF-THE-PUBLIC-KEY\"",
					name, strings.Join(k.Problems, "; "), sel)
				f.Severity = finding.Medium
				f.Confidence = finding.HighConfidence
			case k.KeyType == "rsa" && k.Bits < 1024:
				found++
				f := s.Report("FA965", subject, ev,
					"the DKIM key at %s is a %d-bit RSA key: keys this short can be factored, letting anyone sign mail as @%s; publish a 2048-bit key under a new selector, sign with it, and revoke this one (p=)",
					name, k.Bits, s.Domain)
				f.Severity = finding.Medium
				f.Confidence = finding.HighConfidence
			case k.KeyType == "rsa" && k.Bits < 2048:
				found++
				f := s.Report("FA965", subject, ev,
					"the DKIM key at %s is a %d-bit RSA key, under the 2048 bits now recommended; publish a 2048-bit key under a new selector, sign with it, and revoke this one (p=)",
					name, k.Bits)
				f.Confidence = finding.HighConfidence
			default:
				found++
			}
		}
	}
	if found > 0 || ctx.Err() != nil {
		return
	}
	note := ""
	if len(revoked) > 0 {
		note = fmt.Sprintf(" (revoked keys only, at %s)", strings.Join(revoked, ", "))
	}
	f := s.Report("FA965", mailSubject("_domainkey."+s.Domain, "TXT"), []string{"selectors tried: " + strings.Join(selectors, ", ")},
		"no DKIM key found for %s at the %d selectors tried%s: without DKIM, mail from @%s fails DMARC whenever SPF does not align (forwarding, mailing lists); "+
			"enable DKIM signing at your mail provider and publish its key at SELECTOR._domainkey.%s — if you already sign with another selector, give it with --dkim-selector",
		s.Domain, len(selectors), note, s.Domain, s.Domain)
	f.Confidence = finding.MediumConfidence // selectors cannot be listed: the key may be at another
}
