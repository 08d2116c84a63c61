// Package finding holds what fastapi-audit reports: findings with their
// severity, confidence, location, evidence and fingerprint, and diagnostics
// about input it could not read.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Severity ranks how bad a finding is.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < Info || s > Critical {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(n, name) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (critical, high, medium, low, info)", name)
}

// SecuritySeverity is the score GitHub code scanning ranks results by.
func (s Severity) SecuritySeverity() float64 {
	return [...]float64{1.0, 3.0, 5.5, 8.0, 9.5}[s]
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Confidence says how sure the evidence is.
type Confidence int

// Confidence levels.
const (
	LowConfidence Confidence = iota
	MediumConfidence
	HighConfidence
)

var confidenceNames = [...]string{"low", "medium", "high"}

func (c Confidence) String() string {
	if c < LowConfidence || c > HighConfidence {
		return "unknown"
	}
	return confidenceNames[c]
}

// MarshalText writes the confidence's name.
func (c Confidence) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a confidence name.
func (c *Confidence) UnmarshalText(b []byte) error {
	for i, n := range confidenceNames {
		if n == string(b) {
			*c = Confidence(i)
			return nil
		}
	}
	return fmt.Errorf("unknown confidence %q", b)
}

// Location is a range in a source file. Lines are 1-based; columns are
// 1-based and count Unicode code points.
type Location struct {
	File      string `json:"file"`          // slash path relative to the scan root; "" for live findings
	URL       string `json:"url,omitempty"` // the URL a live (probe) finding is about
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
}

func (l Location) String() string {
	if l.File == "" && l.URL != "" {
		return l.URL
	}
	return fmt.Sprintf("%s:%d:%d", l.File, l.Line, l.Column)
}

// Step is one step of evidence, such as a hop of a taint path.
type Step struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
}

// Suppression records why a finding is not counted.
type Suppression struct {
	Kind          string `json:"kind"`          // "inline" or "baseline"
	Justification string `json:"justification"` // the text after the rule ids, if any
}

// Finding is one reported problem.
type Finding struct {
	RuleID      string     `json:"rule_id"`
	Title       string     `json:"title"`
	Severity    Severity   `json:"severity"`
	Confidence  Confidence `json:"confidence"`
	CWE         []int      `json:"cwe"`
	OWASP       []string   `json:"owasp"`
	Location    Location   `json:"location"`
	Function    string     `json:"function,omitempty"` // qualified name of the enclosing function
	Message     string     `json:"message"`
	Snippet     string     `json:"snippet,omitempty"`
	Remediation string     `json:"remediation"`
	Evidence    []Step     `json:"evidence,omitempty"`
	HTTP        *Exchange  `json:"http,omitempty"` // the request and response that show a live finding
	// Live is what a probe found about a static finding (probe --source).
	Live        *Confirmation `json:"live,omitempty"`
	Fingerprint string        `json:"fingerprint"`
	Suppressed  *Suppression  `json:"suppressed,omitempty"`

	// Secrets are values that must never be printed; Redact masks them in
	// every string of the finding.
	Secrets []string `json:"-"`
	// code is the normalised code the fingerprint is computed from.
	code string
}

// SetCode records the code a finding is about, for its fingerprint,
// without whitespace so that reformatting does not change it.
func (f *Finding) SetCode(code string) { f.code = strings.Join(strings.Fields(code), "") }

// Fingerprints sets the stable fingerprint of each finding: a hash of the
// rule, file, enclosing function and normalised code (not the line), with
// an ordinal that tells identical code in the same function apart.
func Fingerprints(fs []*Finding) {
	seen := map[string]int{}
	for _, f := range fs {
		key := f.RuleID + "\x00" + f.Location.File + "\x00" + f.Function + "\x00" + f.code
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d", key, n)))
		f.Fingerprint = hex.EncodeToString(sum[:16])
	}
}

// Redact masks the finding's own secrets in every string it shows (see
// Rewrite); a report masks the secrets of the whole scanned tree with one
// Redactor besides.
func (f *Finding) Redact() {
	if len(f.Secrets) > 0 {
		f.Rewrite(NewRedactor(f.Secrets).String)
	}
}

// Exchange is one HTTP request and its response, as evidence of a live
// finding, with a curl command that repeats the request.
type Exchange struct {
	Request  HTTPRequest  `json:"request"`
	Response HTTPResponse `json:"response"`
	Curl     string       `json:"curl"`
}

// HTTPRequest is the request half of an exchange. Credentials the user gave
// appear as shell variables ($FASTAPI_AUDIT_TOKEN), never in clear.
type HTTPRequest struct {
	Method  string   `json:"method"`
	URL     string   `json:"url"`
	Headers []string `json:"headers,omitempty"` // "Name: value"
	Body    string   `json:"body,omitempty"`    // an excerpt
}

// HTTPResponse is the response half of an exchange.
type HTTPResponse struct {
	Status  int      `json:"status"`
	Headers []string `json:"headers,omitempty"` // "Name: value"
	Body    string   `json:"body,omitempty"`    // an excerpt
	Seconds float64  `json:"seconds"`
}

// Confirmation records whether a live probe reproduced a static finding.
type Confirmation struct {
	Confirmed bool   `json:"confirmed"`
	Message   string `json:"message"`       // what the probe saw, or why it could not check
	URL       string `json:"url,omitempty"` // the URL it checked
}

// Mask hides a secret, keeping at most its first four characters for
// recognition when it is long enough that they give little away.
func Mask(s string) string {
	r := []rune(s)
	if len(r) < 20 {
		return strings.Repeat("*", 8)
	}
	return string(r[:4]) + strings.Repeat("*", 8)
}

// Diagnostic is a problem with the input that did not stop the run: a file
// that could not be read or parsed, a suppression without an id, something
// that could not be resolved statically.
type Diagnostic struct {
	Location Location `json:"location"`
	Message  string   `json:"message"`
	Kind     string   `json:"kind"` // "syntax", "read", "config", "model", "suppression", "dependencies", "limit", "internal"
}
