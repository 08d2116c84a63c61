package semantic

import (
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Site is a place in the program: a node in a module, the scope it is
// evaluated in and the function it belongs to (nil at module or class level).
type Site struct {
	Module *Module
	Scope  *Scope
	Func   *Function
}

// CallSite is a call anywhere in the program. Callee and Target are filled
// in when the site is resolved: sites returned by CallsTo and CallsNamed
// are, and ResolveAll resolves every one. Read them only on sites those
// return: resolution happens concurrently with other rules.
type CallSite struct {
	Site
	Call   *syntax.Call
	Callee string    // qualified name, or "" when unknown
	Target *Function // the program function called, when known
}

// AssignSite is a value bound to a name or an attribute by an assignment,
// or a literal given as a keyword argument or dict value: where hard-coded
// values are looked for.
type AssignSite struct {
	Site
	Name  string      // the target name, attribute name, keyword or string key
	Node  syntax.Node // the assignment, keyword or dict entry key
	Value syntax.Expr
}

// StringSite is a string literal of at least minIndexedString bytes.
type StringSite struct {
	Site
	Node *syntax.Constant
}

// minIndexedString is the shortest string literal the index keeps: shorter
// ones cannot be keys or tokens worth reporting.
const minIndexedString = 16

// Index is one walk's worth of facts about every module, shared by all
// rules so that none walks the files again. Calls are resolved lazily, by
// the last component of the name they are asked for: most calls in a
// program are never asked about. An Index is safe for concurrent use.
type Index struct {
	Calls   []*CallSite
	Assigns []*AssignSite
	Strings []*StringSite

	p       *Program
	byShort map[string]*callGroup // by the called name's last component
}

// callGroup is the call sites sharing a called name, resolved together the
// first time one of them is asked for.
type callGroup struct {
	sites []*CallSite
	once  sync.Once
}

// group returns the resolved call sites called by a short name.
func (ix *Index) group(short string) []*CallSite {
	g := ix.byShort[short]
	if g == nil {
		return nil
	}
	g.once.Do(func() {
		for _, c := range g.sites {
			r := ix.p.resolveCall(c.Scope, c.Call)
			c.Callee, c.Target = r.Callee, r.Func
		}
	})
	return g.sites
}

// CallsTo returns the call sites whose callee is one of the qualified
// names, resolved.
func (ix *Index) CallsTo(names ...string) []*CallSite {
	var out []*CallSite
	for _, n := range names {
		short := n[strings.LastIndexByte(n, '.')+1:]
		for _, c := range ix.group(short) {
			if c.Callee == n {
				out = append(out, c)
			}
		}
	}
	return out
}

// CallsNamed returns the call sites that call something by one of the
// short names (the last component), resolved.
func (ix *Index) CallsNamed(shorts ...string) []*CallSite {
	var out []*CallSite
	for _, s := range shorts {
		out = append(out, ix.group(s)...)
	}
	return out
}

// ResolveAll resolves every call site.
func (ix *Index) ResolveAll() {
	for short := range ix.byShort {
		ix.group(short)
	}
}

// Index returns the program's index, built on first use.
func (p *Program) Index() *Index {
	p.indexOnce.Do(p.buildIndex)
	return p.index
}

func (p *Program) buildIndex() {
	ix := &Index{p: p, byShort: map[string]*callGroup{}}
	funcs := map[*syntax.FunctionDef]*Function{}
	for _, f := range p.Functions() {
		funcs[f.Node] = f
	}
	classes := map[*syntax.ClassDef]*Class{}
	for _, c := range p.AllClasses() {
		classes[c.Node] = c
	}
	for _, m := range p.Modules {
		b := indexer{p: p, ix: ix, funcs: funcs, classes: classes}
		b.stmts(Site{Module: m, Scope: m.Scope}, m.File.Body)
	}
	for _, c := range ix.Calls {
		if n := c.Call.CalleeName(); n != "" {
			g := ix.byShort[n]
			if g == nil {
				g = &callGroup{}
				ix.byShort[n] = g
			}
			g.sites = append(g.sites, c)
		}
	}
	p.index = ix
}

type indexer struct {
	p       *Program
	ix      *Index
	funcs   map[*syntax.FunctionDef]*Function
	classes map[*syntax.ClassDef]*Class
}

func (b *indexer) stmts(site Site, body []syntax.Stmt) {
	for _, st := range body {
		b.stmt(site, st)
	}
}

func (b *indexer) stmt(site Site, st syntax.Stmt) {
	switch n := st.(type) {
	case *syntax.FunctionDef:
		for _, d := range n.Decorators {
			b.expr(site, d)
		}
		for _, d := range allDefaults(n.Args) {
			b.expr(site, d)
		}
		if f := b.funcs[n]; f != nil {
			b.stmts(Site{Module: site.Module, Scope: f.Scope, Func: f}, n.Body)
		}
		return
	case *syntax.ClassDef:
		for _, d := range n.Decorators {
			b.expr(site, d)
		}
		for _, e := range n.Bases {
			b.expr(site, e)
		}
		for _, kw := range n.Keywords {
			b.expr(site, kw.Value)
		}
		if c := b.classes[n]; c != nil {
			b.stmts(Site{Module: site.Module, Scope: c.Scope, Func: site.Func}, n.Body)
		}
		return
	case *syntax.Assign:
		for _, t := range n.Targets {
			b.assign(site, t, n, n.Value)
		}
	case *syntax.AnnAssign:
		if n.Value != nil {
			b.assign(site, n.Target, n, n.Value)
		}
	}
	// Expressions of the statement, then nested statements.
	syntax.Inspect(st, func(node syntax.Node) bool {
		switch x := node.(type) {
		case nil:
			return false
		case syntax.Stmt:
			if x == st {
				return true
			}
			b.stmt(site, x)
			return false
		case syntax.Expr:
			b.expr(site, x)
			return false
		}
		return true
	})
}

func (b *indexer) assign(site Site, target syntax.Expr, node syntax.Node, value syntax.Expr) {
	switch t := target.(type) {
	case *syntax.Name:
		b.ix.Assigns = append(b.ix.Assigns, &AssignSite{Site: site, Name: t.ID, Node: node, Value: value})
	case *syntax.Attribute:
		b.ix.Assigns = append(b.ix.Assigns, &AssignSite{Site: site, Name: t.Attr.Name, Node: node, Value: value})
	case *syntax.Subscript:
		if k, ok := t.Slice.(*syntax.Constant); ok && k.Kind == syntax.ConstStr {
			b.ix.Assigns = append(b.ix.Assigns, &AssignSite{Site: site, Name: k.Value, Node: node, Value: value})
		}
	}
}

// expr records the calls, keyword arguments and dict entries in an
// expression (lambdas and comprehensions included).
func (b *indexer) expr(site Site, e syntax.Expr) {
	syntax.Inspect(e, func(node syntax.Node) bool {
		switch x := node.(type) {
		case *syntax.Call:
			b.ix.Calls = append(b.ix.Calls, &CallSite{Site: site, Call: x})
			for _, kw := range x.Keywords {
				// Only literal keyword values are of interest (secret=...,
				// debug=True): the rest would only cost memory.
				if _, lit := kw.Value.(*syntax.Constant); kw.Arg != nil && lit {
					b.ix.Assigns = append(b.ix.Assigns, &AssignSite{Site: site, Name: kw.Arg.Name, Node: kw, Value: kw.Value})
				}
			}
		case *syntax.Constant:
			if x.Kind == syntax.ConstStr && len(x.Value) >= minIndexedString {
				b.ix.Strings = append(b.ix.Strings, &StringSite{Site: site, Node: x})
			}
		case *syntax.Dict:
			for i, k := range x.Keys {
				if _, lit := x.Values[i].(*syntax.Constant); !lit {
					continue
				}
				if s, ok := k.(*syntax.Constant); ok && s.Kind == syntax.ConstStr {
					b.ix.Assigns = append(b.ix.Assigns, &AssignSite{Site: site, Name: s.Value, Node: k, Value: x.Values[i]})
				}
			}
		}
		return true
	})
}

func allDefaults(a *syntax.Arguments) []syntax.Expr {
	if a == nil {
		return nil
	}
	out := append([]syntax.Expr(nil), a.Defaults...)
	for _, d := range a.KwDefaults {
		if d != nil {
			out = append(out, d)
		}
	}
	return out
}
