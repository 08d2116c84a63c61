package rules

import (
	"path"
	"strings"

	"deps.dev/util/semver"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// Dependencies returns every dependency the project's dependency files
// declare (manifest.Collect), computed once per run unless the caller gave
// them in Options.
func (p *Pass) Dependencies() []manifest.Declared {
	p.shared.dependencies(p.Files, p.Options)
	return p.shared.deps
}

// dependencies reads the dependency files once per run: the dependencies
// (unless the caller gave them) and the problems met reading them.
func (sh *shared) dependencies(files []source.File, opts Options) {
	sh.depsOnce.Do(func() {
		sh.deps, sh.depProblems = manifest.Collect(files)
		if opts.Dependencies != nil {
			sh.deps = opts.Dependencies
		}
	})
}

// diagnoseDependencies tells opts.Diagnose of every problem met reading
// the dependency files (an include not followed, a line or a whole file
// that cannot be parsed), once per run, whatever rules were selected:
// what those files declare is missing from the dependency rules.
func (sh *shared) diagnoseDependencies(files []source.File, opts Options) {
	if opts.Diagnose == nil {
		return
	}
	sh.dependencies(files, opts)
	for _, pr := range sh.depProblems {
		loc := finding.Location{File: relPath(pr.Source.Rel), Line: pr.Line}
		if pr.Line > 0 {
			loc.Column = 1
		}
		opts.Diagnose(&finding.Diagnostic{Kind: "dependencies", Location: loc, Message: pr.Message})
	}
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
