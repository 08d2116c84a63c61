package manifest

import (
	"path/filepath"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
)

// reqParser parses a pip requirements file and the files it includes.
type reqParser struct {
	res     *Result
	opts    Options
	bound   *boundary       // includes are read through it, and must stay under it
	stack   []string        // absolute paths of the files being parsed, outermost first
	visited map[string]bool // absolute path + mode already parsed (diamond includes are read once)
}

// parseRequirementsRoot parses the requirements file path whose content is
// data, following includes inside the boundary b.
func parseRequirementsRoot(res *Result, b *boundary, path string, data []byte, opts Options) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = filepath.Clean(path)
	}
	p := &reqParser{res: res, opts: opts, bound: b, visited: map[string]bool{}}
	p.file(path, abs, data, false)
}

// logicalLine is a requirements line after joining continuations.
type logicalLine struct {
	text string
	line int // 1-based first physical line
}

// logicalLines joins backslash continuations and strips comments, the way
// pip does: a comment starts at '#' at the beginning of a line or after
// whitespace (so URL fragments like #egg= survive).
func logicalLines(data []byte) []logicalLine {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	phys := strings.Split(text, "\n")
	var out []logicalLine
	var cur strings.Builder
	start, joining := 0, false
	for i, l := range phys {
		if !joining {
			start = i + 1
		}
		joining = false
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			// pip joins continuation lines even past a comment; a trailing
			// continuation at end of file simply ends the line.
			if i < len(phys)-1 {
				joining = true
				continue
			}
		} else {
			cur.WriteString(l)
		}
		s := stripComment(cur.String())
		cur.Reset()
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, logicalLine{text: s, line: start})
		}
	}
	return out
}

func stripComment(s string) string {
	if strings.HasPrefix(s, "#") {
		return ""
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// Options pip accepts in requirements files. Those taking a value are
// listed with true.
var reqOptions = map[string]bool{
	"-i": true, "--index-url": true, "--extra-index-url": true, "--no-index": false,
	"-f": true, "--find-links": true, "--pre": false, "--no-binary": true, "--only-binary": true,
	"--prefer-binary": false, "--require-hashes": false, "--trusted-host": true,
	"--use-feature": true, "--hash": true, "-Z": false, "--always-unzip": false,
	"--global-option": true, "--config-settings": true, "--install-option": true,
	"--no-use-pep517": false, "--use-pep517": false, "--process-dependency-links": false,
}

// splitOption splits "-rfile", "-r file", "--requirement=file" into the
// option name and its value.
func splitOption(s string) (name, value string) {
	if strings.HasPrefix(s, "--") {
		if i := strings.IndexAny(s, "= \t"); i >= 0 {
			return s[:i], strings.TrimSpace(strings.TrimLeft(s[i:], "= \t"))
		}
		return s, ""
	}
	if len(s) > 2 {
		return s[:2], strings.TrimSpace(strings.TrimPrefix(s[2:], "="))
	}
	return s, ""
}

func (p *reqParser) file(display, abs string, data []byte, constraint bool) {
	key := abs
	if constraint {
		key += "\x00c"
	}
	p.visited[key] = true
	p.stack = append(p.stack, abs)
	defer func() { p.stack = p.stack[:len(p.stack)-1] }()

	for _, ll := range logicalLines(data) {
		s := ll.text
		if strings.HasPrefix(s, "-") {
			p.option(display, ll.line, s, constraint)
			continue
		}
		// Per-requirement options (--hash=..., --config-settings ...) start
		// at the first whitespace-separated token beginning with '-'.
		req := s
		if f := strings.Fields(s); len(f) > 1 {
			for i := 1; i < len(f); i++ {
				if strings.HasPrefix(f[i], "-") {
					idx := indexField(s, i)
					req = strings.TrimSpace(s[:idx])
					break
				}
			}
		}
		d, err := parseRequirement(req)
		if err != nil {
			p.res.diag(display, ll.line, "%v", err)
			continue
		}
		d.File, d.Line = display, ll.line
		d.Direct = !constraint
		d.Constraint = constraint
		p.res.Deps = append(p.res.Deps, d)
	}
}

// indexField returns the byte offset of the n-th whitespace-separated field.
func indexField(s string, n int) int {
	field, in := -1, false
	for i, r := range s {
		sp := r == ' ' || r == '\t'
		if !sp && !in {
			field++
			if field == n {
				return i
			}
		}
		in = !sp
	}
	return len(s)
}

func (p *reqParser) option(display string, line int, s string, constraint bool) {
	name, value := splitOption(s)
	switch name {
	case "-r", "--requirement":
		p.include(display, line, value, constraint)
		return
	case "-c", "--constraint":
		p.include(display, line, value, true)
		return
	case "-e", "--editable":
		if value == "" {
			p.res.diag(display, line, "%s without a value", name)
			return
		}
		d, err := parseRequirement(value)
		if err != nil {
			p.res.diag(display, line, "%v", err)
			return
		}
		d.Raw = s
		d.Unresolvable = "editable requirement (" + unresolvableReason(strings.TrimSpace(strings.SplitN(value, "#", 2)[0])) + ")"
		d.Specifier, d.Version, d.Pinned = "", "", false
		d.File, d.Line = display, line
		d.Direct = !constraint
		d.Constraint = constraint
		p.res.Deps = append(p.res.Deps, d)
		return
	}
	if _, ok := reqOptions[name]; ok {
		return
	}
	p.res.diag(display, line, "unknown option %q ignored", name)
}

func (p *reqParser) include(display string, line int, target string, constraint bool) {
	kind := "requirements"
	if constraint {
		kind = "constraints"
	}
	if target == "" {
		p.res.diag(display, line, "%s include without a file name", kind)
		return
	}
	if strings.Contains(target, "://") {
		p.res.diag(display, line, "remote %s file %q not fetched", kind, target)
		return
	}
	if len(p.stack) > p.opts.maxIncludeDepth() {
		p.res.diag(display, line, "%s include %q not followed: include depth exceeds %d, so what it declares is not checked", kind, target, p.opts.maxIncludeDepth())
		return
	}
	cur := p.stack[len(p.stack)-1]
	abs := target
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(filepath.Dir(cur), filepath.FromSlash(target))
	}
	abs = filepath.Clean(abs)
	if _, ok := p.bound.rel(abs); !ok {
		p.res.diag(display, line, "%s include %q is outside the scanned root; not followed", kind, target)
		return
	}
	for _, s := range p.stack {
		if s == abs {
			p.res.diag(display, line, "include cycle: %q is already being read", target)
			return
		}
	}
	key := abs
	if constraint {
		key += "\x00c"
	}
	if p.visited[key] {
		return
	}
	disp := target
	if !filepath.IsAbs(target) {
		disp = filepath.Join(filepath.Dir(display), filepath.FromSlash(target))
	}
	data, err := p.bound.read(abs, p.opts.maxFileSize())
	switch {
	case fsguard.Escapes(err):
		p.res.diag(display, line, "%s include %q leads outside the scanned root through a symbolic link; not followed", kind, target)
		return
	case err != nil:
		p.res.diag(display, line, "%s include %q not read: %s", kind, target, cause(err))
		return
	}
	p.file(disp, abs, data, constraint)
}
