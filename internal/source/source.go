// Package source finds the files a scan reads: Python modules, dependency
// manifests and environment files under one or more paths. It honours
// .gitignore files and exclude globs, skips virtual environments, vendored
// and build directories, follows symbolic links without looping, reads files
// with a size limit and parses Python files on all cores.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// DefaultMaxFileSize is the largest file read by default, in bytes.
const DefaultMaxFileSize = 5 << 20

// Kind tells what a discovered file is for.
type Kind uint8

// File kinds.
const (
	Python       Kind = iota // a .py or .pyi module
	Dependencies             // requirements*.txt, pyproject.toml, lock files
	Env                      // .env files and committed key material
)

// File is one discovered file.
type File struct {
	Path string // path to open, as reached from the scan path
	Root string // the scan path it was found under
	Rel  string // slash-separated path relative to Root (the file name when Root is a file)
	Kind Kind
	Size int64
}

// Diagnostic is a problem with a path that does not stop the scan.
type Diagnostic struct {
	Path string
	Msg  string
}

func (d Diagnostic) String() string { return d.Path + ": " + d.Msg }

// Options tune discovery.
type Options struct {
	Exclude     []string // doublestar globs matched against Rel (and each of its parent directories)
	MaxFileSize int64    // 0 means DefaultMaxFileSize; negative means no limit
	NoGitignore bool     // do not read .gitignore files
}

// skipDirs are directory names never scanned: version control, virtual
// environments, caches, vendored and built code.
var skipDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".venv": true, "venv": true,
	"node_modules": true, "__pycache__": true, ".tox": true, ".nox": true,
	".mypy_cache": true, ".pytest_cache": true, ".ruff_cache": true, ".eggs": true,
	"site-packages": true, "dist-packages": true, "build": true, "dist": true,
	".direnv": true, ".idea": true, ".vscode": true,
}

// dependencyFile reports whether a base name is a dependency manifest or
// lock file.
func dependencyFile(name string) bool {
	switch name {
	case "pyproject.toml", "poetry.lock", "uv.lock", "Pipfile", "Pipfile.lock", "pdm.lock", "pylock.toml", "setup.cfg":
		return true
	}
	if strings.HasPrefix(name, "pylock.") && strings.HasSuffix(name, ".toml") {
		return true
	}
	return strings.HasPrefix(name, "requirements") && (strings.HasSuffix(name, ".txt") || strings.HasSuffix(name, ".in"))
}

// envFile reports whether a base name holds environment settings or key
// material that should not be committed.
func envFile(name string) bool {
	if name == ".env" || strings.HasPrefix(name, ".env.") {
		return !strings.HasSuffix(name, ".example") && !strings.HasSuffix(name, ".sample") && !strings.HasSuffix(name, ".template")
	}
	switch filepath.Ext(name) {
	case ".pem", ".key", ".p12", ".pfx":
		return true
	}
	return false
}

// requirementsDirFile reports a .txt or .in file in a directory named
// requirements (requirements/base.txt, requirements/prod.in), the usual
// layout for split requirement sets.
func requirementsDirFile(rel string) bool {
	dir := path.Base(path.Dir(rel))
	return (dir == "requirements" || dir == "reqs") && (strings.HasSuffix(rel, ".txt") || strings.HasSuffix(rel, ".in"))
}

// classify names the kind of a file from its slash-separated path.
func classify(rel string) (Kind, bool) {
	name := path.Base(rel)
	switch {
	case strings.HasSuffix(name, ".py") || strings.HasSuffix(name, ".pyi"):
		return Python, true
	case dependencyFile(name) || requirementsDirFile(rel):
		return Dependencies, true
	case envFile(name):
		return Env, true
	}
	return 0, false
}

// Discover walks the given paths and returns the files to scan in a stable
// order, with diagnostics for what it skipped. It fails only when a path
// does not exist or an exclude glob is malformed.
func Discover(paths []string, opts Options) ([]File, []Diagnostic, error) {
	for _, g := range opts.Exclude {
		if !doublestar.ValidatePattern(g) {
			return nil, nil, fmt.Errorf("exclude pattern %q is not a valid glob", g)
		}
	}
	limit := opts.MaxFileSize
	if limit == 0 {
		limit = DefaultMaxFileSize
	}
	w := &walker{opts: opts, limit: limit, seen: map[string]bool{}}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("scan path: %w", err)
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				// A named pipe or device would block the reader or never end.
				w.diag(p, "skipped: not a regular file (%s)", fileType(info.Mode()))
				continue
			}
			kind, ok := classify(filepath.ToSlash(p))
			if !ok {
				kind = Python // a file named explicitly is read as Python
			}
			w.add(File{Path: p, Root: p, Rel: filepath.Base(p), Kind: kind, Size: info.Size()})
			continue
		}
		w.root = p
		w.dir(p, nil, nil)
	}
	return w.files, w.diags, nil
}

type walker struct {
	opts  Options
	limit int64
	root  string
	seen  map[string]bool // real paths of directories entered, against symlink loops
	files []File
	diags []Diagnostic
}

func (w *walker) diag(p, format string, args ...any) {
	w.diags = append(w.diags, Diagnostic{Path: p, Msg: fmt.Sprintf(format, args...)})
}

func (w *walker) add(f File) {
	if w.limit > 0 && f.Size > w.limit {
		w.diag(f.Path, "skipped: %d bytes is over the %d-byte limit", f.Size, w.limit)
		return
	}
	w.files = append(w.files, f)
}

func (w *walker) excluded(rel string) bool {
	for _, g := range w.opts.Exclude {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/")+"/**", rel); ok {
			return true
		}
	}
	return false
}

// dir scans directory p; rel is its path below the root as components and
// ignore the .gitignore patterns in force.
func (w *walker) dir(p string, rel []string, ignore []gitignore.Pattern) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		w.diag(p, "skipped: %v", err)
		return
	}
	if w.seen[real] {
		return // reached again through a symbolic link
	}
	w.seen[real] = true
	if len(rel) > 0 && isVirtualenv(p) {
		return
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		w.diag(p, "skipped: %v", err)
		return
	}
	if !w.opts.NoGitignore {
		file := filepath.Join(p, ".gitignore")
		ps, cut := readGitignore(file, rel, maxGitignorePatterns-len(ignore))
		if cut {
			w.diag(file, "only the first patterns were applied: more than %d .gitignore patterns in force (or a file over %d bytes)",
				maxGitignorePatterns, maxGitignoreSize)
		}
		ignore = append(ignore, ps...)
	}
	matcher := gitignore.NewMatcher(ignore)
	for _, e := range entries {
		name := e.Name()
		child := filepath.Join(p, name)
		crel := append(append([]string(nil), rel...), name)
		relPath := path.Join(crel...)
		typ := e.Type()
		isDir := e.IsDir()
		var size int64
		var special fs.FileMode // the type of a file that is neither a directory nor regular
		if typ&fs.ModeSymlink != 0 || !isDir {
			info, err := os.Stat(child)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					// A dangling link, such as an editor's lock file
					// (.#main.py): nothing to read, nothing to report.
					continue
				}
				w.diag(child, "skipped: %v", err)
				continue
			}
			isDir = info.IsDir()
			size = info.Size()
			if !isDir && !info.Mode().IsRegular() {
				special = info.Mode().Type()
			}
		}
		if matcher.Match(crel, isDir) || w.excluded(relPath) {
			continue
		}
		if special != 0 {
			// A named pipe or device would block the reader or never end;
			// report it only when its name says it would have been read.
			if _, ok := classify(relPath); ok {
				w.diag(child, "skipped: not a regular file (%s)", fileType(special))
			}
			continue
		}
		if isDir {
			if skipDirs[name] || strings.HasSuffix(name, ".egg-info") {
				continue
			}
			w.dir(child, crel, ignore)
			continue
		}
		kind, ok := classify(relPath)
		if !ok {
			continue
		}
		w.add(File{Path: child, Root: w.root, Rel: relPath, Kind: kind, Size: size})
	}
}

// fileType names the type of a file that is not regular, for diagnostics.
func fileType(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeIrregular != 0:
		return "irregular file"
	}
	return "special file"
}

// isVirtualenv reports whether a directory is a Python virtual environment
// or conda environment, whatever its name.
func isVirtualenv(dir string) bool {
	for _, marker := range []string{"pyvenv.cfg", "conda-meta"} {
		if _, err := os.Stat(filepath.Join(dir, marker)); err == nil {
			return true
		}
	}
	return false
}

// Bounds on .gitignore files, which come with the scanned code: every
// pattern in force is tried on every path below it, so a hostile file of
// 100,000 patterns would make a large tree take hours. Real ones hold tens
// to hundreds of patterns.
const (
	maxGitignorePatterns = 1000      // patterns in force in a directory, its parents' included
	maxGitignoreSize     = 256 << 10 // bytes of one .gitignore read
)

// readGitignore reads at most max patterns of a .gitignore file; cut is
// true when it held more, or more than maxGitignoreSize bytes.
func readGitignore(file string, domain []string, max int) (ps []gitignore.Pattern, cut bool) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, false
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxGitignoreSize+1))
	if err != nil {
		return nil, false
	}
	if len(b) > maxGitignoreSize {
		b, cut = b[:maxGitignoreSize], true
	}
	ps, more := parseGitignore(b, domain, max)
	return ps, cut || more
}

// parseGitignore reads at most max patterns of a .gitignore's content;
// cut is true when it held more.
func parseGitignore(b []byte, domain []string, max int) (ps []gitignore.Pattern, cut bool) {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(ps) >= max {
			return ps, true
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps, false
}
