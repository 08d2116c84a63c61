package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Defaults of the generator's knobs.
const (
	// DefaultVulnRate is the chance that a route slot of a router holds a
	// planted vulnerability (before the router's ordinary routes).
	DefaultVulnRate = 0.07
	// DefaultSafeRate is the chance that a route slot holds a safe
	// look-alike of a planted vulnerability.
	DefaultSafeRate = 0.07
	// DefaultServiceLines is about how large one service grows before the
	// generator starts another.
	DefaultServiceLines = 60_000
)

// Kinds of planted code in the manifest.
const (
	Vulnerable = "vulnerable" // fastapi-audit should report Rule on Line
	Safe       = "safe"       // a look-alike: nothing should be reported on Line
)

// Options tell Generate what to write.
type Options struct {
	Lines        int     // about how many lines to write in all
	Out          string  // directory to write into: missing or empty
	Seed         uint64  // the same seed and Lines give the same bytes
	VulnRate     float64 // chance that a route slot is a planted vulnerability (0: DefaultVulnRate)
	SafeRate     float64 // chance that a route slot is a safe look-alike (0: DefaultSafeRate)
	ServiceLines int     // about how many lines per service (0: DefaultServiceLines)
}

// Planted is one planted vulnerability, or one safe look-alike, in the
// manifest.
type Planted struct {
	Rule    string `json:"rule"`    // the rule that should (Vulnerable) or should not (Safe) report it
	File    string `json:"file"`    // slash path relative to the output directory
	Line    int    `json:"line"`    // 1-based line of the sink call, or of the route decorator for FA301
	Kind    string `json:"kind"`    // Vulnerable or Safe
	Variant string `json:"variant"` // which template planted it
}

// RuleCount counts the planted code of one rule.
type RuleCount struct {
	Vulnerable int `json:"vulnerable"`
	Safe       int `json:"safe"`
}

// Manifest is expected.json: what was generated and where the planted code
// is.
type Manifest struct {
	Generator   string               `json:"generator"`
	Seed        uint64               `json:"seed"`
	TargetLines int                  `json:"target_lines"`
	VulnRate    float64              `json:"vuln_rate"`
	SafeRate    float64              `json:"safe_rate"`
	Lines       int                  `json:"lines"`    // lines of every file written
	PyLines     int                  `json:"py_lines"` // lines of the .py files
	Files       int                  `json:"files"`
	PyFiles     int                  `json:"py_files"`
	Services    int                  `json:"services"`
	Domains     int                  `json:"domains"`
	Routes      int                  `json:"routes"`
	Counts      map[string]RuleCount `json:"counts"`
	Planted     []Planted            `json:"planted"`
}

// Totals returns the numbers of planted vulnerabilities and safe
// look-alikes.
func (m *Manifest) Totals() (vuln, safe int) {
	for _, c := range m.Counts {
		vuln += c.Vulnerable
		safe += c.Safe
	}
	return vuln, safe
}

// ManifestName is the manifest's file name in the output directory.
const ManifestName = "expected.json"

// Generate writes a code base into o.Out and returns its manifest, which
// it also writes as expected.json there.
func Generate(o Options) (*Manifest, error) {
	if o.Lines <= 0 {
		return nil, errors.New("-lines must be positive")
	}
	if o.VulnRate == 0 {
		o.VulnRate = DefaultVulnRate
	}
	if o.SafeRate == 0 {
		o.SafeRate = DefaultSafeRate
	}
	if o.VulnRate < 0 || o.SafeRate < 0 || o.VulnRate+o.SafeRate > 1 {
		return nil, errors.New("-vuln and -safe must be between 0 and 1 and add up to at most 1")
	}
	if o.ServiceLines <= 0 {
		o.ServiceLines = DefaultServiceLines
	}
	if entries, err := os.ReadDir(o.Out); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty", o.Out)
	}
	g := &gen{o: o, rng: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))}
	g.generate()
	m := g.manifest()
	for _, f := range g.files {
		path := filepath.Join(o.Out, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(f.data), 0o644); err != nil {
			return nil, err
		}
	}
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(o.Out, ManifestName), append(data, '\n'), 0o644); err != nil {
		return nil, err
	}
	return m, nil
}

// gen holds one generation's state. Every random choice comes from rng, in
// a fixed order, so a seed fixes the output.
type gen struct {
	o        Options
	rng      *rand.Rand
	files    []*outFile
	lines    int
	pyLines  int
	services int
	domains  int
	routes   int
	planted  []Planted
	plants   *plantNext
}

// outFile is one generated file.
type outFile struct {
	rel  string
	data string
}

func (g *gen) manifest() *Manifest {
	m := &Manifest{Generator: "fastapi-audit bench/gen 1", Seed: g.o.Seed, TargetLines: g.o.Lines,
		VulnRate: g.o.VulnRate, SafeRate: g.o.SafeRate, Lines: g.lines, PyLines: g.pyLines, Files: len(g.files),
		Services: g.services, Domains: g.domains, Routes: g.routes, Counts: map[string]RuleCount{}, Planted: g.planted}
	for _, f := range g.files {
		if strings.HasSuffix(f.rel, ".py") {
			m.PyFiles++
		}
	}
	sort.Slice(m.Planted, func(i, j int) bool {
		a, b := m.Planted[i], m.Planted[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	for _, p := range m.Planted {
		c := m.Counts[p.Rule]
		if p.Kind == Vulnerable {
			c.Vulnerable++
		} else {
			c.Safe++
		}
		m.Counts[p.Rule] = c
	}
	return m
}

// intn returns a number in [lo, hi].
func (g *gen) intn(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

// chance returns true with probability p.
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// pick returns one of xs.
func pick[T any](g *gen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// addFile records a file that is not Python.
func (g *gen) addFile(rel, data string) {
	g.files = append(g.files, &outFile{rel: rel, data: data})
	g.lines += strings.Count(data, "\n")
}

// addPy assembles a Python module: docstring, imports, body; and records
// the body's planted lines at their final line numbers.
func (g *gen) addPy(rel, doc string, im *imports, body *writer) {
	var head []string
	if doc != "" {
		head = append(head, `"""`+doc+`"""`)
	}
	if im != nil {
		head = append(head, im.render()...)
	}
	lines := head
	if len(body.lines) > 0 {
		if len(head) > 0 {
			// Two blank lines before a top-level def or class, one before
			// other statements.
			lines = append(lines, "")
			if first := strings.TrimSpace(body.lines[firstCode(body.lines)]); strings.HasPrefix(first, "def ") ||
				strings.HasPrefix(first, "class ") || strings.HasPrefix(first, "@") || strings.HasPrefix(first, "async def ") {
				lines = append(lines, "")
			}
		}
	}
	offset := len(lines) + 1 // 1-based line of body.lines[0]
	lines = append(lines, body.lines...)
	for _, mk := range body.marks {
		g.planted = append(g.planted, Planted{Rule: mk.rule, File: rel, Line: offset + mk.line, Kind: mk.kind, Variant: mk.variant})
	}
	data := strings.Join(lines, "\n")
	if len(lines) > 0 {
		data += "\n"
	}
	g.files = append(g.files, &outFile{rel: rel, data: data})
	n := strings.Count(data, "\n")
	g.lines += n
	g.pyLines += n
}

func firstCode(lines []string) int {
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	return 0
}

// writer accumulates the body of a Python module, line by line, with the
// planted lines it holds.
type writer struct {
	lines []string
	marks []mark
}

// mark is a planted line of a writer (0-based index in lines).
type mark struct {
	line                int
	rule, kind, variant string
}

// plant names what a snippet plants; nil for ordinary code.
type plant struct{ rule, kind, variant string }

// add appends text, one or more lines. A line of text that starts with
// "@@" is the planted line of p: the marker is removed and the line
// recorded.
func (w *writer) add(text string, p *plant) {
	for _, l := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(l, "@@"); ok {
			if p == nil {
				panic("planted line in an ordinary snippet: " + l)
			}
			w.marks = append(w.marks, mark{len(w.lines), p.rule, p.kind, p.variant})
			l = rest
		}
		w.lines = append(w.lines, strings.TrimRight(l, " "))
	}
}

// block appends a top-level definition, after two blank lines unless the
// body is empty.
func (w *writer) block(text string, p *plant) {
	if len(w.lines) > 0 {
		w.lines = append(w.lines, "", "")
	}
	w.add(strings.Trim(text, "\n"), p)
}

// stmt appends top-level statements, after one blank line unless the body
// is empty.
func (w *writer) stmt(text string) {
	if len(w.lines) > 0 {
		w.lines = append(w.lines, "")
	}
	w.add(strings.Trim(text, "\n"), nil)
}

// imports collects a module's imports and renders them as isort would:
// standard library, third party, first party, then relative imports, each
// sorted, `import x` before `from x import y`.
type imports struct {
	local string // the first-party top-level package
	plain map[string]bool
	from  map[string]map[string]bool
}

func newImports(local string) *imports {
	return &imports{local: local, plain: map[string]bool{}, from: map[string]map[string]bool{}}
}

// Import adds `import mod`.
func (im *imports) Import(mods ...string) {
	for _, m := range mods {
		im.plain[m] = true
	}
}

// From adds `from mod import names...`.
func (im *imports) From(mod string, names ...string) {
	if im.from[mod] == nil {
		im.from[mod] = map[string]bool{}
	}
	for _, n := range names {
		im.from[mod][n] = true
	}
}

var stdlib = map[string]bool{"ast": true, "base64": true, "collections": true, "csv": true, "datetime": true,
	"decimal": true, "enum": true, "hashlib": true, "hmac": true, "io": true, "json": true, "logging": true,
	"os": true, "pathlib": true, "pickle": true, "re": true, "secrets": true, "shlex": true, "sqlite3": true,
	"subprocess": true, "time": true, "typing": true, "urllib": true, "uuid": true, "zipfile": true, "functools": true,
	"itertools": true, "dataclasses": true, "contextlib": true}

func (im *imports) section(mod string) int {
	top, _, _ := strings.Cut(mod, ".")
	switch {
	case strings.HasPrefix(mod, "."):
		return 3
	case top == im.local:
		return 2
	case stdlib[top]:
		return 0
	}
	return 1
}

func (im *imports) render() []string {
	var out []string
	for sec := 0; sec < 4; sec++ {
		var plain, froms []string
		for m := range im.plain {
			if im.section(m) == sec {
				plain = append(plain, m)
			}
		}
		for m := range im.from {
			if im.section(m) == sec {
				froms = append(froms, m)
			}
		}
		if len(plain)+len(froms) == 0 {
			continue
		}
		sort.Strings(plain)
		sort.Slice(froms, func(i, j int) bool { return importKey(froms[i]) < importKey(froms[j]) })
		if len(out) > 0 {
			out = append(out, "")
		}
		for _, m := range plain {
			out = append(out, "import "+m)
		}
		for _, m := range froms {
			var names []string
			for n := range im.from[m] {
				names = append(names, n)
			}
			sort.Slice(names, func(i, j int) bool { return nameKey(names[i]) < nameKey(names[j]) })
			line := "from " + m + " import " + strings.Join(names, ", ")
			if len(line) <= 99 {
				out = append(out, line)
				continue
			}
			out = append(out, "from "+m+" import (")
			for _, n := range names {
				out = append(out, "    "+n+",")
			}
			out = append(out, ")")
		}
	}
	return out
}

// importKey sorts "." and ".models" after absolute names.
func importKey(mod string) string { return strings.ToLower(mod) }

// nameKey orders imported names by type as isort does: CONSTANTS,
// Classes, functions.
func nameKey(n string) string {
	switch {
	case strings.ToUpper(n) == n:
		return "0" + n
	case n[0] >= 'A' && n[0] <= 'Z':
		return "1" + n
	}
	return "2" + n
}
