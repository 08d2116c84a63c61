package rules

import (
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"deps.dev/util/semver"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// declared is a dependency with the discovered file that declares it.
type declared struct {
	manifest.Dependency
	file source.File
}

// Dependencies returns every dependency the project's dependency files
// declare, parsed once per run. Requirements included with -r from a file
// that is itself discovered appear once, under their own file.
func (p *Pass) Dependencies() []declared {
	if p.shared.depsDone {
		return p.shared.deps
	}
	p.shared.depsDone = true
	byPath := map[string]source.File{}
	for _, f := range p.Files {
		if f.Kind == source.Dependencies {
			byPath[path.Clean(f.Path)] = f
		}
	}
	seen := map[string]bool{}
	for _, f := range p.Files {
		if f.Kind != source.Dependencies {
			continue
		}
		res, err := manifest.Parse(f.Path, manifest.Options{Root: includeRoot(f)})
		if err != nil {
			continue // unsupported or unreadable: the read diagnostics name it
		}
		for _, d := range res.Deps {
			df, ok := byPath[path.Clean(d.File)]
			if !ok {
				// An included file discovery does not list (base.txt,
				// common.in): reported under its own name.
				df = includedFile(f, d.File)
				byPath[path.Clean(d.File)] = df
			}
			key := df.Rel + "\x00" + d.Name + "\x00" + strconv.Itoa(d.Line)
			if seen[key] {
				continue
			}
			seen[key] = true
			p.shared.deps = append(p.shared.deps, declared{Dependency: d, file: df})
		}
	}
	sort.SliceStable(p.shared.deps, func(i, j int) bool {
		a, b := p.shared.deps[i], p.shared.deps[j]
		if a.file.Rel != b.file.Rel {
			return a.file.Rel < b.file.Rel
		}
		return a.Line < b.Line
	})
	return p.shared.deps
}

// includeRoot is the directory requirements includes may reach: the scan
// root, or the file's own directory when the file was named on its own.
func includeRoot(f source.File) string {
	if f.Root == f.Path {
		return filepath.Dir(f.Path)
	}
	return f.Root
}

// includedFile describes a requirements file reached only through an
// include of the discovered file f.
func includedFile(f source.File, p string) source.File {
	rel, err := filepath.Rel(includeRoot(f), p)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(p)
	}
	return source.File{Path: p, Root: f.Root, Rel: filepath.ToSlash(rel), Kind: source.Dependencies}
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
