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

// Problem is a diagnostic of a dependency file (a line that cannot be
// read, an include not followed, or a file that cannot be used at all,
// with Line 0 unless a syntax error names one) with the discovered (or
// included) file it concerns.
type Problem struct {
	Diagnostic
	Source source.File
}

// Project returns every dependency the discovered dependency files declare;
// see Collect.
func Project(files []source.File) []Declared {
	deps, _ := Collect(files)
	return deps
}

// Collect returns every dependency the discovered dependency files declare,
// sorted by file and line, and every problem met reading them, each once,
// sorted the same way. Requirements files reached with -r or -c are
// followed anywhere inside the scan root (through it: a symbolic link
// leading out is not followed); what they declare appears once, under
// their own file, even when several files include them. A file that
// cannot be read or parsed is a problem of its own.
func Collect(files []source.File) ([]Declared, []Problem) {
	byPath := map[string]source.File{}
	for _, f := range files {
		if f.Kind == source.Dependencies {
			byPath[path.Clean(f.Path)] = f
		}
	}
	fileOf := func(f source.File, p string) source.File {
		df, ok := byPath[path.Clean(p)]
		if !ok {
			df = includedFile(f, p)
			byPath[path.Clean(p)] = df
		}
		return df
	}
	var out []Declared
	var problems []Problem
	seen := map[string]bool{}
	once := func(parts ...string) bool {
		key := strings.Join(parts, "\x00")
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for _, f := range files {
		if f.Kind != source.Dependencies {
			continue
		}
		res, err := Parse(f.Path, Options{Root: includeRoot(f)})
		if err != nil {
			d := Diagnostic{File: f.Path, Message: err.Error()}
			if fe, ok := err.(*FileError); ok {
				d.Line, d.Message = fe.Line, fe.Msg
			}
			problems = append(problems, Problem{Diagnostic: d, Source: f})
			continue
		}
		for _, d := range res.Deps {
			df := fileOf(f, d.File)
			if once("dep", df.Rel, d.Name, strconv.Itoa(d.Line)) {
				out = append(out, Declared{Dependency: d, Source: df})
			}
		}
		for _, d := range res.Diagnostics {
			df := fileOf(f, d.File)
			if once("diag", df.Rel, strconv.Itoa(d.Line), d.Message) {
				problems = append(problems, Problem{Diagnostic: d, Source: df})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Source.Rel != b.Source.Rel {
			return a.Source.Rel < b.Source.Rel
		}
		return a.Line < b.Line
	})
	sort.SliceStable(problems, func(i, j int) bool {
		a, b := problems[i], problems[j]
		if a.Source.Rel != b.Source.Rel {
			return a.Source.Rel < b.Source.Rel
		}
		return a.Line < b.Line
	})
	return out, problems
}

// includeRoot is the directory the file and its requirements includes are
// opened through: the scan root; "" for a file named on its own, which is
// its own root (opened as named, includes staying in its directory).
func includeRoot(f source.File) string {
	if f.Root == f.Path || f.Root == "" {
		return ""
	}
	return f.Root
}

// includedFile describes a requirements file reached only through an
// include of the discovered file f.
func includedFile(f source.File, p string) source.File {
	base := includeRoot(f)
	if base == "" {
		base = filepath.Dir(f.Path)
	}
	rel, err := filepath.Rel(base, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = filepath.Base(p)
	}
	return source.File{Path: p, Root: base, Rel: filepath.ToSlash(rel), Kind: source.Dependencies}
}
