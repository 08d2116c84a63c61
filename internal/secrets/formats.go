// Package secrets recognises secret values: keys in known formats (AWS,
// GitHub, Slack, Stripe, Google and others), private-key blocks, JSON Web
// Tokens, string values given to secret-looking names, passwords in
// connection URLs and the values of .env files. The rules that report
// secrets (FA403, FA407, FA408, FA409, FA206) ask it, and Collect lists
// every secret value of a scanned tree so that the reports mask them
// wherever they appear.
package secrets

import (
	"regexp"
	"strings"
)

// Format is a key format recognised by its shape alone, wherever it
// appears.
type Format struct {
	// Name says what the key is, as a finding's message words it
	// ("an AWS access key id").
	Name string
	// Hints are literals one of which every match contains: most strings
	// contain none, and looking for them is far cheaper than matching.
	Hints []string
	// RE matches the key.
	RE *regexp.Regexp
	// Header is true for the first line of a block (a PEM private key)
	// whose secret is the body that follows, not the match itself.
	Header bool
}

// Formats are the known key formats, most specific first.
var Formats = []Format{
	{Name: "an AWS access key id", Hints: []string{"AKIA", "ASIA"}, RE: regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
	{Name: "a GitHub token", Hints: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"}, RE: regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}\b`)},
	{Name: "a GitHub token", Hints: []string{"github_pat_"}, RE: regexp.MustCompile(`\bgithub_pat_[A-Za-z0-9_]{22,}`)},
	{Name: "a Slack token", Hints: []string{"xox"}, RE: regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
	{Name: "a Stripe secret key", Hints: []string{"k_live_"}, RE: regexp.MustCompile(`\b[rs]k_live_[0-9a-zA-Z]{16,}`)},
	{Name: "a Google API key", Hints: []string{"AIza"}, RE: regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{Name: "an OpenAI API key", Hints: []string{"T3BlbkFJ"}, RE: regexp.MustCompile(`\bsk-(proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}`)},
	{Name: "a SendGrid API key", Hints: []string{"SG."}, RE: regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`)},
	{Name: "a private key", Hints: []string{"PRIVATE KEY"}, RE: privateKeyHeaderRE, Header: true},
	{Name: "a JSON Web Token", Hints: []string{"eyJ"}, RE: regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
}

// privateKeyHeaderRE is the first line of a PEM private key.
var privateKeyHeaderRE = regexp.MustCompile(`-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----`)

// Known returns the first key in a known format that s holds: what it is
// and the matched text ("", "" when none). For a private key the match is
// the block's header line.
func Known(s string) (name, value string) {
	for i := range Formats {
		k := &Formats[i]
		if !containsAny(s, k.Hints) {
			continue
		}
		if m := k.RE.FindString(s); m != "" {
			return k.Name, m
		}
	}
	return "", ""
}

// PrivateKeyHeader reports a line that begins a PEM private-key block.
func PrivateKeyHeader(line string) bool {
	return strings.Contains(line, "PRIVATE KEY") && privateKeyHeaderRE.MatchString(line)
}

// knownValues calls add with every key in a known format in text, and
// with the body of every private-key block.
func knownValues(text string, add func(string)) {
	for i := range Formats {
		k := &Formats[i]
		if !containsAny(text, k.Hints) {
			continue
		}
		for _, loc := range k.RE.FindAllStringIndex(text, -1) {
			if k.Header {
				pemBody(text[loc[1]:], add)
				continue
			}
			add(text[loc[0]:loc[1]])
		}
	}
}

// maxPEMBody bounds how far after a private-key header the body is looked
// for: an RSA-8192 key is under 7 kB.
const maxPEMBody = 16 << 10

// minPEMRun is the shortest run of base64 characters taken as a piece of a
// key's body: a whole PEM line has 64, and shorter runs are the header
// fields ("Proc-Type: 4,ENCRYPTED") and line ends.
const minPEMRun = 16

// pemBody calls add with each line of the base64 body of a private key
// that starts text (the rest of the text after its header line), up to
// the END line. Lines are split on newlines, and on the two characters
// \n that a Python string literal writes for one, so that every piece is
// a substring of the source as a snippet quotes it.
func pemBody(text string, add func(string)) {
	if len(text) > maxPEMBody {
		text = text[:maxPEMBody]
	}
	if end := strings.Index(text, "-----END"); end >= 0 {
		text = text[:end]
	}
	start := -1
	for i := 0; i <= len(text); i++ {
		if i < len(text) && isBase64(text[i]) && !(text[i] == 'n' && i > 0 && text[i-1] == '\\') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= minPEMRun {
			add(text[start:i])
		}
		start = -1
	}
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
