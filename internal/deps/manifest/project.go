package manifest

import (
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// Declared is a dependency with the discovered (or included) file that
// declares it.
type Declared struct {
	Dependency
	Source source.File
}

// Project returns every dependency the discovered dependency files declare,
// sorted by file and line. Requirements files reached with -r or -c are
// followed anywhere inside the scan root; what they declare appears once,
// under their own file, even when several files include them. Files that
// cannot be read or parsed are skipped: discovery's diagnostics name them.
func Project(files []source.File) []Declared {
	byPath := map[string]source.File{}
	for _, f := range files {
		if f.Kind == source.Dependencies {
			byPath[path.Clean(f.Path)] = f
		}
	}
	var out []Declared
	seen := map[string]bool{}
	for _, f := range files {
		if f.Kind != source.Dependencies {
			continue
		}
		res, err := Parse(f.Path, Options{Root: includeRoot(f)})
		if err != nil {
			continue
		}
		for _, d := range res.Deps {
			df, ok := byPath[path.Clean(d.File)]
			if !ok {
				df = includedFile(f, d.File)
				byPath[path.Clean(d.File)] = df
			}
			key := df.Rel + "\x00" + d.Name + "\x00" + strconv.Itoa(d.Line)
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Declared{Dependency: d, Source: df})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source.Rel != b.Source.Rel {
			return a.Source.Rel < b.Source.Rel
		}
		return a.Line < b.Line
	})
	return out
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
