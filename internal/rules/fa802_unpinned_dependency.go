package rules

import (
	"path"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA802", Name: "unpinned-dependency", Title: "Unpinned dependencies or no lock file",
		Category: "dependencies", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{1357}, OWASP: []string{webComponents, webIntegrity},
		Remediation: "Pin exact versions (name==1.2.3, ideally with --hash) in deployed requirements files, or commit a lock file (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml) next to pyproject.toml.",
		Doc: Doc{
			What: "A requirement in a `requirements*.txt` file that does not pin one version (`fastapi>=0.100`, " +
				"`jinja2`), and a pyproject.toml or Pipfile that declares dependencies with no lock file in its " +
				"directory or above it (a workspace lock; one finding per file). `requirements*.in` files (pip-compile inputs), constraints files and " +
				"URL or VCS requirements are not reported.",
			Why: "An unpinned build installs whatever is newest on the day: a compromised or broken release reaches " +
				"production without review, builds cannot be reproduced, and a vulnerability scan of the manifest " +
				"cannot say what actually runs.",
			Example: "fastapi>=0.100\nuvicorn\n",
			Fix:     "```text\nfastapi==0.115.6\nuvicorn==0.34.0\n```",
			References: []string{
				"https://pip.pypa.io/en/stable/topics/repeatable-installs/",
				"https://packaging.python.org/en/latest/specifications/pylock-toml/",
			},
		},
		Check: func(p *Pass) {
			locks := lockDirs(p)
			manifests := map[string]int{}
			first := map[string]manifest.Declared{}
			for _, d := range p.Dependencies() {
				base := path.Base(d.Source.Rel)
				if d.Name == "" || d.Unresolvable != "" || d.Constraint || d.Pinned || d.Locked {
					continue
				}
				switch {
				case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
					spec := d.Specifier
					if spec == "" {
						spec = "any version"
					}
					p.ReportFile(d.Source, d.Line, d.Raw, "%s is not pinned (%s): each install may get a different release", d.Name, spec)
				case base == "pyproject.toml" || base == "Pipfile" || base == "setup.cfg":
					if lockedByAncestor(locks, path.Dir(d.Source.Rel)) {
						continue // a lock beside it, or a workspace lock above it
					}
					if _, ok := first[d.Source.Rel]; !ok {
						first[d.Source.Rel] = d
					}
					manifests[d.Source.Rel]++
				}
			}
			for rel, n := range manifests {
				d := first[rel]
				if path.Base(rel) == "setup.cfg" {
					continue // a library's ranges, not an application's install
				}
				p.ReportFile(d.Source, d.Line, d.Raw, "%s declares %s without exact versions and no lock file sits next to it: each install resolves them anew",
					rel, countOf(n, "dependency", "dependencies"))
			}
		},
	})
}

// lockedByAncestor reports a lock file in a directory or one above it (a
// uv or Poetry workspace locks its members at the root).
func lockedByAncestor(locks map[string]bool, dir string) bool {
	for {
		if locks[dir] {
			return true
		}
		if dir == "." || dir == "/" || dir == "" {
			return false
		}
		dir = path.Dir(dir)
	}
}
