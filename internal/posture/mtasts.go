package posture

// Parsers of MTA-STS (RFC 8461: the _mta-sts TXT record and the policy
// file) and TLS-RPT (RFC 8460: the _smtp._tls TXT record).

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Bounds of the MTA-STS policy parser.
const (
	mtastsMaxLines  = 1000
	mtastsMaxMX     = 100
	mtastsMaxMaxAge = 31557600 // RFC 8461 3.2: one year
)

// mtastsPolicy is a parsed MTA-STS policy file.
type mtastsPolicy struct {
	Version  string
	Mode     string   // enforce, testing or none
	MX       []string // patterns, lower-case: "mail.example.com", "*.example.net"
	MaxAge   int64    // seconds; -1 when missing or invalid
	Problems []string
}

// parseMTASTSPolicy reads a policy: "key: value" lines separated by CRLF
// (or LF); version, mode and max_age are required, mx too unless the mode
// is none; unknown keys are ignored (RFC 8461 3.2).
func parseMTASTSPolicy(body string) *mtastsPolicy {
	p := &mtastsPolicy{MaxAge: -1}
	seen := map[string]bool{}
	lines := strings.Split(body, "\n")
	if len(lines) > mtastsMaxLines {
		p.Problems = append(p.Problems, fmt.Sprintf("more than %d lines", mtastsMaxLines))
		lines = lines[:mtastsMaxLines]
	}
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			p.Problems = append(p.Problems, fmt.Sprintf("line %d %q is not \"key: value\"", i+1, mailClip(line, 40)))
			continue
		}
		key, value = strings.TrimSpace(key), strings.Trim(value, " \t")
		if key != "mx" && seen[key] && (key == "version" || key == "mode" || key == "max_age") {
			p.Problems = append(p.Problems, fmt.Sprintf("line %d: %s appears more than once", i+1, key))
			continue
		}
		seen[key] = true
		switch key {
		case "version":
			p.Version = value
			if value != "STSv1" {
				p.Problems = append(p.Problems, fmt.Sprintf("line %d: version %q (want STSv1)", i+1, mailClip(value, 20)))
			}
		case "mode":
			if value != "enforce" && value != "testing" && value != "none" {
				p.Problems = append(p.Problems, fmt.Sprintf("line %d: mode %q (want enforce, testing or none)", i+1, mailClip(value, 20)))
				continue
			}
			p.Mode = value
		case "max_age":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || len(value) > 10 || n < 0 || value[0] == '+' {
				p.Problems = append(p.Problems, fmt.Sprintf("line %d: max_age %q is not a number of seconds", i+1, mailClip(value, 20)))
				continue
			}
			if n > mtastsMaxMaxAge {
				p.Problems = append(p.Problems, fmt.Sprintf("line %d: max_age %d is over the maximum of %d (one year)", i+1, n, mtastsMaxMaxAge))
				continue
			}
			p.MaxAge = n
		case "mx":
			if len(p.MX) >= mtastsMaxMX {
				p.Problems = append(p.Problems, fmt.Sprintf("more than %d mx lines", mtastsMaxMX))
				continue
			}
			pat := strings.ToLower(strings.TrimSuffix(value, "."))
			if !mtastsPatternOK(pat) {
				p.Problems = append(p.Problems, fmt.Sprintf("line %d: mx %q is not a host name or *.domain pattern", i+1, mailClip(value, 60)))
				continue
			}
			p.MX = append(p.MX, pat)
		}
	}
	if p.Version == "" && !seen["version"] {
		p.Problems = append(p.Problems, "no version: STSv1 line")
	}
	if p.Mode == "" && !seen["mode"] {
		p.Problems = append(p.Problems, "no mode line")
	}
	if p.MaxAge < 0 && !seen["max_age"] {
		p.Problems = append(p.Problems, "no max_age line")
	}
	if p.Mode != "" && p.Mode != "none" && len(p.MX) == 0 && !seen["mx"] {
		p.Problems = append(p.Problems, "no mx line: with mode "+p.Mode+" the policy must list the mail servers")
	}
	return p
}

// mtastsPatternOK reports a host name, or "*." and a domain.
func mtastsPatternOK(pat string) bool {
	pat = strings.TrimPrefix(pat, "*.")
	if pat == "" || len(pat) > 253 || !strings.Contains(pat, ".") && pat != "localhost" {
		return false
	}
	for _, l := range strings.Split(pat, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !(spfAlpha(c) || spfDigit(c) || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// mtastsMatch reports whether an MX host matches a policy mx pattern: the
// same name, or "*.domain" for a name with exactly one more label (RFC
// 8461 4.1).
func mtastsMatch(pattern, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	pattern = strings.ToLower(strings.TrimSuffix(pattern, "."))
	if rest, ok := strings.CutPrefix(pattern, "*."); ok {
		label, parent, found := strings.Cut(host, ".")
		return found && label != "" && parent == rest
	}
	return host == pattern
}

// isMTASTSRecord reports a TXT record whose first tag is v=STSv1.
func isMTASTSRecord(txt string) bool {
	tags, _ := parseTagList(txt)
	return len(tags) > 0 && tags[0].Name == "v" && tags[0].Value == "STSv1"
}

// parseMTASTSRecord reads the _mta-sts TXT record: v=STSv1 first and an
// id of 1 to 32 letters and digits (RFC 8461 3.1). It returns the id and
// the problems.
func parseMTASTSRecord(txt string) (string, []string) {
	tags, problems := parseTagList(txt)
	if len(tags) == 0 || tags[0].Name != "v" || tags[0].Value != "STSv1" {
		problems = append(problems, "the record must start with v=STSv1")
	}
	id, ok := emailTagValue(tags, "id")
	switch {
	case !ok:
		problems = append(problems, "no id= tag")
	case id == "" || len(id) > 32 || strings.IndexFunc(id, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) >= 0:
		problems = append(problems, fmt.Sprintf("id %q is not 1 to 32 letters and digits", mailClip(id, 40)))
	}
	return id, problems
}

// isTLSRPTRecord reports a TXT record whose first tag is v=TLSRPTv1.
func isTLSRPTRecord(txt string) bool {
	tags, _ := parseTagList(txt)
	return len(tags) > 0 && tags[0].Name == "v" && tags[0].Value == "TLSRPTv1"
}

// parseTLSRPTRecord reads the _smtp._tls TXT record: v=TLSRPTv1 first and
// rua= with one or more mailto: or https: URIs separated by commas (RFC
// 8460 3). It returns the problems.
func parseTLSRPTRecord(txt string) []string {
	tags, problems := parseTagList(txt)
	if len(tags) == 0 || tags[0].Name != "v" || tags[0].Value != "TLSRPTv1" {
		problems = append(problems, "the record must start with v=TLSRPTv1")
	}
	rua, ok := emailTagValue(tags, "rua")
	if !ok {
		return append(problems, "no rua= tag (where reports go)")
	}
	for i, raw := range strings.Split(rua, ",") {
		if i >= maxDMARCURIs {
			return append(problems, fmt.Sprintf("more than %d rua URIs", maxDMARCURIs))
		}
		raw = trimFWS(raw)
		u, err := url.Parse(raw)
		switch {
		case err != nil || u.Scheme == "":
			problems = append(problems, fmt.Sprintf("rua %q is not a URI", mailClip(raw, 60)))
		case strings.EqualFold(u.Scheme, "mailto"):
			addr := u.Opaque
			if addr == "" {
				addr = u.Path
			}
			local, domain, found := strings.Cut(addr, "@")
			if !found || local == "" || !dmarcDomainOK(strings.ToLower(domain)) {
				problems = append(problems, fmt.Sprintf("rua %q is not a mail address", mailClip(raw, 60)))
			}
		case strings.EqualFold(u.Scheme, "https"):
			if u.Host == "" {
				problems = append(problems, fmt.Sprintf("rua %q has no host", mailClip(raw, 60)))
			}
		default:
			problems = append(problems, fmt.Sprintf("rua %q: want mailto: or https:", mailClip(raw, 60)))
		}
	}
	return problems
}
