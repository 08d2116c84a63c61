package posture

// Helpers shared by the email authentication checks (SPF, DMARC, DKIM,
// MTA-STS, TLS-RPT): the tag=value lists of their TXT records, the
// organisational domain, and whether the domain handles mail at all.

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// emailTag is one tag=value pair of a DKIM, DMARC, MTA-STS or TLS-RPT
// record (RFC 6376 3.2 tag-list).
type emailTag struct {
	Name  string
	Value string
}

// maxEmailTags bounds the tags read from one record.
const maxEmailTags = 64

// parseTagList reads a tag-list: tag=value pairs separated by ';',
// whitespace around names and values ignored. It returns the tags in order
// and the problems found (a pair without '=', a bad tag name, a duplicate
// tag). Empty elements (";;", a trailing ';') are allowed.
func parseTagList(s string) ([]emailTag, []string) {
	var tags []emailTag
	var problems []string
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		part = trimFWS(part)
		if part == "" {
			continue
		}
		if len(tags) >= maxEmailTags {
			problems = append(problems, fmt.Sprintf("more than %d tags", maxEmailTags))
			break
		}
		name, value, ok := strings.Cut(part, "=")
		name, value = trimFWS(name), trimFWS(value)
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a tag=value pair", mailClip(part, 40)))
			continue
		}
		if !validTagName(name) {
			problems = append(problems, fmt.Sprintf("bad tag name %q", mailClip(name, 40)))
			continue
		}
		for _, c := range value {
			if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f {
				problems = append(problems, fmt.Sprintf("tag %s has a control character in its value", name))
				break
			}
		}
		if seen[name] {
			problems = append(problems, fmt.Sprintf("tag %s appears more than once", name))
			continue
		}
		seen[name] = true
		tags = append(tags, emailTag{Name: name, Value: value})
	}
	return tags, problems
}

// trimFWS trims spaces, tabs and line breaks (folding white space).
func trimFWS(s string) string { return strings.Trim(s, " \t\r\n") }

// validTagName reports ALPHA *(ALPHA / DIGIT / "_").
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		alpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '_')) {
			return false
		}
	}
	return true
}

// emailTagValue returns the value of a tag and whether it is present.
func emailTagValue(tags []emailTag, name string) (string, bool) {
	for _, t := range tags {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// mailClip shortens s to n bytes for messages.
func mailClip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// mailOrgDomain is the organisational domain of a name (RFC 7489 3.2): the
// registrable domain by the public suffix list, or the name itself when
// the list does not know it.
func mailOrgDomain(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	org, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return name
	}
	return org
}

// mailTXT returns the TXT records of a name that begin with prefix
// (compared case-insensitively) followed by the end, a space or a ';';
// every TXT record for an empty prefix.
// A name that does not exist or has no TXT record gives no records and no
// error; void reports that case (RFC 7208 4.6.4 void lookup).
func mailTXT(ctx context.Context, s *Session, name, prefix string) (recs []string, void bool, err error) {
	txts, err := s.DNS.TXT(ctx, name)
	if errors.Is(err, ErrNXDomain) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading TXT records of %s: %w", name, err)
	}
	for _, t := range txts {
		if prefix == "" {
			recs = append(recs, t)
			continue
		}
		if len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix) {
			if rest := t[len(prefix):]; rest == "" || rest[0] == ' ' || rest[0] == ';' || rest[0] == '\t' {
				recs = append(recs, t)
			}
		}
	}
	return recs, len(txts) == 0, nil
}

// mailRole says whether a domain receives mail (has an MX record other
// than the null MX of RFC 7505) and sends mail (its SPF record is not
// just "v=spf1 -all"). Unknown answers (DNS errors) count as yes.
type mailRole struct {
	Receives bool
	Sends    bool
}

// domainMailRole reads the MX and SPF records of the session's domain
// (cached by the resolver, so every email check may ask).
func domainMailRole(ctx context.Context, s *Session) mailRole {
	role := mailRole{Receives: true, Sends: true}
	mx, err := s.DNS.MX(ctx, s.Domain)
	if err == nil || errors.Is(err, ErrNXDomain) {
		role.Receives = false
		for _, h := range mx {
			if h != "" {
				role.Receives = true
			}
		}
	}
	recs, _, err := mailTXT(ctx, s, s.Domain, "v=spf1")
	if err == nil && len(recs) == 1 {
		f := strings.Fields(strings.ToLower(recs[0]))
		if len(f) == 2 && f[1] == "-all" {
			role.Sends = false
		}
	}
	return role
}

// emailSkipped reports (with a diagnostic) a domain that neither sends
// nor receives mail: no MX record and SPF "v=spf1 -all" is all such a
// domain needs, so the email checks have nothing to say.
func emailSkipped(ctx context.Context, s *Session) (mailRole, bool) {
	role := domainMailRole(ctx, s)
	if !role.Receives && !role.Sends {
		s.Diag("email", "%s has no MX record and its SPF record is \"v=spf1 -all\": it sends and receives no mail, so the email authentication checks are skipped", s.Domain)
		return role, true
	}
	return role, false
}

// mailSubject is the subject of a finding about a DNS record.
func mailSubject(name, rtype string) string { return "dns:" + name + " " + rtype }
