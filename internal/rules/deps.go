package rules

import (
	"path"
	"strings"

	"deps.dev/util/semver"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// Dependencies returns every dependency the project's dependency files
// declare (manifest.Project), computed once per run unless the caller gave
// them in Options.
func (p *Pass) Dependencies() []manifest.Declared {
	p.shared.depsOnce.Do(func() {
		p.shared.deps = p.Options.Dependencies
		if p.shared.deps == nil {
			p.shared.deps = manifest.Project(p.Files)
		}
	})
	return p.shared.deps
}

// lockDirs returns the directories holding a lock file.
func lockDirs(p *Pass) map[string]bool {
	out := map[string]bool{}
	for _, f := range p.Files {
		if f.Kind == source.Dependencies && manifestIsLock(path.Base(f.Rel)) {
			out[path.Dir(f.Rel)] = true
		}
	}
	return out
}

// manifestIsLock reports lock-file names.
func manifestIsLock(base string) bool {
	switch base {
	case "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pylock.toml":
		return true
	}
	return strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml")
}

// allowsVersion reports whether a dependency's specifier allows a version.
func allowsVersion(d manifest.Dependency, version string) bool {
	if d.Version != "" {
		return semver.PyPI.Compare(d.Version, version) == 0
	}
	if d.Specifier == "" {
		return true
	}
	c, err := semver.PyPI.ParseConstraint(d.Specifier)
	if err != nil {
		return true
	}
	return c.Match(version)
}
