package fastapi

import (
	"iter"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// envRE matches the names and values that tell deployment environments
// apart in conditions.
var envRE = namere.MustCompile(`(?i)\b(\w*env\w*|stage|staging|debug|production|prod|development|dev|local|testing|is_prod\w*|is_dev\w*|is_local|show_docs|enable_docs|docs_enabled)\b`)

// EnvironmentCondition reports whether a condition tells environments
// apart (`settings.ENVIRONMENT == "production"`, `if DEBUG:`).
func EnvironmentCondition(mod *semantic.Module, cond syntax.Expr) bool {
	return envRE.MatchString(mod.File.Text(cond))
}

// EnvironmentGated reports whether the value of an expression depends on
// the deployment environment: a conditional expression on the environment,
// a setting read from configuration (settings.X, os.environ, os.getenv), or
// a variable assigned under such conditions.
func (m *Model) EnvironmentGated(s *semantic.Scope, e syntax.Expr) bool {
	return m.gated(s, e, 0)
}

func (m *Model) gated(s *semantic.Scope, e syntax.Expr, depth int) bool {
	if e == nil || depth > 8 {
		return false
	}
	switch e := e.(type) {
	case *syntax.IfExp:
		return EnvironmentCondition(s.Module, e.Test) || m.gated(s, e.Body, depth+1) || m.gated(s, e.Orelse, depth+1)
	case *syntax.Call:
		switch m.Prog.Qualify(s, e.Func) {
		case "os.getenv", "os.environ.get", "decouple.config", "environs.Env":
			return true
		}
		if a, ok := e.Func.(*syntax.Attribute); ok && a.Attr.Name == "get" {
			return m.gated(s, a.Value, depth+1)
		}
	case *syntax.Subscript:
		return m.Prog.Qualify(s, e.Value) == "os.environ" || m.gated(s, e.Value, depth+1)
	case *syntax.Attribute:
		if m.Prog.Qualify(s, e) == "os.environ" {
			return true
		}
		// settings.DOCS_URL: a field of a settings class, read from the
		// environment.
		if dm := m.ModelOf(m.Prog.TypeOf(s, e.Value)); dm != nil && dm.Settings {
			return true
		}
		if sym, sc := m.Prog.ResolveScope(s, e); sym != nil && sc != nil && sym.Kind == semantic.VarSym {
			return m.symbolGated(sc, sym, depth)
		}
	case *syntax.Name:
		if sym, sc := m.Prog.ResolveScope(s, e); sym != nil && sc != nil && sym.Kind == semantic.VarSym {
			return m.symbolGated(sc, sym, depth)
		}
	case *syntax.BoolOp:
		for _, v := range e.Values {
			if m.gated(s, v, depth+1) {
				return true
			}
		}
	}
	return false
}

// symbolGated: a variable assigned more than once (in branches) or from a
// gated value.
func (m *Model) symbolGated(sc *semantic.Scope, sym *semantic.Symbol, depth int) bool {
	if len(sym.Values) > 1 {
		return true
	}
	return m.gated(sc, sym.Value(), depth+1)
}

// Conds is the conditions of the if statements around a statement, in its
// own function, innermost first. It is a persistent list: the statements
// under an if share its cell, so nesting costs a cell per if statement,
// never a copy of the list per level (an elif chain of N branches would
// otherwise copy N²/2 conditions).
type Conds struct {
	Test  syntax.Expr
	Outer *Conds
	// env remembers EnvironmentGatedConds's answer for the list from
	// here out: 0 unknown, 1 no, 2 yes. Rules ask concurrently; the
	// answer is the same whoever computes it.
	env atomic.Int32
}

// With returns the list with one more, innermost, condition; c may be nil.
func (c *Conds) With(test syntax.Expr) *Conds {
	return &Conds{Test: test, Outer: c}
}

// All yields the conditions, innermost first.
func (c *Conds) All() iter.Seq[syntax.Expr] {
	return func(yield func(syntax.Expr) bool) {
		for ; c != nil; c = c.Outer {
			if !yield(c.Test) {
				return
			}
		}
	}
}

// Len returns the number of conditions.
func (c *Conds) Len() int {
	n := 0
	for ; c != nil; c = c.Outer {
		n++
	}
	return n
}

// EnvironmentGatedConds reports whether any of the conditions tells
// environments apart. Each list cell is tested once, whatever the number
// of statements under it.
func EnvironmentGatedConds(mod *semantic.Module, conds *Conds) bool {
	// The cells whose answer is not known yet, innermost first; the
	// answer of each is its own test's or its outer list's.
	var todo []*Conds
	known := false
	for c := conds; c != nil; c = c.Outer {
		if v := c.env.Load(); v != 0 {
			known = v == 2
			break
		}
		todo = append(todo, c)
	}
	for i := len(todo) - 1; i >= 0; i-- {
		known = known || EnvironmentCondition(mod, todo[i].Test)
		v := int32(1)
		if known {
			v = 2
		}
		todo[i].env.Store(v)
	}
	return known
}
