package posture

// A parser of DMARC records (RFC 7489 section 6.3 and 6.4, with the tags
// DMARCbis adds: np, psd, t).

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// maxDMARCURIs bounds the report URIs read from one tag.
const maxDMARCURIs = 20

// dmarcRecord is a parsed DMARC record.
type dmarcRecord struct {
	Policy    string // p: none, quarantine or reject; "" when missing or invalid
	SubPolicy string // sp; "" when absent
	Pct       int    // pct, 100 when absent
	RUA       []dmarcURI
	RUF       []dmarcURI
	Tags      []emailTag
	Problems  []string // syntax errors
	Unknown   []string // unknown tags (ignored by receivers)
	// Unusable is set when receivers discard the record: no v=DMARC1
	// first, or no valid p= and no valid rua= (RFC 7489 6.6.3).
	Unusable bool
}

// dmarcURI is one report address of rua or ruf.
type dmarcURI struct {
	Raw    string
	Scheme string // lower-case: mailto, https...
	Domain string // the domain of a mailto address, lower-case
}

// dmarcMissingSemicolon matches a value holding another tag ("DMARC1
// p=reject").
var dmarcMissingSemicolon = regexp.MustCompile(`[ \t][A-Za-z][A-Za-z0-9_]*[ \t]*=`)

// dmarcPolicies are the values of p, sp and np.
var dmarcPolicies = map[string]bool{"none": true, "quarantine": true, "reject": true}

// isDMARC reports a TXT record whose first tag is v=DMARC1 (compared
// case-insensitively, as receivers select records).
func isDMARC(txt string) bool {
	first, _, _ := strings.Cut(txt, ";")
	name, value, ok := strings.Cut(first, "=")
	return ok && trimFWS(name) == "v" && strings.EqualFold(trimFWS(value), "DMARC1")
}

// parseDMARC reads a DMARC record.
func parseDMARC(txt string) *dmarcRecord {
	rec := &dmarcRecord{Pct: 100}
	tags, problems := parseTagList(txt)
	rec.Tags = tags
	rec.Problems = problems
	if len(tags) == 0 || tags[0].Name != "v" || tags[0].Value != "DMARC1" {
		rec.Problems = append(rec.Problems, "the record must start with v=DMARC1")
		rec.Unusable = true
	}
	validRUA := false
	for i, t := range tags {
		bad := func(format string, args ...any) {
			rec.Problems = append(rec.Problems, fmt.Sprintf("%s=%s: ", t.Name, mailClip(t.Value, 40))+fmt.Sprintf(format, args...))
		}
		if dmarcMissingSemicolon.MatchString(t.Value) {
			bad("looks like several tags: a ';' is missing between them")
			continue
		}
		switch t.Name {
		case "v":
			if i != 0 {
				bad("v must be the first tag")
			}
		case "p", "sp", "np":
			v := strings.ToLower(t.Value)
			if !dmarcPolicies[v] {
				bad("want none, quarantine or reject")
				continue
			}
			switch t.Name {
			case "p":
				rec.Policy = v
			case "sp":
				rec.SubPolicy = v
			}
		case "pct":
			n, err := strconv.Atoi(t.Value)
			if err != nil || n < 0 || n > 100 || len(t.Value) > 3 {
				bad("want a whole number from 0 to 100")
				continue
			}
			rec.Pct = n
		case "rua", "ruf":
			uris, ps := parseDMARCURIs(t.Value)
			for _, p := range ps {
				bad("%s", p)
			}
			if t.Name == "rua" {
				rec.RUA = uris
				validRUA = len(uris) > 0
			} else {
				rec.RUF = uris
			}
		case "adkim", "aspf":
			if v := strings.ToLower(t.Value); v != "r" && v != "s" {
				bad("want r (relaxed) or s (strict)")
			}
		case "fo":
			for _, o := range strings.Split(t.Value, ":") {
				if o = trimFWS(o); o != "0" && o != "1" && o != "d" && o != "s" {
					bad("want options 0, 1, d or s separated by ':'")
					break
				}
			}
		case "rf":
			for _, f := range strings.Split(t.Value, ",") {
				if f = strings.ToLower(trimFWS(f)); f != "afrf" && f != "iodef" {
					bad("want afrf")
					break
				}
			}
		case "ri":
			if n, err := strconv.ParseUint(t.Value, 10, 32); err != nil || n == 0 {
				bad("want a number of seconds")
			}
		case "psd":
			if v := strings.ToLower(t.Value); v != "y" && v != "n" && v != "u" {
				bad("want y, n or u")
			}
		case "t":
			if v := strings.ToLower(t.Value); v != "y" && v != "n" {
				bad("want y or n")
			}
		default:
			rec.Unknown = append(rec.Unknown, t.Name)
		}
	}
	if rec.Policy == "" {
		if _, present := emailTagValue(tags, "p"); !present {
			rec.Problems = append(rec.Problems, "no p= tag")
		}
		if !validRUA {
			rec.Unusable = true
		}
	}
	return rec
}

// parseDMARCURIs reads a comma-separated list of DMARC URIs, each an
// absolute URI with an optional "!" size limit (RFC 7489 6.4).
func parseDMARCURIs(v string) ([]dmarcURI, []string) {
	var out []dmarcURI
	var problems []string
	for _, raw := range strings.Split(v, ",") {
		raw = trimFWS(raw)
		if raw == "" {
			problems = append(problems, "an empty URI")
			continue
		}
		if len(out) >= maxDMARCURIs {
			problems = append(problems, fmt.Sprintf("more than %d URIs", maxDMARCURIs))
			break
		}
		u := raw
		if i := strings.LastIndexByte(raw, '!'); i >= 0 {
			size := strings.ToLower(raw[i+1:])
			size = strings.TrimRight(size, "kmgt")
			if _, err := strconv.ParseUint(size, 10, 63); err != nil || len(raw)-i-1-len(size) > 1 {
				problems = append(problems, fmt.Sprintf("%q: bad size limit after '!'", mailClip(raw, 60)))
				continue
			}
			u = raw[:i]
		}
		parsed, err := url.Parse(u)
		if err != nil || parsed.Scheme == "" {
			problems = append(problems, fmt.Sprintf("%q is not a URI (want mailto:ADDRESS)", mailClip(raw, 60)))
			continue
		}
		d := dmarcURI{Raw: raw, Scheme: strings.ToLower(parsed.Scheme)}
		switch d.Scheme {
		case "mailto":
			addr := parsed.Opaque
			if addr == "" {
				addr = parsed.Path
			}
			addr, _, _ = strings.Cut(addr, "?")
			if a, err := url.PathUnescape(addr); err == nil {
				addr = a
			}
			local, domain, ok := strings.Cut(addr, "@")
			domain = strings.ToLower(strings.TrimSuffix(domain, "."))
			if !ok || local == "" || !dmarcDomainOK(domain) {
				problems = append(problems, fmt.Sprintf("%q is not a mail address", mailClip(raw, 60)))
				continue
			}
			d.Domain = domain
		case "https", "http":
			d.Domain = strings.ToLower(parsed.Hostname())
		}
		out = append(out, d)
	}
	return out, problems
}

// dmarcDomainOK reports a plausible DNS name with at least two labels.
func dmarcDomainOK(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, l := range strings.Split(d, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(spfAlpha(c) || spfDigit(c) || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
