package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Finding is the part of a fastapi-audit JSON finding that scoring reads.
type Finding struct {
	RuleID   string `json:"rule_id"`
	Location struct {
		File string `json:"file"`
		Line int    `json:"line"`
	} `json:"location"`
}

// Score compares a scan's findings with a manifest.
type Score struct {
	Rules map[string]*RuleScore // by rule id
	// Missed are the planted vulnerabilities not reported; FalseAlarms the
	// safe look-alikes reported by their rule (±1 line), OtherOnSafe the
	// safe lines some other rule reported on (exactly).
	Missed, FalseAlarms, OtherOnSafe []Planted
	Findings                         int // findings in the scan
}

// RuleScore counts one rule's planted code and what the scan found.
type RuleScore struct {
	Vulnerable, Found, Safe, Flagged int
}

// Recall is the share of planted vulnerabilities found, in [0, 1].
func (s *Score) Recall() float64 {
	v, f := 0, 0
	for _, r := range s.Rules {
		v += r.Vulnerable
		f += r.Found
	}
	if v == 0 {
		return 1
	}
	return float64(f) / float64(v)
}

// Slack is how far from the planted line a finding may be and still count.
const Slack = 1

// Compare scores findings against a manifest. A planted vulnerability is
// found when a finding of its rule is in its file within Slack lines of its
// line; a safe look-alike is a false alarm when one is. With anyRule (for
// other tools, whose rules do not map one to one), a finding of any rule
// counts.
func Compare(m *Manifest, findings []Finding, anyRule bool) *Score {
	type key struct{ rule, file string }
	at := map[key][]int{}
	anyAt := map[string]map[int][]string{}
	for _, f := range findings {
		file := filepath.ToSlash(f.Location.File)
		k := key{f.RuleID, file}
		if anyRule {
			k.rule = ""
		}
		at[k] = append(at[k], f.Location.Line)
		if anyAt[file] == nil {
			anyAt[file] = map[int][]string{}
		}
		anyAt[file][f.Location.Line] = append(anyAt[file][f.Location.Line], f.RuleID)
	}
	near := func(p Planted) bool {
		k := key{p.Rule, p.File}
		if anyRule {
			k.rule = ""
		}
		for _, l := range at[k] {
			if l >= p.Line-Slack && l <= p.Line+Slack {
				return true
			}
		}
		return false
	}
	s := &Score{Rules: map[string]*RuleScore{}, Findings: len(findings)}
	for _, p := range m.Planted {
		r := s.Rules[p.Rule]
		if r == nil {
			r = &RuleScore{}
			s.Rules[p.Rule] = r
		}
		if p.Kind == Vulnerable {
			r.Vulnerable++
			if near(p) {
				r.Found++
			} else {
				s.Missed = append(s.Missed, p)
			}
			continue
		}
		r.Safe++
		if near(p) {
			r.Flagged++
			s.FalseAlarms = append(s.FalseAlarms, p)
		} else if len(anyAt[p.File][p.Line]) > 0 {
			s.OtherOnSafe = append(s.OtherOnSafe, p)
		}
	}
	return s
}

// Write prints the score as a table, and up to limit of the misses and
// false alarms. found names the column of planted vulnerabilities reported.
func (s *Score) Write(w io.Writer, found string, limit int) {
	var rules []string
	for r := range s.Rules {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	fmt.Fprintf(w, "%-6s %10s %6s %7s %6s %8s\n", "rule", "vulnerable", found, "share", "safe", "flagged")
	tv, tf, ts, tfl := 0, 0, 0, 0
	for _, id := range rules {
		r := s.Rules[id]
		fmt.Fprintf(w, "%-6s %10d %6d %6.1f%% %6d %8d\n", id, r.Vulnerable, r.Found, pct(r.Found, r.Vulnerable), r.Safe, r.Flagged)
		tv, tf, ts, tfl = tv+r.Vulnerable, tf+r.Found, ts+r.Safe, tfl+r.Flagged
	}
	fmt.Fprintf(w, "%-6s %10d %6d %6.1f%% %6d %8d\n", "all", tv, tf, pct(tf, tv), ts, tfl)
	fmt.Fprintf(w, "findings in the scan: %d; safe look-alike lines reported by another rule: %d\n", s.Findings, len(s.OtherOnSafe))
	show := func(title string, ps []Planted) {
		for i, p := range ps {
			if i == limit {
				if limit == 0 {
					break
				}
				fmt.Fprintf(w, "  ... %d more\n", len(ps)-limit)
				break
			}
			fmt.Fprintf(w, "  %s %s %s:%d (%s)\n", title, p.Rule, p.File, p.Line, p.Variant)
		}
	}
	show("missed", s.Missed)
	show("false alarm", s.FalseAlarms)
}

func pct(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// ReadManifest reads expected.json.
func ReadManifest(path string) (*Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &m, nil
}

// ReadFindings reads the findings of a `fastapi-audit scan --format json`
// report.
func ReadFindings(r io.Reader) ([]Finding, error) {
	var rep struct {
		Findings []Finding `json:"findings"`
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("reading the JSON report: %v", err)
	}
	return rep.Findings, nil
}

// ReadBandit reads the results of `bandit -f json`, with file names made
// relative to root.
func ReadBandit(r io.Reader, root string) ([]Finding, error) {
	var rep struct {
		Results []struct {
			Filename string `json:"filename"`
			Line     int    `json:"line_number"`
			TestID   string `json:"test_id"`
		} `json:"results"`
	}
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("reading Bandit's JSON report: %v", err)
	}
	out := make([]Finding, len(rep.Results))
	for i, res := range rep.Results {
		out[i].RuleID = res.TestID
		out[i].Location.File = relTo(root, res.Filename)
		out[i].Location.Line = res.Line
	}
	return out, nil
}

// ReadRuff reads the JSON lines bench/ruff/run.mjs writes with --out.
func ReadRuff(r io.Reader, root string) ([]Finding, error) {
	var out []Finding
	dec := json.NewDecoder(r)
	for {
		var d struct {
			File string `json:"file"`
			Line int    `json:"line"`
			Code string `json:"code"`
		}
		if err := dec.Decode(&d); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("reading Ruff diagnostics: %v", err)
		}
		f := Finding{RuleID: d.Code}
		f.Location.File, f.Location.Line = relTo(root, d.File), d.Line
		out = append(out, f)
	}
}

// relTo makes a path relative to root when it is under it.
func relTo(root, path string) string {
	if root != "" && filepath.IsAbs(path) {
		if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
	}
	return filepath.ToSlash(strings.TrimPrefix(path, "./"))
}

// scoreMain is `gen -score REPORT -manifest DIR/expected.json`: it prints
// the recall table. format is fastapi-audit (a JSON report), bandit (its
// JSON report) or ruff (bench/ruff/run.mjs --out); for the last two, a
// finding of any rule counts and file names are made relative to root.
func scoreMain(report, format, manifest, root string, limit int, w io.Writer) error {
	m, err := ReadManifest(manifest)
	if err != nil {
		return err
	}
	f, err := os.Open(report)
	if err != nil {
		return err
	}
	defer f.Close()
	var findings []Finding
	switch format {
	case "fastapi-audit":
		findings, err = ReadFindings(f)
	case "bandit":
		findings, err = ReadBandit(f, root)
	case "ruff":
		findings, err = ReadRuff(f, root)
	default:
		return fmt.Errorf("unknown -format %q (fastapi-audit, bandit, ruff)", format)
	}
	if err != nil {
		return fmt.Errorf("%s: %v", report, err)
	}
	s := Compare(m, findings, format != "fastapi-audit")
	if format == "fastapi-audit" {
		fmt.Fprintf(w, "recall %.1f%%: a finding of the planted rule within %d line of the planted line\n", 100*s.Recall(), Slack)
	} else {
		fmt.Fprintf(w, "%s: %.1f%% of the planted lines hit by a finding of any rule within %d line\n", format, 100*s.Recall(), Slack)
	}
	found := "found"
	if format != "fastapi-audit" {
		found = "hit"
	}
	s.Write(w, found, limit)
	return nil
}
