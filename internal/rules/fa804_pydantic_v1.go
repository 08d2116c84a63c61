package rules

import (
	"strings"

	"deps.dev/util/semver"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA804", Name: "pydantic-v1", Title: "Pydantic v1",
		Category: "dependencies", Severity: finding.Low, Confidence: finding.HighConfidence,
		CWE: []int{1104}, OWASP: []string{webComponents},
		Remediation: "Migrate to Pydantic 2 (bump-pydantic automates most of it) and to a FastAPI release that requires it.",
		Doc: Doc{
			What: "A pinned or locked `pydantic` 1.x, or a requirement whose specifier allows no 2.x release " +
				"(`pydantic<2`, `pydantic~=1.10`).",
			Why: "Pydantic 1 receives no more fixes; FastAPI's support for it is deprecated and new FastAPI releases, " +
				"with their security fixes, drop it. Staying on v1 also keeps Starlette and the rest of the stack old.",
			Example: "pydantic==1.10.13\n",
			Fix:     "```text\npydantic==2.10.4\n```",
			References: []string{
				"https://docs.pydantic.dev/latest/migration/",
				"https://fastapi.tiangolo.com/how-to/migrate-from-pydantic-v1-to-pydantic-v2/",
			},
		},
		Check: func(p *Pass) {
			for _, d := range p.Dependencies() {
				if d.Name != "pydantic" || d.Unresolvable != "" || d.Constraint {
					continue
				}
				switch {
				case d.Version != "":
					v, err := semver.PyPI.Parse(d.Version)
					if err != nil || !strings.HasPrefix(v.Canon(false), "1.") {
						continue
					}
					p.ReportFile(d.Source, d.Line, d.Raw, "pydantic %s is Pydantic v1, which no longer receives fixes and newer FastAPI releases drop", d.Version)
				case d.Specifier != "" && !allowsVersion(d.Dependency, "2.0.0") && !allowsVersion(d.Dependency, "2.10.0") && allowsVersion(d.Dependency, "1.10.0"):
					p.ReportFile(d.Source, d.Line, d.Raw, "pydantic %s allows only Pydantic v1, which no longer receives fixes and newer FastAPI releases drop", d.Specifier)
				}
			}
		},
	})
}
