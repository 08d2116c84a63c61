package posture

// A parser of SPF records (RFC 7208 section 4.5 and 12): the version,
// directives (qualifier and mechanism) and modifiers, with the syntax of
// domain-specs, macros, IP networks and CIDR lengths checked. It resolves
// nothing; check_spf.go walks the includes.

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// maxSPFTerms bounds the terms read from one record.
const maxSPFTerms = 200

// spfTerm is one directive or modifier of an SPF record.
type spfTerm struct {
	Raw       string
	Qualifier byte   // '+', '-', '~' or '?' for a mechanism ('+' when not written); 0 for a modifier
	Name      string // mechanism or modifier name, lower-case
	Modifier  bool
	Domain    string // domain-spec of include, exists, a, mx, ptr, redirect, exp; "" when not given
	Macro     bool   // Domain holds a macro, so it names no fixed domain
	Network   string // the address of ip4 and ip6
	CIDR4     int    // ip4 (or a, mx) prefix length; -1 when not given
	CIDR6     int    // ip6 (or a, mx "//") prefix length; -1 when not given
}

// spfRecord is a parsed SPF record.
type spfRecord struct {
	Terms    []spfTerm
	Problems []string // syntax errors: receivers return permerror
	Unknown  []string // unknown modifiers: receivers ignore them (a typo?)
}

// spfMechanisms are the mechanisms of RFC 7208 section 5.
var spfMechanisms = map[string]bool{"all": true, "include": true, "a": true, "mx": true, "ptr": true, "ip4": true, "ip6": true, "exists": true}

// spfLookupTerms are the terms that make DNS queries (RFC 7208 4.6.4).
var spfLookupTerms = map[string]bool{"include": true, "a": true, "mx": true, "ptr": true, "exists": true, "redirect": true}

// isSPF reports whether a TXT record is an SPF record: "v=spf1" alone or
// followed by a space (RFC 7208 4.5).
func isSPF(txt string) bool {
	return len(txt) >= 6 && strings.EqualFold(txt[:6], "v=spf1") && (len(txt) == 6 || txt[6] == ' ')
}

// parseSPF reads an SPF record.
func parseSPF(txt string) *spfRecord {
	rec := &spfRecord{}
	if !isSPF(txt) {
		rec.Problems = append(rec.Problems, fmt.Sprintf("%q does not start with \"v=spf1 \"", mailClip(txt, 20)))
		return rec
	}
	seenMod := map[string]bool{}
	for _, raw := range strings.Split(txt[6:], " ") {
		if raw == "" {
			continue
		}
		if len(rec.Terms) >= maxSPFTerms {
			rec.Problems = append(rec.Problems, fmt.Sprintf("more than %d terms", maxSPFTerms))
			break
		}
		t, problem := parseSPFTerm(raw)
		if problem != "" {
			rec.Problems = append(rec.Problems, fmt.Sprintf("%q: %s", mailClip(raw, 60), problem))
			continue
		}
		if t.Modifier {
			if seenMod[t.Name] && (t.Name == "redirect" || t.Name == "exp") {
				rec.Problems = append(rec.Problems, fmt.Sprintf("%q: the %s modifier appears more than once", mailClip(raw, 60), t.Name))
				continue
			}
			seenMod[t.Name] = true
			if t.Name != "redirect" && t.Name != "exp" {
				rec.Unknown = append(rec.Unknown, t.Name)
			}
		}
		rec.Terms = append(rec.Terms, t)
	}
	return rec
}

// all returns the record's "all" mechanism, if any.
func (r *spfRecord) all() (spfTerm, bool) {
	for _, t := range r.Terms {
		if !t.Modifier && t.Name == "all" {
			return t, true
		}
	}
	return spfTerm{}, false
}

// modifier returns the value of a modifier, if present.
func (r *spfRecord) modifier(name string) (spfTerm, bool) {
	for _, t := range r.Terms {
		if t.Modifier && t.Name == name {
			return t, true
		}
	}
	return spfTerm{}, false
}

// spfDualCIDR splits the optional "/n" and "//n" lengths off the end of
// the argument of a and mx.
var spfDualCIDR = regexp.MustCompile(`^(.*?)(?:/([0-9]+))?(?://([0-9]+))?$`)

// parseSPFTerm reads one term; the problem is "" when it is well formed.
func parseSPFTerm(raw string) (spfTerm, string) {
	t := spfTerm{Raw: raw, CIDR4: -1, CIDR6: -1}
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x21 || raw[i] > 0x7e {
			return t, fmt.Sprintf("character %q not allowed", raw[i])
		}
	}
	// A modifier is name "=" value, the name ALPHA *(ALPHA / DIGIT / "-" / "_" / ".").
	if n := spfNameLen(raw); n > 0 && n < len(raw) && raw[n] == '=' {
		t.Modifier = true
		t.Name = strings.ToLower(raw[:n])
		value := raw[n+1:]
		switch t.Name {
		case "redirect", "exp":
			t.Domain = value
			macro, problem := checkSPFDomainSpec(value)
			t.Macro = macro
			return t, problem
		default:
			_, problem := checkSPFMacroString(value)
			return t, problem
		}
	}
	rest := raw
	t.Qualifier = '+'
	if strings.IndexByte("+-~?", rest[0]) >= 0 {
		t.Qualifier = rest[0]
		rest = rest[1:]
	}
	if rest == "" {
		return t, "a qualifier without a mechanism"
	}
	if n := spfNameLen(rest); n > 0 && n < len(rest) && rest[n] == '=' {
		return t, "a modifier takes no qualifier"
	}
	if !spfAlpha(rest[0]) {
		if spfDigit(rest[0]) {
			return t, "a term must start with a qualifier or a letter"
		}
		return t, fmt.Sprintf("bad qualifier %q (want +, -, ~ or ?)", rest[0])
	}
	end := strings.IndexAny(rest, ":/")
	if end < 0 {
		end = len(rest)
	}
	t.Name = strings.ToLower(rest[:end])
	arg := rest[end:]
	if !spfMechanisms[t.Name] {
		return t, fmt.Sprintf("unknown mechanism %q", mailClip(t.Name, 30))
	}
	switch t.Name {
	case "all":
		if arg != "" {
			return t, "all takes no argument"
		}
	case "include", "exists":
		if !strings.HasPrefix(arg, ":") {
			return t, fmt.Sprintf("%s needs a domain (%s:DOMAIN)", t.Name, t.Name)
		}
		t.Domain = arg[1:]
		macro, problem := checkSPFDomainSpec(t.Domain)
		t.Macro = macro
		return t, problem
	case "ptr":
		if arg == "" {
			return t, ""
		}
		if !strings.HasPrefix(arg, ":") {
			return t, "ptr takes no CIDR length"
		}
		t.Domain = arg[1:]
		macro, problem := checkSPFDomainSpec(t.Domain)
		t.Macro = macro
		return t, problem
	case "a", "mx":
		m := spfDualCIDR.FindStringSubmatch(arg)
		domain := m[1]
		if m[2] != "" {
			n, problem := spfCIDR(m[2], 32)
			if problem != "" {
				return t, problem
			}
			t.CIDR4 = n
		}
		if m[3] != "" {
			n, problem := spfCIDR(m[3], 128)
			if problem != "" {
				return t, problem
			}
			t.CIDR6 = n
		}
		if domain == "" {
			return t, ""
		}
		if !strings.HasPrefix(domain, ":") {
			return t, fmt.Sprintf("bad argument %q (want %s, %s:DOMAIN, %s/24 or %s//64)", mailClip(arg, 30), t.Name, t.Name, t.Name, t.Name)
		}
		t.Domain = domain[1:]
		macro, problem := checkSPFDomainSpec(t.Domain)
		t.Macro = macro
		return t, problem
	case "ip4", "ip6":
		if !strings.HasPrefix(arg, ":") || len(arg) == 1 {
			return t, fmt.Sprintf("%s needs an address (%s:ADDRESS[/LENGTH])", t.Name, t.Name)
		}
		network, length, hasLen := strings.Cut(arg[1:], "/")
		t.Network = network
		a, err := netip.ParseAddr(network)
		switch {
		case err != nil || a.Zone() != "":
			return t, fmt.Sprintf("%q is not an IP address", mailClip(network, 40))
		case t.Name == "ip4" && !a.Is4():
			return t, fmt.Sprintf("%q is not an IPv4 address", network)
		case t.Name == "ip6" && a.Is4():
			return t, fmt.Sprintf("%q is not an IPv6 address (use ip4)", network)
		}
		if hasLen {
			limit := 32
			if t.Name == "ip6" {
				limit = 128
			}
			n, problem := spfCIDR(length, limit)
			if problem != "" {
				return t, problem
			}
			if t.Name == "ip4" {
				t.CIDR4 = n
			} else {
				t.CIDR6 = n
			}
		}
	}
	return t, ""
}

// spfNameLen is the length of the modifier name at the start of s, or 0.
func spfNameLen(s string) int {
	if s == "" || !spfAlpha(s[0]) {
		return 0
	}
	i := 1
	for i < len(s) && (spfAlpha(s[i]) || spfDigit(s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.') {
		i++
	}
	return i
}

// spfCIDR reads a prefix length: "0", or a number without leading zero
// up to limit.
func spfCIDR(s string, limit int) (int, string) {
	if s == "" || len(s) > 3 || (s[0] == '0' && len(s) > 1) {
		return 0, fmt.Sprintf("bad CIDR length /%s", mailClip(s, 10))
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > limit {
		return 0, fmt.Sprintf("bad CIDR length /%s (0 to %d)", mailClip(s, 10), limit)
	}
	return n, ""
}

// checkSPFMacroString checks a macro-string: literal visible characters
// and macros %{LETTER DIGITS [r] DELIMITERS}, %%, %_ and %-. It reports
// whether the string holds a macro.
func checkSPFMacroString(s string) (macro bool, problem string) {
	_, macro, problem = scanSPFMacros(s)
	return macro, problem
}

// scanSPFMacros checks a macro-string and returns where its last macro
// expansion ends (-1 for none).
func scanSPFMacros(s string) (lastExpandEnd int, macro bool, problem string) {
	lastExpandEnd = -1
	for i := 0; i < len(s); {
		c := s[i]
		if c < 0x21 || c > 0x7e {
			return lastExpandEnd, macro, fmt.Sprintf("character %q not allowed", c)
		}
		if c != '%' {
			i++
			continue
		}
		if i+1 >= len(s) {
			return lastExpandEnd, macro, "a lone '%' (write %% for a percent sign)"
		}
		switch s[i+1] {
		case '%', '_', '-':
			i += 2
			continue
		case '{':
		default:
			return lastExpandEnd, macro, fmt.Sprintf("bad macro %q (want %%{LETTER}, %%%%, %%_ or %%-)", s[i:i+2])
		}
		closeAt := strings.IndexByte(s[i:], '}')
		if closeAt < 0 {
			return lastExpandEnd, macro, "a macro without its closing '}'"
		}
		body := s[i+2 : i+closeAt]
		if p := checkSPFMacroBody(body); p != "" {
			return lastExpandEnd, macro, fmt.Sprintf("bad macro %%{%s}: %s", mailClip(body, 20), p)
		}
		macro = true
		i += closeAt + 1
		lastExpandEnd = i
	}
	return lastExpandEnd, macro, ""
}

// checkSPFMacroBody checks LETTER *DIGIT ["r"] *DELIMITER (RFC 7208 7.1);
// the letters c, r and t are for explanation strings only.
func checkSPFMacroBody(b string) string {
	if b == "" {
		return "no macro letter"
	}
	if strings.IndexByte("slodiphvSLODIPHV", b[0]) < 0 {
		return fmt.Sprintf("unknown macro letter %q", b[0])
	}
	i := 1
	start := i
	for i < len(b) && spfDigit(b[i]) {
		i++
	}
	if i > start {
		n, err := strconv.Atoi(b[start:i])
		if err != nil || n == 0 || n > 128 {
			return "the digit transformer must be 1 to 128"
		}
	}
	if i < len(b) && (b[i] == 'r' || b[i] == 'R') {
		i++
	}
	for ; i < len(b); i++ {
		if strings.IndexByte(".-+,/_=", b[i]) < 0 {
			return fmt.Sprintf("bad delimiter %q", b[i])
		}
	}
	return ""
}

// checkSPFDomainSpec checks a domain-spec: a macro-string ending in a
// macro or in "." and a top label (not all digits) with an optional final
// dot. Without macros the name must also be a valid DNS name.
func checkSPFDomainSpec(s string) (macro bool, problem string) {
	if s == "" {
		return false, "empty domain"
	}
	last, macro, problem := scanSPFMacros(s)
	if problem != "" {
		return macro, problem
	}
	if last == len(s) {
		return macro, ""
	}
	name := strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || dot < last {
		return macro, fmt.Sprintf("%q is not a domain name (it needs a dot and a top-level label)", mailClip(s, 60))
	}
	if !spfTopLabel(name[dot+1:]) {
		return macro, fmt.Sprintf("%q does not end in a valid top-level label", mailClip(s, 60))
	}
	if !macro {
		if len(name) > 253 {
			return false, "domain name longer than 253 characters"
		}
		for _, l := range strings.Split(name, ".") {
			if l == "" || len(l) > 63 {
				return false, fmt.Sprintf("%q has an empty or over-long label", mailClip(s, 60))
			}
		}
	}
	return macro, ""
}

// spfTopLabel reports a top label: letters, digits and inner hyphens, not
// all digits.
func spfTopLabel(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	letterOrHyphen := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case spfAlpha(c) || c == '-':
			letterOrHyphen = true
		case spfDigit(c):
		default:
			return false
		}
	}
	return letterOrHyphen
}

func spfAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func spfDigit(c byte) bool { return c >= '0' && c <= '9' }
