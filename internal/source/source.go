// Package source finds the files a scan reads: Python modules, dependency
// manifests and environment files under one or more paths. It honours
// .gitignore files and exclude globs, skips virtual environments, vendored
// and build directories, follows symbolic links without looping and
// without leaving the scanned root, reads regular files only, with a size
// limit, and parses Python files on all cores.
package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
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
//
// Each directory path is walked as a boundary (an os.Root): a symbolic
// link leading outside it is reported and never followed, nor is anything
// read through it; links that stay inside are followed, and a loop is
// walked once. A file named as a path is its own root, read even when it
// is a link.
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
	w := &walker{opts: opts, limit: limit, seen: map[any]bool{}}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("scan path: %w", err)
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				// A named pipe or device would block the reader or never end.
				w.diag(p, "skipped: not a regular file (%s)", fsguard.FileType(info.Mode()))
				continue
			}
			kind, ok := classify(filepath.ToSlash(p))
			if !ok {
				kind = Python // a file named explicitly is read as Python
			}
			w.add(File{Path: p, Root: p, Rel: filepath.Base(p), Kind: kind, Size: info.Size()})
			continue
		}
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, nil, fmt.Errorf("scan path: %w", err)
		}
		w.root, w.rootPath = root, p
		w.dir(nil, nil)
		root.Close()
	}
	return w.files, w.diags, nil
}

type walker struct {
	opts     Options
	limit    int64
	root     *os.Root // the directory scan path being walked; nothing is opened but through it
	rootPath string   // its path, as given
	seen     map[any]bool
	files    []File
	diags    []Diagnostic
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

// osPath is the path of rel (components below the root) as reached from
// the scan path, for diagnostics and File.Path.
func (w *walker) osPath(rel []string) string {
	return filepath.Join(append([]string{w.rootPath}, rel...)...)
}

// relName is rel as os.Root takes it.
func relName(rel []string) string {
	if len(rel) == 0 {
		return "."
	}
	return path.Join(rel...)
}

// dir scans the directory at rel (its path below the root as components)
// with ignore the .gitignore patterns in force.
func (w *walker) dir(rel []string, ignore []gitignore.Pattern) {
	p := w.osPath(rel)
	fh, err := fsguard.OpenDir(w.root, relName(rel))
	if err != nil {
		w.diag(p, "skipped: %v", err)
		return
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		w.diag(p, "skipped: %v", err)
		return
	}
	id := fileID(info, p)
	if w.seen[id] {
		return // reached again through a symbolic link
	}
	w.seen[id] = true
	if len(rel) > 0 && w.isVirtualenv(rel) {
		return
	}
	entries, err := fh.ReadDir(-1)
	if err != nil {
		w.diag(p, "skipped: %v", err)
		return
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	if !w.opts.NoGitignore {
		ps, cut := w.readGitignore(append(rel[:len(rel):len(rel)], ".gitignore"), rel, maxGitignorePatterns-len(ignore))
		if cut {
			w.diag(filepath.Join(p, ".gitignore"), "only the first patterns were applied: more than %d .gitignore patterns in force (or a file over %d bytes)",
				maxGitignorePatterns, maxGitignoreSize)
		}
		ignore = append(ignore, ps...)
	}
	matcher := gitignore.NewMatcher(ignore)
	for _, e := range entries {
		name := e.Name()
		crel := append(rel[:len(rel):len(rel)], name)
		child := w.osPath(crel)
		relPath := path.Join(crel...)
		var info fs.FileInfo
		var err error
		if e.Type()&fs.ModeSymlink != 0 {
			// Followed through the root: a link leading out of it is
			// refused before anything behind it is touched.
			info, err = fsguard.Stat(w.root, relPath)
		} else {
			info, err = w.root.Lstat(relPath)
		}
		if err != nil {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				// A dangling link, such as an editor's lock file
				// (.#main.py), or a file gone since the listing:
				// nothing to read, nothing to report.
			case fsguard.Escapes(err):
				if !matcher.Match(crel, false) && !w.excluded(relPath) {
					how := ""
					if target, err := w.root.Readlink(relPath); err == nil && filepath.IsAbs(target) {
						how = " (absolute links are not followed)"
					}
					w.diag(child, "skipped: symbolic link leads outside the scanned root%s", how)
				}
			default:
				w.diag(child, "skipped: %v", err)
			}
			continue
		}
		isDir := info.IsDir()
		if matcher.Match(crel, isDir) || w.excluded(relPath) {
			continue
		}
		if !isDir && !info.Mode().IsRegular() {
			// A named pipe or device would block the reader or never end;
			// report it only when its name says it would have been read.
			if _, ok := classify(relPath); ok {
				w.diag(child, "skipped: not a regular file (%s)", fsguard.FileType(info.Mode()))
			}
			continue
		}
		if isDir {
			if skipDirs[name] || strings.HasSuffix(name, ".egg-info") {
				continue
			}
			w.dir(crel, ignore)
			continue
		}
		kind, ok := classify(relPath)
		if !ok {
			continue
		}
		w.add(File{Path: child, Root: w.rootPath, Rel: relPath, Kind: kind, Size: info.Size()})
	}
}

// isVirtualenv reports whether a directory is a Python virtual environment
// or conda environment, whatever its name.
func (w *walker) isVirtualenv(rel []string) bool {
	for _, marker := range []string{"pyvenv.cfg", "conda-meta"} {
		if _, err := w.root.Stat(path.Join(append(rel[:len(rel):len(rel)], marker)...)); err == nil {
			return true
		}
	}
	return false
}

// Open opens the file for reading: through its scan path as a root (so a
// path that has become a link leading outside it is refused), or directly
// when the file was itself the scan path (or has no root). Anything but a
// regular file is refused without blocking.
func (f File) Open() (*os.File, error) {
	if f.Root == "" || f.Root == f.Path {
		return fsguard.Open(f.Path)
	}
	root, err := os.OpenRoot(f.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fh, err := fsguard.OpenIn(root, f.Rel)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return fh, nil
}

// ReadFile reads the file (see Open), at most limit bytes when limit is
// positive; a file over it fails with an error wrapping
// fsguard.ErrTooLarge.
func (f File) ReadFile(limit int64) ([]byte, error) {
	fh, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return fsguard.ReadAll(fh, limit)
}

// Bounds on .gitignore files, which come with the scanned code: every
// pattern in force is tried on every path below it, so a hostile file of
// 100,000 patterns would make a large tree take hours. Real ones hold tens
// to hundreds of patterns.
const (
	maxGitignorePatterns = 1000      // patterns in force in a directory, its parents' included
	maxGitignoreSize     = 256 << 10 // bytes of one .gitignore read
)

// readGitignore reads at most max patterns of the .gitignore file at rel
// (components below the root); cut is true when it held more, or more
// than maxGitignoreSize bytes.
func (w *walker) readGitignore(rel, domain []string, max int) (ps []gitignore.Pattern, cut bool) {
	fh, err := fsguard.OpenIn(w.root, path.Join(rel...))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			w.diag(w.osPath(rel), "not applied: %v", err)
		}
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
