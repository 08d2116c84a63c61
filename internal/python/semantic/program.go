// Package semantic gives parsed Python modules their meaning: module names
// from paths, imports, scopes and the names bound in them, qualified names
// for expressions (`from fastapi import FastAPI as F; F()` calls
// fastapi.FastAPI), classes and their bases across modules, simple types of
// variables, and the calls each function makes.
package semantic

import (
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/parallel"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Program is a set of modules analysed together.
type Program struct {
	Modules []*Module
	byName  map[string]*Module
	roots   map[string]bool // first components of module names and aliases
	funcs   map[string]*Function
	classes map[string]*Class

	// Answers computed on demand. Rules run concurrently once the program
	// is built, so each is safe for concurrent use: the memos are locked maps
	// (a name's answer depends only on the program, so two goroutines
	// computing it at once store the same value) and the rest are built
	// once.
	canon       *memo[string]   // Canonical's answers
	ancestors   *memo[[]string] // Ancestors' answers
	subclass    *memo[bool]     // IsSubclass's answers, by bases and class
	callers     map[*Function][]*Function
	callersOnce sync.Once
	index       *Index
	indexOnce   sync.Once
}

// Module is one Python source file.
type Module struct {
	Name    string // dotted module name, e.g. app.api.routes.users
	Path    string // path the file was read from
	Rel     string // slash path relative to the scan root
	Package bool   // an __init__.py
	File    *syntax.File
	Scope   *Scope
	Funcs   []*Function // every function and method defined in the module, in source order
	Classes []*Class    // every class, in source order
}

// Input is one parsed file handed to New.
type Input struct {
	Path, Rel string
	File      *syntax.File
}

// New analyses the files as one program. A module's name comes from its
// path: the file's directory and the parents that hold an __init__.py form
// its package (so a src/ layout or a project scanned from a parent
// directory names modules as Python would). The name of the whole path
// below the scan root is kept as an alias, for namespace packages.
func New(files []Input) *Program {
	p := &Program{byName: map[string]*Module{}, funcs: map[string]*Function{}, classes: map[string]*Class{},
		canon: newMemo[string](), ancestors: newMemo[[]string](), subclass: newMemo[bool]()}
	pkgDirs := map[string]bool{}
	for _, in := range files {
		if d, base := path.Split(cleanRel(in.Rel)); base == "__init__.py" || base == "__init__.pyi" {
			pkgDirs[strings.TrimSuffix(d, "/")] = true
		}
	}
	// Each file's name by its package chain, and by its whole path.
	type entry struct {
		in          Input
		rel         string
		chain, full string
		pkg         bool
	}
	var entries []entry
	chainCount := map[string]int{}
	suffixCount := map[string]int{}
	for _, in := range files {
		rel := cleanRel(in.Rel)
		name, pkg := ModuleName(rel, pkgDirs)
		if pkgDirs[""] && rootPackage(name, rel, pkgDirs) {
			// The scan root is itself a package: its directory name
			// starts the module names, as imports spell them.
			if root := rootName(in); root != "" {
				name = strings.TrimSuffix(root+"."+name, ".")
			}
		}
		if name == "" {
			continue
		}
		full, _ := ModuleName(rel, nil)
		entries = append(entries, entry{in, rel, name, full, pkg})
		chainCount[name]++
		for _, s := range suffixes(full) {
			suffixCount[s]++
		}
	}
	for _, e := range entries {
		name := e.chain
		if chainCount[name] > 1 {
			// Namespace packages (no __init__.py) give several files the
			// same short name: use the shortest unique tail of the path.
			name = e.chain + "@" + e.rel
			for _, s := range suffixes(e.full) {
				if suffixCount[s] == 1 && strings.Count(s, ".") >= strings.Count(e.chain, ".") {
					name = s
					break
				}
			}
		}
		if _, dup := p.byName[name]; dup {
			// A .py and its .pyi stub, or two scan roots: keep the first.
			name = name + "@" + e.rel
		}
		m := &Module{Name: name, Path: e.in.Path, Rel: e.in.Rel, Package: e.pkg, File: e.in.File}
		p.Modules = append(p.Modules, m)
		p.byName[name] = m
	}
	// Every unique tail of a file's path names it too, so that imports
	// written from a source root below the scan root resolve
	// (app/apis/menu/utils.py is apis.menu.utils when app/ is on sys.path).
	for i, e := range entries {
		m := p.Modules[i]
		for _, s := range suffixes(e.full) {
			if suffixCount[s] == 1 {
				if _, taken := p.byName[s]; !taken {
					p.byName[s] = m
				}
			}
		}
		// A file in a namespace directory (no __init__.py) of a scan root
		// that is itself a package is imported through the root's name
		// (root/sub/views.py is root.sub.views).
		if pkgDirs[""] && !rootPackage(e.chain, e.rel, pkgDirs) {
			if root := rootName(e.in); root != "" {
				if _, taken := p.byName[root+"."+e.full]; !taken {
					p.byName[root+"."+e.full] = m
				}
			}
		}
	}
	p.roots = map[string]bool{}
	for name := range p.byName {
		first, _, _ := strings.Cut(name, ".")
		p.roots[first] = true
	}
	// Modules are bound on every core, each on its own; the program's
	// tables are then filled in module order, so that the first
	// definition of a qualified name wins as when binding one by one.
	binders := make([]*binder, len(p.Modules))
	parallel.For(len(p.Modules), 0, nil, func(i int) {
		m := p.Modules[i]
		b := &binder{p: p, m: m, classes: map[string]*Class{}}
		m.Scope = newScope(ModuleScope, nil, m, nil, m.Name)
		b.stmts(m.Scope, m.File.Body)
		binders[i] = b
	})
	var stars []starImport
	for i, m := range p.Modules {
		for _, f := range m.Funcs {
			if _, dup := p.funcs[f.Qual]; !dup {
				p.funcs[f.Qual] = f
			}
		}
		for _, c := range m.Classes {
			if _, dup := p.classes[c.Qual]; !dup {
				p.classes[c.Qual] = c
			}
		}
		stars = append(stars, binders[i].stars...)
	}
	p.bindStars(stars)
	for _, c := range p.classes {
		for _, f := range c.Scope.funcs {
			c.Methods[f.Node.Name.Name] = f
		}
	}
	return p
}

// rootPackage reports whether a module's package chain reaches the scan
// root (which holds an __init__.py).
func rootPackage(name, rel string, pkgDirs map[string]bool) bool {
	dir := path.Dir(rel)
	for dir != "." && dir != "/" && dir != "" {
		if !pkgDirs[dir] {
			return false
		}
		dir = path.Dir(dir)
	}
	return true
}

// rootName is the name of the directory a file was found under.
func rootName(in Input) string {
	p := filepath.ToSlash(in.Path)
	rel := cleanRel(in.Rel)
	if !strings.HasSuffix(p, rel) {
		return ""
	}
	root := strings.TrimSuffix(strings.TrimSuffix(p, rel), "/")
	if root == "" || root == "." {
		abs, err := filepath.Abs(".")
		if err != nil {
			return ""
		}
		root = filepath.ToSlash(abs)
	} else if abs, err := filepath.Abs(root); err == nil {
		root = filepath.ToSlash(abs)
	}
	base := path.Base(root)
	if base == "/" || base == "." || strings.ContainsAny(base, " .") {
		return ""
	}
	return strings.ReplaceAll(base, "-", "_")
}

// suffixes returns the dotted tails of a module name, shortest first:
// a.b.c gives c, b.c, a.b.c.
func suffixes(name string) []string {
	var out []string
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '.' {
			out = append(out, name[i+1:])
		}
	}
	return append(out, name)
}

func cleanRel(rel string) string { return strings.TrimPrefix(path.Clean("/"+rel), "/") }

// ModuleName derives a dotted module name from a slash path relative to the
// scan root. With pkgDirs (the directories holding an __init__.py), the name
// starts at the outermost directory of the file's package chain; without,
// it is the whole path, less a leading src/ directory. __init__ files name
// their package.
func ModuleName(rel string, pkgDirs map[string]bool) (name string, pkg bool) {
	rel = cleanRel(rel)
	for _, ext := range []string{".pyi", ".py"} {
		if strings.HasSuffix(rel, ext) {
			rel = strings.TrimSuffix(rel, ext)
			break
		}
	}
	parts := strings.Split(rel, "/")
	if pkgDirs != nil {
		start := len(parts) - 1
		for start > 0 && pkgDirs[strings.Join(parts[:start], "/")] {
			start--
		}
		parts = parts[start:]
	} else if len(parts) > 1 && parts[0] == "src" {
		parts = parts[1:]
	}
	if parts[len(parts)-1] == "__init__" {
		pkg = true
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 {
		return "", true
	}
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(s, "-", "_")
	}
	return strings.Join(parts, "."), pkg
}

// Module returns the module with a dotted name, or nil.
func (p *Program) Module(name string) *Module { return p.byName[name] }

// Func returns the function or method with a canonical qualified name.
func (p *Program) Func(qual string) *Function { return p.funcs[p.Canonical(qual)] }

// Class returns the class with a canonical qualified name.
func (p *Program) Class(qual string) *Class { return p.classes[p.Canonical(qual)] }

// Functions returns every function in the program, in module order.
func (p *Program) Functions() []*Function {
	var out []*Function
	for _, m := range p.Modules {
		out = append(out, m.Funcs...)
	}
	return out
}

// AllClasses returns every class in the program, in module order.
func (p *Program) AllClasses() []*Class {
	var out []*Class
	for _, m := range p.Modules {
		out = append(out, m.Classes...)
	}
	return out
}

// splitModule finds the longest program module that prefixes a qualified
// name, returning it and the rest of the name ("" when the name is the
// module itself). Names outside the program's packages return at once.
func (p *Program) splitModule(qual string) (*Module, string) {
	first := qual
	if i := strings.IndexByte(qual, '.'); i >= 0 {
		first = qual[:i]
	}
	if !p.roots[first] {
		return nil, ""
	}
	for end := len(qual); end > 0; {
		if m := p.byName[qual[:end]]; m != nil {
			if end == len(qual) {
				return m, ""
			}
			return m, qual[end+1:]
		}
		end = strings.LastIndexByte(qual[:end], '.')
	}
	return nil, ""
}

// Canonical follows re-exports: a name imported into a program module and
// used through it (`from app.deps import get_db` where app.deps imported
// get_db from app.db) is given the name of its definition.
func (p *Program) Canonical(qual string) string {
	first := qual
	if i := strings.IndexByte(qual, '.'); i >= 0 {
		first = qual[:i]
	}
	if !p.roots[first] {
		return qual // not a program module's name (fastapi.Depends): nothing to follow
	}
	if c, ok := p.canon.load(qual); ok {
		return c
	}
	c := p.canonical(qual)
	p.canon.store(qual, c)
	return c
}

func (p *Program) canonical(qual string) string {
	for range 32 {
		m, rest := p.splitModule(qual)
		if m == nil {
			return qual
		}
		if rest == "" {
			return m.Name
		}
		first, tail, _ := strings.Cut(rest, ".")
		canon := m.Name + "." + rest
		sym := m.Scope.Names[first]
		if sym == nil || sym.Kind != ImportSym {
			return canon
		}
		next := sym.Target
		if tail != "" {
			next += "." + tail
		}
		if next == qual || next == canon {
			return canon
		}
		qual = next
	}
	return qual
}

// Symbol returns the module-level symbol a canonical qualified name points
// to, with its module, or nil.
func (p *Program) Symbol(qual string) (*Symbol, *Module) {
	m, rest := p.splitModule(p.Canonical(qual))
	if m == nil || rest == "" || strings.IndexByte(rest, '.') >= 0 {
		return nil, nil
	}
	return m.Scope.Names[rest], m
}

// Callers returns the functions that call f (resolved calls only).
func (p *Program) Callers(f *Function) []*Function {
	p.callersOnce.Do(func() {
		p.callers = map[*Function][]*Function{}
		for _, g := range p.Functions() {
			seen := map[*Function]bool{}
			for _, c := range g.Calls(p) {
				if c.Func != nil && !seen[c.Func] {
					seen[c.Func] = true
					p.callers[c.Func] = append(p.callers[c.Func], g)
				}
			}
		}
	})
	return p.callers[f]
}

// sortedNames returns the keys of a symbol table in order.
func sortedNames(m map[string]*Symbol) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
