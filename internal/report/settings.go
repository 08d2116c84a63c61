package report

import (
	"fmt"
	"strings"
)

// Settings says what the run's settings took out of the audit, and who set
// it, so that a reviewer of a report sees what a settings file or a
// comment in the scanned code turned off: a tree under audit must not be
// able to hide a finding without the report saying so.
type Settings struct {
	// File is the settings file read ("" for none), as given or found.
	File string `json:"file,omitempty"`
	// FromTree is true when File was found in the scanned tree rather than
	// given with --config: it may configure the analysis, never the run.
	FromTree bool `json:"from_tree,omitempty"`
	// TurnedOff lists the rules that did not run, by the setting that
	// turned them off.
	TurnedOff []TurnedOff `json:"turned_off,omitempty"`
	// Dropped counts findings left out of the report by per-file ignores.
	Dropped []Dropped `json:"dropped,omitempty"`
	// Suppressed counts the findings reported as suppressed, by kind:
	// "inline" (a comment in the code) or "baseline".
	Suppressed map[string]int `json:"suppressed,omitempty"`
	// Analysis lists the other settings that narrow the audit (exclude,
	// public-routes, auth-dependencies), as "key = value (source)".
	Analysis []string `json:"analysis,omitempty"`
}

// TurnedOff is a selection setting and the rules it kept from running.
type TurnedOff struct {
	Setting string   `json:"setting"` // "select" or "ignore"
	Value   []string `json:"value"`   // the ids and prefixes as written
	Source  string   `json:"source"`  // the settings file, or the command-line flag
	Rules   []string `json:"rules"`   // the rule ids it turned off
}

// Dropped is a per-file ignore and the findings it dropped.
type Dropped struct {
	Glob     string   `json:"glob"`
	Value    []string `json:"value"`
	Source   string   `json:"source"`
	Findings int      `json:"findings"`
}

// empty reports settings that took nothing out of the audit.
func (s *Settings) empty() bool {
	if s == nil {
		return true
	}
	n := 0
	for _, c := range s.Suppressed {
		n += c
	}
	return len(s.TurnedOff) == 0 && len(s.Dropped) == 0 && n == 0 && len(s.Analysis) == 0
}

// SettingsNote is one line telling what the settings turned off and what
// comments suppressed ("FA1 (14 rules) turned off by ignore in
// pyproject.toml; 2 findings suppressed in code"), "" when nothing was.
func SettingsNote(r *Report) string {
	s := r.Settings
	if s.empty() {
		return ""
	}
	var parts []string
	for _, t := range s.TurnedOff {
		rules := "1 rule"
		if len(t.Rules) != 1 {
			rules = fmt.Sprintf("%d rules", len(t.Rules))
		}
		what := strings.Join(t.Value, ",")
		if t.Setting == "select" {
			parts = append(parts, fmt.Sprintf("%s turned off by select = %s in %s", rules, what, t.Source))
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s) turned off by ignore in %s", what, rules, t.Source))
	}
	for _, d := range s.Dropped {
		parts = append(parts, fmt.Sprintf("%s dropped in %s by per-file-ignores (%s) in %s",
			plural(d.Findings, "finding"), d.Glob, strings.Join(d.Value, ","), d.Source))
	}
	if n := s.Suppressed["inline"]; n > 0 {
		parts = append(parts, plural(n, "finding")+" suppressed in code")
	}
	if n := s.Suppressed["baseline"]; n > 0 {
		parts = append(parts, plural(n, "finding")+" suppressed by the baseline")
	}
	parts = append(parts, s.Analysis...)
	note := "Settings: " + strings.Join(parts, "; ")
	if s.FromTree {
		note += " (" + s.File + " was found in the scanned tree; --no-config ignores it)"
	}
	return note
}

// plural writes a count with its noun: "1 finding", "2 findings".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
