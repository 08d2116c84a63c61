// Package manifest parses Python dependency manifests and lock files
// (requirements*.txt/.in, pyproject.toml, Pipfile, setup.cfg, poetry.lock,
// uv.lock, pdm.lock, Pipfile.lock, pylock.toml) into a uniform list of
// declared dependencies.
//
// Parsing is purely textual: nothing is installed, resolved or fetched.
// Problems confined to one line (an unparseable requirement, a missing or
// cyclic include) are reported as Diagnostics; problems that make a whole
// file unusable (unreadable, too large, invalid TOML or JSON) are errors.
package manifest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
	Root            string // requirements includes are followed only inside this directory; empty means the directory of the file parsed
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
// Options.MaxFileSize.
var ErrTooLarge = errors.New("file too large")

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

// Parse reads the dependency file at path, choosing the parser by its base
// name (see Format). Requirements files follow -r/-c includes that stay
// inside the directory of path (and its subdirectories).
func Parse(path string, opts Options) (*Result, error) {
	format := Format(filepath.Base(path))
	if format == "" {
		return nil, fmt.Errorf("%s: %w", path, ErrUnsupported)
	}
	data, err := readFile(path, opts.maxFileSize())
	if err != nil {
		return nil, err
	}
	res := &Result{}
	switch format {
	case "requirements":
		parseRequirementsRoot(res, path, data, opts)
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
		return nil, err
	}
	// Table-based formats are decoded into maps: report in file order.
	sort.SliceStable(res.Deps, func(i, j int) bool { return res.Deps[i].Line < res.Deps[j].Line })
	return res, nil
}

// readFile reads at most max bytes (max < 0: no limit) and fails, naming
// the file, when there are more.
func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading dependency file: %w", err)
	}
	defer f.Close()
	if max < 0 {
		data, err := io.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		return data, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w (more than %d bytes)", path, ErrTooLarge, max)
	}
	return data, nil
}
