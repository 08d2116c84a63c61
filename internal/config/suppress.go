package config

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
)

// Suppression is an inline `# fastapi-audit: ignore[FA101] reason` or
// `# noqa: FA101` comment.
type Suppression struct {
	Line          int
	IDs           []string
	Justification string
	OwnLine       bool // the comment is alone on its line: it also covers the next line
}

var (
	ignoreRE = regexp.MustCompile(`fastapi-audit:\s*ignore(?:\[([^\]]*)\])?\s*(.*)$`)
	noqaRE   = regexp.MustCompile(`(?i)\bnoqa(?::\s*([A-Z]+\d+(?:[\s,]+[A-Z]+\d+)*))?`)
	faIDRE   = regexp.MustCompile(`^FA\d{3}$`)
)

// ParseComment reads a suppression from a comment's text. ok is false for
// comments that are not suppressions; missing is true for a fastapi-audit
// ignore without rule ids, which suppresses nothing and is reported.
// `# noqa` without ids, or naming only other tools' codes, is left to those
// tools.
func ParseComment(text string) (ids []string, justification string, ok, missing bool) {
	if m := ignoreRE.FindStringSubmatch(text); m != nil {
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, "", false, true
		}
		return ids, strings.TrimSpace(m[2]), true, false
	}
	if m := noqaRE.FindStringSubmatch(text); m != nil && m[1] != "" {
		for _, id := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if faIDRE.MatchString(strings.ToUpper(id)) {
				ids = append(ids, strings.ToUpper(id))
			}
		}
		if len(ids) > 0 {
			return ids, "", true, false
		}
	}
	return nil, "", false, false
}

// Covers reports whether a suppression applies to a finding spanning lines
// [from, to] with the given rule id.
func (s Suppression) Covers(id string, from, to int) bool {
	inRange := s.Line >= from && s.Line <= to || s.OwnLine && s.Line == from-1
	if !inRange {
		return false
	}
	for _, x := range s.IDs {
		if x == id || strings.HasPrefix(id, x) {
			return true
		}
	}
	return false
}

// Baseline is a set of finding fingerprints accepted earlier.
type Baseline struct {
	Schema       int      `json:"schema"`
	Tool         string   `json:"tool"`
	Fingerprints []string `json:"fingerprints"`
}

// maxBaselineSize bounds a baseline file read: one fingerprint is about
// 40 bytes, so this holds over a million.
const maxBaselineSize = 64 << 20

// ReadBaseline reads a baseline written by WriteBaseline: a regular file of
// at most 64 MiB.
func ReadBaseline(path string) (map[string]bool, error) {
	b, err := fsguard.ReadFile(path, maxBaselineSize)
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	var bl Baseline
	if err := json.Unmarshal(b, &bl); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if bl.Schema != 1 {
		return nil, fmt.Errorf("baseline %s: schema %d is not supported (want 1)", path, bl.Schema)
	}
	set := map[string]bool{}
	for _, fp := range bl.Fingerprints {
		set[fp] = true
	}
	return set, nil
}

// WriteBaseline records the fingerprints of the findings that are not
// suppressed inline.
func WriteBaseline(path string, fs []*finding.Finding) error {
	bl := Baseline{Schema: 1, Tool: "fastapi-audit", Fingerprints: []string{}}
	for _, f := range fs {
		if f.Suppressed == nil || f.Suppressed.Kind == "baseline" {
			bl.Fingerprints = append(bl.Fingerprints, f.Fingerprint)
		}
	}
	b, err := json.MarshalIndent(bl, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}
