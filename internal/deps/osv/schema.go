// Package osv loads Open Source Vulnerability (OSV) advisories for the PyPI
// ecosystem and matches Python package versions and requirement specifiers
// against them using PEP 440 version semantics.
//
// A database is read from an osv.dev-style zip archive (one JSON document per
// entry, like https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip)
// or from a directory tree of *.json files. Loading is bounded by [Limits]
// so hostile input yields an error or a skipped-entry diagnostic rather than
// a crash or unbounded memory use. Nothing is ever written next to the
// input; [OpenCached] keeps a parsed copy in a separate cache directory.
package osv

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EcosystemPyPI is the OSV ecosystem name for the Python Package Index.
// Affected entries for any other ecosystem are ignored.
const EcosystemPyPI = "PyPI"

// Range types defined by the OSV schema.
const (
	// RangeEcosystem ranges use the ecosystem's own version ordering (PEP 440 for PyPI).
	RangeEcosystem = "ECOSYSTEM"
	// RangeSemver ranges use SemVer 2.0 ordering; they are not used for PyPI and are ignored.
	RangeSemver = "SEMVER"
	// RangeGit ranges name commits; they are ignored by version matching.
	RangeGit = "GIT"
)

// Vuln is one OSV advisory, reduced to the fields the scanner uses.
// See https://ossf.github.io/osv-schema/ for the meaning of each field.
type Vuln struct {
	// ID is the advisory identifier, e.g. "PYSEC-2021-100".
	ID string `json:"id"`
	// Aliases lists other identifiers for the same vulnerability (CVE, GHSA...).
	Aliases []string `json:"aliases,omitempty"`
	// Related lists identifiers of closely related but distinct advisories.
	Related []string `json:"related,omitempty"`
	// Summary is a one-line description; often empty for PYSEC advisories.
	Summary string `json:"summary,omitempty"`
	// Details is the longer, free-form description.
	Details string `json:"details,omitempty"`
	// Modified is when the advisory was last changed (zero if absent or invalid).
	Modified time.Time `json:"modified"`
	// Published is when the advisory was first published (zero if absent or invalid).
	Published time.Time `json:"published,omitzero"`
	// Withdrawn is when the advisory was withdrawn; zero when it is in force.
	// Withdrawn advisories are kept in the database but never matched.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
	// Affected lists the affected packages. Only PyPI entries are kept.
	Affected []Affected `json:"affected,omitempty"`
	// References lists links about the advisory.
	References []Reference `json:"references,omitempty"`
	// Severity lists severity scores (e.g. CVSS vectors).
	Severity []Severity `json:"severity,omitempty"`
	// DatabaseSpecific holds the raw database_specific object, if any.
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Affected describes the versions of one package affected by an advisory.
type Affected struct {
	// Package identifies the affected package.
	Package Package `json:"package"`
	// Ranges lists affected version ranges.
	Ranges []Range `json:"ranges,omitempty"`
	// Versions explicitly enumerates affected versions.
	Versions []string `json:"versions,omitempty"`
}

// Package identifies a package within an ecosystem.
type Package struct {
	// Name is the package name as written in the advisory.
	Name string `json:"name"`
	// Ecosystem is the OSV ecosystem, "PyPI" for Python packages.
	Ecosystem string `json:"ecosystem"`
	// Purl is the package URL, e.g. "pkg:pypi/jinja2".
	Purl string `json:"purl,omitempty"`
}

// Range is a set of affected versions described by ordered events.
type Range struct {
	// Type is one of RangeEcosystem, RangeSemver or RangeGit.
	Type string `json:"type"`
	// Repo is the repository URL for GIT ranges.
	Repo string `json:"repo,omitempty"`
	// Events are the range's boundary events.
	Events []Event `json:"events"`
}

// Event is one range boundary; exactly one field is set in valid data.
type Event struct {
	// Introduced is the first affected version; "0" means since the beginning.
	Introduced string `json:"introduced,omitempty"`
	// Fixed is the first version no longer affected (exclusive bound).
	Fixed string `json:"fixed,omitempty"`
	// LastAffected is the last affected version (inclusive bound).
	LastAffected string `json:"last_affected,omitempty"`
	// Limit is an upper limit on the range; "*" means unlimited.
	Limit string `json:"limit,omitempty"`
}

// Reference is a link about an advisory.
type Reference struct {
	// Type is the reference kind, e.g. "WEB", "ADVISORY", "FIX".
	Type string `json:"type"`
	// URL is the link target.
	URL string `json:"url"`
}

// Severity is a severity score of a given type.
type Severity struct {
	// Type is the scoring system, e.g. "CVSS_V3".
	Type string `json:"type"`
	// Score is the score or vector string.
	Score string `json:"score"`
}

// IsWithdrawn reports whether the advisory has been withdrawn.
func (v *Vuln) IsWithdrawn() bool { return !v.Withdrawn.IsZero() }

// UnmarshalJSON decodes an OSV document. Timestamps that are missing or not
// RFC 3339 are left as the zero time instead of failing the whole document.
func (v *Vuln) UnmarshalJSON(b []byte) error {
	type plain Vuln
	var aux struct {
		*plain
		Modified  *string `json:"modified"`
		Published *string `json:"published"`
		Withdrawn *string `json:"withdrawn"`
	}
	aux.plain = (*plain)(v)
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	v.Modified = parseTime(aux.Modified)
	v.Published = parseTime(aux.Published)
	v.Withdrawn = parseTime(aux.Withdrawn)
	return nil
}

func parseTime(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// isPyPI reports whether an OSV ecosystem string denotes PyPI.
func isPyPI(eco string) bool {
	return eco == EcosystemPyPI || strings.HasPrefix(eco, EcosystemPyPI+":")
}

// maxIDLen bounds advisory identifiers; real ones are far shorter.
const maxIDLen = 256

// ParseVuln decodes one OSV JSON document and keeps only its PyPI affected
// entries. It fails when the document is not a JSON object, lacks an id, or
// has no PyPI affected entry (ErrNotPyPI).
func ParseVuln(data []byte) (*Vuln, error) {
	var v Vuln
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode OSV JSON: %w", err)
	}
	if v.ID == "" {
		return nil, fmt.Errorf("decode OSV JSON: %w", errMissingID)
	}
	if len(v.ID) > maxIDLen {
		return nil, fmt.Errorf("decode OSV JSON: id is %d bytes, longer than %d", len(v.ID), maxIDLen)
	}
	kept := v.Affected[:0]
	for _, a := range v.Affected {
		if isPyPI(a.Package.Ecosystem) && a.Package.Name != "" {
			kept = append(kept, a)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("advisory %s: %w", v.ID, ErrNotPyPI)
	}
	v.Affected = kept[:len(kept):len(kept)]
	return &v, nil
}
