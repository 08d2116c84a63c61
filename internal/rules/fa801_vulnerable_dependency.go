package rules

import (
	"fmt"
	"sort"
	"strings"

	"deps.dev/util/semver"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA801", Name: "vulnerable-dependency", Title: "Dependency with known vulnerabilities",
		Category: "dependencies", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{1395}, OWASP: []string{apiMisconfig, webComponents},
		Remediation: "Upgrade to the version named in the finding (the lowest that fixes every listed advisory) and re-lock.",
		Doc: Doc{
			What: "A package version declared in requirements files, pyproject.toml, Pipfile, setup.cfg or a lock " +
				"file (poetry.lock, uv.lock, pdm.lock, Pipfile.lock, pylock.toml) that an OSV advisory lists as affected. " +
				"Pinned and locked versions are matched exactly; an unpinned requirement is reported when it allows an " +
				"affected version, with examples: at high severity when it caps below the fix, at low severity when it " +
				"also allows a fixed release (an installer picks the newest unless something holds it back). Advisories come from `--advisories` (an osv.dev-style zip such as " +
				"PyPI's `all.zip`, or a directory of OSV JSON files; config key `advisories`) or from osv.dev's API with " +
				"`--online`. Without either nothing is " +
				"matched, and the report says so.",
			Why: "Published vulnerabilities come with public exploits: a FastAPI app on an old Starlette, Jinja2 or " +
				"python-multipart inherits their request smuggling, sandbox escapes and denial of service, whatever " +
				"the application code does.",
			Example: "fastapi==0.63.0\njinja2==2.10\n",
			Fix:     "```text\nfastapi==0.65.2\njinja2==3.1.4\n```",
			References: []string{
				"https://osv.dev/",
				"https://ossf.github.io/osv-schema/",
			},
		},
		Check: func(p *Pass) {
			db := p.Options.Advisories
			if db == nil {
				return
			}
			for _, d := range p.Dependencies() {
				if d.Name == "" || d.Unresolvable != "" || d.Constraint {
					continue
				}
				if d.Version != "" {
					ms := db.Affecting(d.Name, d.Version)
					if len(ms) == 0 {
						continue
					}
					ids, fix := matchSummary(ms)
					p.ReportFile(d.Source, d.Line, d.Raw, "%s %s has %s: %s; %s",
						d.Name, d.Version, countOf(len(ms), "known vulnerability", "known vulnerabilities"), ids, fix)
					continue
				}
				ms, err := db.AffectingConstraint(d.Name, d.Specifier)
				if err != nil || len(ms) == 0 {
					continue
				}
				var examples []string
				var plain []*osv.Match
				for _, m := range ms {
					examples = append(examples, m.Examples...)
					plain = append(plain, &osv.Match{Vuln: m.Vuln, Affected: m.Affected, Fixed: m.Fixed, LowestFix: lowestFix(m.Fixed, "")})
				}
				examples = uniqueVersions(examples)
				if len(examples) > 3 {
					examples = examples[:3]
				}
				ids, fix := matchSummary(plain)
				spec := d.Specifier
				if spec == "" {
					spec = "any version"
				}
				f := p.ReportFile(d.Source, d.Line, d.Raw, "%s (%s) allows versions with %s (for example %s): %s; %s and pin it",
					d.Name, spec, countOf(len(ms), "known vulnerability", "known vulnerabilities"), strings.Join(examples, ", "), ids, fix)
				f.Confidence = finding.MediumConfidence
				if newest := fixedAll(plain); newest != "" && allowsVersion(d.Dependency, newest) {
					// An installer picks the newest allowed release, which is
					// fixed, unless a lock or another requirement holds it back.
					f.Severity = finding.Low
				}
			}
		},
	})
}

// matchSummary lists advisories as "PYSEC-2021-1 (CVE-2021-1), ..." and
// names the lowest version that fixes them all.
func matchSummary(ms []*osv.Match) (string, string) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Vuln.ID < ms[j].Vuln.ID })
	var parts []string
	fixAll := ""
	unfixed := []string{}
	for _, m := range ms {
		s := m.Vuln.ID
		if len(m.Vuln.Aliases) > 0 {
			s += " (" + strings.Join(m.Vuln.Aliases, ", ") + ")"
		}
		parts = append(parts, s)
		if m.LowestFix == "" {
			unfixed = append(unfixed, m.Vuln.ID)
			continue
		}
		if fixAll == "" || semver.PyPI.Compare(m.LowestFix, fixAll) > 0 {
			fixAll = m.LowestFix
		}
	}
	fix := ""
	switch {
	case fixAll != "" && len(unfixed) == 0:
		fix = fmt.Sprintf("upgrade to %s or later", fixAll)
	case fixAll != "":
		fix = fmt.Sprintf("upgrade to %s or later (no fixed version yet for %s)", fixAll, strings.Join(unfixed, ", "))
	default:
		fix = "no fixed version is published"
	}
	return strings.Join(parts, ", "), fix
}

// fixedAll is the lowest version that fixes every advisory, or "".
func fixedAll(ms []*osv.Match) string {
	all := ""
	for _, m := range ms {
		if m.LowestFix == "" {
			return ""
		}
		if all == "" || semver.PyPI.Compare(m.LowestFix, all) > 0 {
			all = m.LowestFix
		}
	}
	return all
}

// lowestFix is the lowest of the fixed versions above a version ("" for
// any).
func lowestFix(fixed []string, above string) string {
	best := ""
	for _, f := range fixed {
		if above != "" && semver.PyPI.Compare(f, above) <= 0 {
			continue
		}
		if best == "" || semver.PyPI.Compare(f, best) < 0 {
			best = f
		}
	}
	return best
}

// uniqueVersions sorts versions by PEP 440 order and drops duplicates.
func uniqueVersions(vs []string) []string {
	sort.Slice(vs, func(i, j int) bool { return semver.PyPI.Compare(vs[i], vs[j]) < 0 })
	var out []string
	for _, v := range vs {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return out
}
