package osv

import (
	"fmt"
	"sort"
	"strings"

	"deps.dev/util/pypi"
	"deps.dev/util/semver"
)

// MaxExamples is the number of example versions a ConstraintMatch carries.
const MaxExamples = 5

// Match is an advisory affecting a concrete package version.
type Match struct {
	// Vuln is the matching advisory.
	Vuln *Vuln
	// Affected is the first affected entry of Vuln that matched the version.
	Affected *Affected
	// Fixed lists every fixed version in the ECOSYSTEM ranges of the
	// advisory's entries for this package, in advisory order, without duplicates.
	Fixed []string
	// LowestFix is the lowest fixed version greater than the queried version,
	// or "" when the advisory lists none.
	LowestFix string
}

// ConstraintMatch is an advisory affecting at least one version allowed by
// a requirement specifier.
type ConstraintMatch struct {
	// Vuln is the matching advisory.
	Vuln *Vuln
	// Affected is the first affected entry of Vuln for the package.
	Affected *Affected
	// Examples lists up to MaxExamples affected versions (ascending) that
	// the specifier allows, taken from the advisory's explicit versions and
	// range boundaries. It may be empty when only Intervals overlap.
	Examples []string
	// Intervals lists the advisory's affected ECOSYSTEM intervals that
	// overlap the specifier, as PEP 440 specifiers such as ">=2.0, <2.10.1".
	Intervals []string
	// Fixed lists every fixed version in the ECOSYSTEM ranges of the
	// advisory's entries for this package, in advisory order, without duplicates.
	Fixed []string
}

// parseVersion parses a PEP 440 version, returning nil when it is invalid
// or a wildcard, so that the comparison using it is skipped.
func parseVersion(s string) *semver.Version {
	v, err := semver.PyPI.Parse(strings.TrimSpace(s))
	if err != nil || v == nil || v.IsWildcard() {
		return nil
	}
	return v
}

// event kinds
const (
	evIntroduced = iota
	evFixed
	evLastAffected
	evLimit
)

type pevent struct {
	kind int
	raw  string
	v    *semver.Version // nil for introduced "0" (lowest) and limit "*" (highest)
}

// prepareEvents parses and sorts a range's events. Events whose version
// cannot be parsed are dropped.
func prepareEvents(r *Range) []pevent {
	out := make([]pevent, 0, len(r.Events))
	for _, e := range r.Events {
		var pe pevent
		switch {
		case e.Introduced != "":
			pe = pevent{kind: evIntroduced, raw: e.Introduced}
			if e.Introduced == "0" {
				out = append(out, pe)
				continue
			}
		case e.Fixed != "":
			pe = pevent{kind: evFixed, raw: e.Fixed}
		case e.LastAffected != "":
			pe = pevent{kind: evLastAffected, raw: e.LastAffected}
		case e.Limit != "":
			pe = pevent{kind: evLimit, raw: e.Limit}
			if e.Limit == "*" {
				out = append(out, pe)
				continue
			}
		default:
			continue
		}
		if pe.v = parseVersion(pe.raw); pe.v == nil {
			continue
		}
		out = append(out, pe)
	}
	sort.SliceStable(out, func(i, j int) bool { return eventLess(out[i], out[j]) })
	return out
}

func eventLess(a, b pevent) bool {
	ra, rb := eventRank(a), eventRank(b)
	if ra != rb {
		return ra < rb
	}
	if ra != 0 {
		return false
	}
	return a.v.Compare(b.v) < 0
}

// eventRank is -1 for introduced "0", +1 for limit "*", 0 otherwise.
func eventRank(e pevent) int {
	switch {
	case e.v != nil:
		return 0
	case e.kind == evIntroduced:
		return -1
	default:
		return 1
	}
}

// rangeAffects applies the OSV evaluation algorithm to one ECOSYSTEM range.
func rangeAffects(v *semver.Version, evs []pevent) bool {
	affected := false
	var limits []pevent
	for _, e := range evs {
		switch e.kind {
		case evIntroduced:
			if e.v == nil || v.Compare(e.v) >= 0 {
				affected = true
			}
		case evFixed:
			if v.Compare(e.v) >= 0 {
				affected = false
			}
		case evLastAffected:
			if v.Compare(e.v) > 0 {
				affected = false
			}
		case evLimit:
			limits = append(limits, e)
		}
	}
	if !affected || len(limits) == 0 {
		return affected
	}
	for _, l := range limits {
		if l.v == nil || v.Compare(l.v) < 0 {
			return true
		}
	}
	return false
}

// affectedBy reports whether the entry lists v explicitly or includes it
// in one of its ECOSYSTEM ranges. raw is v's original spelling, used for
// exact matching when v is nil (unparseable).
func affectedBy(a *Affected, raw string, v *semver.Version) bool {
	for _, s := range a.Versions {
		if s == raw {
			return true
		}
		if v != nil {
			if lv := parseVersion(s); lv != nil && lv.Compare(v) == 0 {
				return true
			}
		}
	}
	if v == nil {
		return false
	}
	for i := range a.Ranges {
		r := &a.Ranges[i]
		if r.Type != RangeEcosystem {
			continue
		}
		if rangeAffects(v, prepareEvents(r)) {
			return true
		}
	}
	return false
}

// entriesFor returns the affected entries of v for canonical package name n.
func entriesFor(vu *Vuln, n string) []*Affected {
	var out []*Affected
	for i := range vu.Affected {
		if pypi.CanonPackageName(vu.Affected[i].Package.Name) == n {
			out = append(out, &vu.Affected[i])
		}
	}
	return out
}

// fixedVersions lists the fixed events of the entries' ECOSYSTEM ranges.
func fixedVersions(entries []*Affected) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range entries {
		for _, r := range a.Ranges {
			if r.Type != RangeEcosystem {
				continue
			}
			for _, e := range r.Events {
				if e.Fixed != "" && !seen[e.Fixed] {
					seen[e.Fixed] = true
					out = append(out, e.Fixed)
				}
			}
		}
	}
	return out
}

// Affecting returns the advisories affecting version of the package name
// (any spelling; normalised per PEP 503), sorted by advisory id. Versions
// are compared with PEP 440 semantics, so "1.0" equals "1.0.0" and
// pre-releases sort before their release. Withdrawn advisories and GIT
// ranges are ignored. An unparseable version can still match an advisory's
// explicit versions list by exact spelling.
func (db *DB) Affecting(name, version string) []*Match {
	n := pypi.CanonPackageName(name)
	version = strings.TrimSpace(version)
	v := parseVersion(version)
	var out []*Match
	for _, vu := range db.byName[n] {
		if vu.IsWithdrawn() {
			continue
		}
		entries := entriesFor(vu, n)
		var hit *Affected
		for _, a := range entries {
			if affectedBy(a, version, v) {
				hit = a
				break
			}
		}
		if hit == nil {
			continue
		}
		m := &Match{Vuln: vu, Affected: hit, Fixed: fixedVersions(entries)}
		if v != nil {
			var low *semver.Version
			for _, f := range m.Fixed {
				fv := parseVersion(f)
				if fv == nil || fv.Compare(v) <= 0 {
					continue
				}
				if low == nil || fv.Compare(low) < 0 {
					low, m.LowestFix = fv, f
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// AffectingConstraint returns the advisories for which some affected
// version of the package is allowed by specifier, a PEP 440 version
// specifier without the package name such as ">=0.60,<0.70" (an empty
// specifier allows every version). Candidate versions are the advisory's
// explicit versions and range boundaries; in addition, affected ECOSYSTEM
// intervals are intersected with the specifier so that advisories without
// explicit version lists are still found. Results are sorted by advisory id.
// The error reports an unparseable specifier.
func (db *DB) AffectingConstraint(name, specifier string) ([]*ConstraintMatch, error) {
	n := pypi.CanonPackageName(name)
	specifier = strings.TrimSpace(specifier)
	var c *semver.Constraint
	if specifier != "" {
		var err error
		c, err = semver.PyPI.ParseConstraint(specifier)
		if err != nil {
			return nil, fmt.Errorf("parse specifier %q for %s: %w", specifier, name, err)
		}
	}
	allows := func(v *semver.Version) bool { return c == nil || c.MatchVersion(v) }
	var out []*ConstraintMatch
	for _, vu := range db.byName[n] {
		if vu.IsWithdrawn() {
			continue
		}
		entries := entriesFor(vu, n)
		if len(entries) == 0 {
			continue
		}
		m := &ConstraintMatch{Vuln: vu, Affected: entries[0], Fixed: fixedVersions(entries)}
		// Concrete candidates.
		type cand struct {
			raw string
			v   *semver.Version
		}
		var cands []cand
		seen := map[string]bool{}
		add := func(s string) {
			if s == "" || s == "0" || s == "*" || seen[s] {
				return
			}
			seen[s] = true
			if pv := parseVersion(s); pv != nil {
				cands = append(cands, cand{s, pv})
			}
		}
		for _, a := range entries {
			for _, s := range a.Versions {
				add(s)
			}
			for _, r := range a.Ranges {
				if r.Type != RangeEcosystem {
					continue
				}
				for _, e := range r.Events {
					add(e.Introduced)
					add(e.Fixed)
					add(e.LastAffected)
				}
			}
		}
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].v.Compare(cands[j].v) < 0 })
		for _, cd := range cands {
			if len(m.Examples) == MaxExamples {
				break
			}
			if !allows(cd.v) {
				continue
			}
			for _, a := range entries {
				if affectedBy(a, cd.raw, cd.v) {
					if k := len(m.Examples); k == 0 || parseVersion(m.Examples[k-1]).Compare(cd.v) != 0 {
						m.Examples = append(m.Examples, cd.raw)
					}
					break
				}
			}
		}
		// Interval overlap.
		for _, a := range entries {
			for i := range a.Ranges {
				if a.Ranges[i].Type != RangeEcosystem {
					continue
				}
				for _, iv := range intervals(prepareEvents(&a.Ranges[i])) {
					if overlaps(iv, c) {
						m.Intervals = append(m.Intervals, iv)
					}
				}
			}
		}
		if len(m.Examples) > 0 || len(m.Intervals) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// intervals turns sorted events into affected intervals written as PEP 440
// specifiers. Limit events are not represented.
func intervals(evs []pevent) []string {
	var out []string
	open := false
	lower := ""
	for _, e := range evs {
		switch e.kind {
		case evIntroduced:
			if open {
				continue
			}
			open = true
			lower = ">=0"
			if e.v != nil {
				lower = ">=" + e.raw
			}
		case evFixed, evLastAffected:
			if !open {
				continue
			}
			op := "<"
			if e.kind == evLastAffected {
				op = "<="
			}
			out = append(out, joinSpec(lower, op+e.raw))
			open = false
		}
	}
	if open {
		out = append(out, lower)
	}
	return out
}

func joinSpec(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// overlaps reports whether the interval specifier iv and the constraint c
// (nil meaning any version) share a version.
func overlaps(iv string, c *semver.Constraint) bool {
	if c == nil {
		return true
	}
	ic, err := semver.PyPI.ParseConstraint(iv)
	if err != nil {
		return false
	}
	s := ic.Set()
	if err := s.Intersect(c.Set()); err != nil || s.Empty() {
		return false
	}
	// Set.Intersect can leave a single boundary version when two half-open
	// spans merely touch ([1.0:1.5) and [1.5:2.0) give {1.5.0}), so check
	// the spans it reports: a proper range is a real overlap, a single
	// version must be allowed by both sides.
	str := strings.TrimSuffix(strings.TrimPrefix(s.String(), "{"), "}")
	for _, span := range strings.Split(str, ",") {
		if span == "" || span == "<empty>" {
			continue
		}
		if span[0] == '[' || span[0] == '(' {
			lo, hi, ok := strings.Cut(strings.Trim(span, "[]()"), ":")
			if !ok {
				return true
			}
			lv, hv := parseVersion(lo), parseVersion(hi)
			if lv == nil || hv == nil || lv.Compare(hv) < 0 {
				return true // unbounded (∞) or a proper range
			}
			span = lo
		}
		if v := parseVersion(span); v != nil && ic.MatchVersion(v) && c.MatchVersion(v) {
			return true
		}
	}
	return false
}
