// Package manifest parses Python dependency manifests and lock files
// (requirements*.txt/.in, pyproject.toml, Pipfile, setup.cfg, poetry.lock,
// uv.lock, pdm.lock, Pipfile.lock, pylock.toml) into a uniform list of
// declared dependencies.
//
// Parsing is purely textual: nothing is installed, resolved or fetched.
// Problems confined to one line (an unparseable requirement, a missing or
// cyclic include) are reported as Diagnostics; problems that make a whole
// file unusable (unreadable, too large, not a regular file, invalid or too
// deeply nested TOML, invalid JSON) are errors (*FileError). Files are
// opened through Options.Root as a boundary (os.Root), so neither an
// include nor a symbolic link reads outside it, and only regular files
// are read.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
	"github.com/fastapi-audit/fastapi-audit/internal/tomlsafe"
)

// DefaultMaxFileSize is the largest file read when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 8 << 20

// DefaultMaxIncludeDepth is how deeply requirements files may nest -r/-c
// includes when Options.MaxIncludeDepth is 0.
const DefaultMaxIncludeDepth = 10

// Dependency is one declared or locked dependency.
type Dependency struct {
	Name         string   // PEP 503 canonical name; "" when it cannot be known (some URL or path requirements)
	Raw          string   // the requirement as written (for table forms, a reconstruction "name = value")
	Specifier    string   // PEP 440 specifier without spaces, e.g. ">=0.60,<0.70"; "" when none
	Version      string   // the exact version when pinned (==1.2.3, ===x) or locked
	Pinned       bool     // exactly one version is allowed
	Locked       bool     // the entry comes from a lock file
	Extras       []string // requested extras, as written
	Marker       string   // PEP 508 environment marker, "" when none
	File         string   // path of the declaring file, as given (includes are joined to the includer's directory)
	Line         int      // 1-based line declaring it
	Direct       bool     // declared by the project itself rather than pulled in transitively
	Group        string   // dependency group: "dev", an optional-dependency extra name, a Poetry/PDM/PEP 735 group, a lock file's group
	Constraint   bool     // from a pip constraints file (-c): limits versions but does not request installation
	Unresolvable string   // why the version cannot be known: URL, VCS, local path or editable requirement; "" otherwise
}

// Diagnostic is a problem confined to one line or include that does not
// stop parsing.
type Diagnostic struct {
	File    string
	Line    int // 1-based; 0 when the problem concerns the whole file
	Message string
}

// String formats the diagnostic as file:line: message.
func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message)
	}
	return d.File + ": " + d.Message
}

// Result is what Parse found in one file (and, for requirements files, in
// the files it includes).
type Result struct {
	Deps        []Dependency
	Diagnostics []Diagnostic
}

func (r *Result) diag(file string, line int, format string, args ...any) {
	r.Diagnostics = append(r.Diagnostics, Diagnostic{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// Options bound the work Parse does.
type Options struct {
	Root            string // the file and its requirements includes are opened only inside this directory (symbolic links included); empty means the file is opened as given and includes stay in its directory
	MaxFileSize     int64  // largest file read, in bytes; 0 means DefaultMaxFileSize, negative means no limit
	MaxIncludeDepth int    // deepest -r/-c nesting followed; 0 means DefaultMaxIncludeDepth, negative means includes are not followed
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize == 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

func (o Options) maxIncludeDepth() int {
	switch {
	case o.MaxIncludeDepth == 0:
		return DefaultMaxIncludeDepth
	case o.MaxIncludeDepth < 0:
		return 0
	}
	return o.MaxIncludeDepth
}

// ErrUnsupported is returned (wrapped) by Parse for a file name it has no
// parser for.
var ErrUnsupported = errors.New("unsupported dependency file")

// ErrTooLarge is returned (wrapped, naming the file) when a file exceeds
// Options.MaxFileSize, or a TOML file tomlsafe.MaxManifestSize.
var ErrTooLarge = fsguard.ErrTooLarge

// Format names the parser Parse chooses for a base name, or "" when there is
// none: "requirements", "pyproject", "pipfile", "setup.cfg", "poetry.lock",
// "uv.lock", "pdm.lock", "pipfile.lock" or "pylock".
func Format(base string) string {
	switch base {
	case "pyproject.toml":
		return "pyproject"
	case "Pipfile":
		return "pipfile"
	case "Pipfile.lock":
		return "pipfile.lock"
	case "poetry.lock":
		return "poetry.lock"
	case "uv.lock":
		return "uv.lock"
	case "pdm.lock":
		return "pdm.lock"
	case "setup.cfg":
		return "setup.cfg"
	}
	if base == "pylock.toml" || strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml") {
		return "pylock"
	}
	if strings.HasSuffix(base, ".txt") || strings.HasSuffix(base, ".in") {
		return "requirements"
	}
	return ""
}

// FileError is Parse's error for a file it cannot use at all.
type FileError struct {
	Path string
	Line int    // 1-based line of a syntax error or of too deep nesting; 0 when it concerns the whole file
	Msg  string // what went wrong, without the path
	Err  error  // the cause
}

func (e *FileError) Error() string { return e.Path + ": " + e.Msg }

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// Parse reads the dependency file at path, choosing the parser by its base
// name (see Format). Requirements files follow -r/-c includes that stay
// inside opts.Root (or the directory of path). Whole-file failures are
// *FileError values.
func Parse(path string, opts Options) (*Result, error) {
	format := Format(filepath.Base(path))
	if format == "" {
		return nil, fmt.Errorf("%s: %w", path, ErrUnsupported)
	}
	b, err := openBoundary(path, opts)
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot read: " + cause(err), Err: err}
	}
	defer b.close()
	data, err := b.readMain(path, opts)
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot read: " + cause(err), Err: err}
	}
	res := &Result{}
	switch format {
	case "requirements":
		parseRequirementsRoot(res, b, path, data, opts)
		return res, nil
	case "setup.cfg":
		parseSetupCfg(res, path, data)
		return res, nil
	case "pipfile.lock":
		err = parsePipfileLock(res, path, data)
	case "pyproject":
		err = parsePyproject(res, path, data)
	case "pipfile":
		err = parsePipfile(res, path, data)
	case "poetry.lock":
		err = parsePoetryLock(res, path, data)
	case "uv.lock":
		err = parseUVLock(res, path, data)
	case "pdm.lock":
		err = parsePDMLock(res, path, data)
	case "pylock":
		err = parsePylock(res, path, data)
	}
	if err != nil {
		return nil, parseError(path, data, err)
	}
	// Table-based formats are decoded into maps: report in file order.
	sort.SliceStable(res.Deps, func(i, j int) bool { return res.Deps[i].Line < res.Deps[j].Line })
	return res, nil
}

// boundary is the directory a parse may read in: the file's own directory
// or Options.Root.
type boundary struct {
	root *os.Root // nil when the directory could not be opened (includes then fail one by one)
	abs  string   // its absolute, cleaned path
	err  error    // why root is nil
}

func openBoundary(path string, opts Options) (*boundary, error) {
	dir := opts.Root
	if dir == "" {
		dir = filepath.Dir(path)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b := &boundary{abs: abs}
	b.root, b.err = os.OpenRoot(dir)
	if b.err != nil && opts.Root != "" {
		return nil, b.err
	}
	return b, nil
}

func (b *boundary) close() {
	if b.root != nil {
		b.root.Close()
	}
}

// rel returns the path of abs (absolute, cleaned) inside the boundary, or
// false when it is lexically outside.
func (b *boundary) rel(abs string) (string, bool) {
	rel, err := filepath.Rel(b.abs, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// read reads the file at abs through the boundary, at most max bytes.
func (b *boundary) read(abs string, max int64) ([]byte, error) {
	rel, ok := b.rel(abs)
	if !ok {
		return nil, fmt.Errorf("%w (%s)", fsguard.ErrOutside, b.abs)
	}
	if b.root == nil {
		return nil, b.err
	}
	return fsguard.ReadFileIn(b.root, rel, max)
}

// readMain reads the file Parse was given: through Options.Root when set,
// else as named (a file given on its own is its own root).
func (b *boundary) readMain(path string, opts Options) ([]byte, error) {
	if opts.Root == "" {
		return fsguard.ReadFile(path, opts.maxFileSize())
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	return b.read(abs, opts.maxFileSize())
}

// cause is an error's message without the path an *fs.PathError adds
// (the diagnostic names the file already).
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseError makes a parser's error a *FileError with the line it names:
// TOML syntax and nesting errors carry it, JSON ones an offset.
func parseError(path string, data []byte, err error) *FileError {
	msg := strings.TrimPrefix(err.Error(), "parsing "+path+": ")
	fe := &FileError{Path: path, Msg: "cannot parse: " + msg, Err: err}
	var pe toml.ParseError
	var de *tomlsafe.DepthError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &pe):
		fe.Line = pe.Position.Line
		fe.Msg = "cannot parse: " + strings.TrimPrefix(pe.Error(), "toml: ")
	case errors.As(err, &de):
		fe.Line = de.Line
		fe.Msg = "not parsed: " + de.Error()
	case errors.Is(err, ErrTooLarge):
		fe.Msg = "not parsed: " + msg
	case errors.As(err, &se):
		fe.Line = offsetLine(data, se.Offset)
	case errors.As(err, &te):
		fe.Line = offsetLine(data, te.Offset)
	}
	return fe
}

// offsetLine is the 1-based line of a byte offset.
func offsetLine(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// decodeTOMLInto bounds a TOML dependency file (tomlsafe.MaxManifestSize,
// tomlsafe.MaxDepth) and decodes it into v.
func decodeTOMLInto(path string, data []byte, v any) error {
	if err := tomlsafe.Check(data, tomlsafe.MaxManifestSize); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	if _, err := toml.Decode(string(data), v); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	return nil
}
