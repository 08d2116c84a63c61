package taint

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// object kinds of variables whose members are sources.
type objKind uint8

const (
	objNone objKind = iota
	objRequest
	objUpload
)

// frame is one analysis of one function body.
type frame struct {
	e         *Engine
	f         *semantic.Function
	mod       *semantic.Module
	summary   bool // parameters are seeded by index, flows become summary hits
	env       map[string]*Value
	objects   map[string]objKind
	models    map[string]*fastapi.DataModel // variables holding a Pydantic model from the request
	types     map[string]string             // qualified class of variables, where known (with-targets, constructors)
	derived   map[string][]string           // the variables a variable's value was computed from
	consts    map[string]constant           // local variables bound to constants
	ret       *Value
	hits      []sinkHit
	flaskView bool // returns are response bodies
	work      int  // evaluations so far
	limit     int  // evaluations allowed (maxNodesPerFunc + funcWorkPerNode a node)
}

func (e *Engine) newFrame(f *semantic.Function, summary bool) *frame {
	return &frame{e: e, f: f, mod: f.Module, summary: summary, env: map[string]*Value{},
		objects: map[string]objKind{}, models: map[string]*fastapi.DataModel{}, types: map[string]string{},
		derived: map[string][]string{}, consts: map[string]constant{},
		limit: maxNodesPerFunc + funcWorkPerNode*e.size(f)}
}

// size returns the number of nodes in a function's body (nested functions
// included), counted once per function.
func (e *Engine) size(f *semantic.Function) int {
	if n, ok := e.sizes[f]; ok {
		return n
	}
	n := 0
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(x syntax.Node) bool {
			if x != nil {
				n++
			}
			return true
		})
	}
	e.sizes[f] = n
	return n
}

// spent reports whether the frame may not evaluate more: its function's
// limit or the scan's budget is reached. The first time the function's
// limit stops it, at node n, the cut is recorded.
func (fa *frame) spent(n syntax.Node) bool {
	if fa.e.work > fa.e.budget {
		return true // counted by Run as a skipped entry
	}
	if fa.work <= fa.limit {
		return false
	}
	if k := (cutKey{fa.f, EvaluationsCut}); !fa.e.cut[k] {
		fa.e.cut[k] = true
		fa.e.res.Cuts = append(fa.e.res.Cuts, Cut{Func: fa.f, Module: fa.mod, Node: n, Evaluations: fa.limit})
	}
	return true
}

func (fa *frame) run() {
	fa.block(fa.f.Node.Body)
}

// exits reports a block that never falls through.
func exits(body []syntax.Stmt) bool {
	if len(body) == 0 {
		return false
	}
	switch last := body[len(body)-1].(type) {
	case *syntax.Raise, *syntax.Return, *syntax.Continue, *syntax.Break:
		return true
	case *syntax.If:
		return exits(last.Body) && exits(last.Orelse)
	}
	return false
}

func (fa *frame) copyEnv() map[string]*Value {
	out := make(map[string]*Value, len(fa.env))
	for k, v := range fa.env {
		out[k] = v
	}
	return out
}

// join merges the environment of another path into the current one.
func (fa *frame) join(other map[string]*Value) {
	for k, v := range other {
		fa.env[k] = merge(fa.env[k], v)
	}
}

func (fa *frame) block(body []syntax.Stmt) {
	for _, st := range body {
		if fa.spent(st) {
			return
		}
		fa.stmt(st)
	}
}

func (fa *frame) stmt(st syntax.Stmt) {
	switch n := st.(type) {
	case *syntax.ExprStmt:
		fa.eval(n.Value)
	case *syntax.Assign:
		v := fa.eval(n.Value)
		for _, t := range n.Targets {
			fa.bind(t, v, n.Value)
		}
	case *syntax.AnnAssign:
		if n.Value != nil {
			fa.bind(n.Target, fa.eval(n.Value), n.Value)
		}
	case *syntax.AugAssign:
		v := fa.eval(n.Value)
		if name := targetName(n.Target); name != "" {
			fa.env[name] = merge(fa.env[name], v.with(fa.mod, n, "appended to "+name))
		}
	case *syntax.Return:
		if n.Value != nil {
			v := fa.eval(n.Value)
			fa.ret = merge(fa.ret, v)
			if fa.flaskView && v != nil {
				for _, s := range fa.e.byStore["return"] {
					if !v.safeFor(s.Class) {
						fa.hitAt(s, n, nil, n.Value, v)
					}
				}
			}
		}
	case *syntax.If:
		fa.eval(n.Test)
		if c, ok := fa.constOf(n.Test, 0); ok {
			// A branch that can never run is skipped.
			if truthy(c) {
				fa.block(n.Body)
			} else {
				fa.block(n.Orelse)
			}
			return
		}
		before := fa.copyEnv()
		constsBefore := copyConsts(fa.consts)
		fa.block(n.Body)
		afterBody, constsBody := fa.env, fa.consts
		fa.env, fa.consts = before, copyConsts(constsBefore)
		fa.block(n.Orelse)
		// Only what both branches agree on stays constant.
		for k, v := range fa.consts {
			if b, ok := constsBody[k]; !ok || b != v {
				delete(fa.consts, k)
			}
		}
		switch {
		case exits(n.Body) && !exits(n.Orelse):
			// `if not safe(x): raise` guards what follows.
			fa.guard(n.Test)
		case exits(n.Orelse) && !exits(n.Body):
			fa.env = afterBody
		default:
			fa.join(afterBody)
		}
	case *syntax.For:
		constsBefore := copyConsts(fa.consts)
		defer fa.keepConsts(constsBefore)
		v := fa.eval(n.Iter)
		fa.bind(n.Target, v.with(fa.mod, n.Target, "loop variable"), nil)
		for i := 0; i < 2; i++ { // twice: values carried around the loop
			fa.block(n.Body)
		}
		fa.block(n.Orelse)
	case *syntax.While:
		constsBefore := copyConsts(fa.consts)
		defer fa.keepConsts(constsBefore)
		fa.eval(n.Test)
		for i := 0; i < 2; i++ {
			fa.block(n.Body)
		}
		fa.block(n.Orelse)
	case *syntax.With:
		for _, it := range n.Items {
			v := fa.eval(it.ContextExpr)
			if it.OptionalVars != nil {
				fa.bind(it.OptionalVars, v, it.ContextExpr)
				if name := targetName(it.OptionalVars); name != "" {
					if t := fa.e.prog.TypeOf(fa.f.Scope, it.ContextExpr); t != "" {
						fa.types[name] = t
					}
				}
			}
		}
		fa.block(n.Body)
	case *syntax.Try:
		fa.block(n.Body)
		afterBody := fa.copyEnv()
		for _, h := range n.Handlers {
			// A handler may run after any part of the body.
			saved := fa.copyEnv()
			if h.Name != nil {
				fa.env[h.Name.Name] = nil
			}
			fa.block(h.Body)
			handled := fa.env
			fa.env = saved
			fa.join(handled)
		}
		fa.join(afterBody)
		fa.block(n.Orelse)
		fa.block(n.Finalbody)
	case *syntax.Match:
		fa.eval(n.Subject)
		subject, constSubject := fa.constOf(n.Subject, 0)
		before := fa.copyEnv()
		var joined []map[string]*Value
		exhaustive := false
		for _, c := range n.Cases {
			matches := patternMatches(fa, c.Pattern, subject, constSubject)
			if matches == matchNever {
				continue
			}
			fa.env = copyEnvMap(before)
			if c.Guard != nil {
				fa.eval(c.Guard)
			}
			fa.block(c.Body)
			joined = append(joined, fa.env)
			if matches == matchAlways && c.Guard == nil {
				exhaustive = true
				break
			}
		}
		fa.env = before
		if exhaustive && len(joined) > 0 {
			fa.env = joined[len(joined)-1]
			joined = joined[:len(joined)-1]
		}
		for _, env := range joined {
			fa.join(env)
		}
	case *syntax.Assert:
		fa.eval(n.Test)
		fa.guard(n.Test) // assert host in ALLOWED guards what follows
	case *syntax.Delete, *syntax.Pass, *syntax.Break, *syntax.Continue, *syntax.Global, *syntax.Nonlocal,
		*syntax.Import, *syntax.ImportFrom, *syntax.FunctionDef, *syntax.ClassDef:
	case *syntax.Raise:
		fa.eval(n.Exc)
	}
}

func copyEnvMap(m map[string]*Value) map[string]*Value {
	out := make(map[string]*Value, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Whether a case pattern matches a subject.
const (
	matchMaybe = iota
	matchNever
	matchAlways
)

// patternMatches decides a case for a constant subject where it can
// (literal and wildcard patterns); anything else may match.
func patternMatches(fa *frame, p syntax.Pattern, subject constant, known bool) int {
	switch x := p.(type) {
	case *syntax.MatchAs:
		if x.Pattern == nil {
			return matchAlways // _ or a capture
		}
		return patternMatches(fa, x.Pattern, subject, known)
	case *syntax.MatchValue:
		if !known {
			return matchMaybe
		}
		v, ok := fa.constOf(x.Value, 0)
		if !ok {
			return matchMaybe
		}
		if v == subject {
			return matchAlways
		}
		return matchNever
	case *syntax.MatchOr:
		result := matchNever
		for _, alt := range x.Patterns {
			switch patternMatches(fa, alt, subject, known) {
			case matchAlways:
				return matchAlways
			case matchMaybe:
				result = matchMaybe
			}
		}
		return result
	}
	return matchMaybe
}

func copyConsts(m map[string]constant) map[string]constant {
	out := make(map[string]constant, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// keepConsts keeps only the constants a loop left as they were before it.
func (fa *frame) keepConsts(before map[string]constant) {
	for k, v := range fa.consts {
		if b, ok := before[k]; !ok || b != v {
			delete(fa.consts, k)
		}
	}
}

// targetName is the environment key of an assignment target: a name, or
// name.attr for one level of attribute.
func targetName(t syntax.Expr) string {
	switch t := t.(type) {
	case *syntax.Name:
		return t.ID
	case *syntax.Attribute:
		if n, ok := t.Value.(*syntax.Name); ok {
			return n.ID + "." + t.Attr.Name
		}
	}
	return ""
}

// bind assigns a value to a target.
func (fa *frame) bind(t syntax.Expr, v *Value, value syntax.Expr) {
	switch t := t.(type) {
	case *syntax.Name:
		fa.env[t.ID] = v
		delete(fa.consts, t.ID)
		if value != nil {
			if c, ok := fa.constOf(value, 0); ok {
				fa.consts[t.ID] = c
			}
		}
		delete(fa.objects, t.ID)
		delete(fa.models, t.ID)
		delete(fa.types, t.ID)
		delete(fa.derived, t.ID)
		if value != nil {
			var from []string
			syntax.Inspect(value, func(n syntax.Node) bool {
				if name, ok := n.(*syntax.Name); ok && name.ID != t.ID {
					from = append(from, name.ID)
				}
				return true
			})
			fa.derived[t.ID] = from
			if dm := fa.modelOf(value); dm != nil && v != nil {
				fa.models[t.ID] = dm
			}
			if k := fa.objectOf(value); k != objNone {
				fa.objects[t.ID] = k
			}
			if call, ok := value.(*syntax.Call); ok {
				if typ := fa.e.prog.TypeOf(fa.f.Scope, call); typ != "" {
					fa.types[t.ID] = typ
				}
			}
		}
	case *syntax.Attribute:
		if name := targetName(t); name != "" {
			fa.env[name] = v
		}
	case *syntax.Subscript:
		// d[k] = v taints the container.
		if name := targetName(t.Value); name != "" && v != nil {
			fa.env[name] = merge(fa.env[name], v.with(fa.mod, t, "stored in "+name))
		}
		// response.headers["X"] = v and other store sinks.
		if a, ok := t.Value.(*syntax.Attribute); ok && v != nil && value != nil {
			for _, s := range fa.e.byStore[a.Attr.Name] {
				if !v.safeFor(s.Class) {
					fa.hitAt(s, t, nil, value, v)
				}
			}
		}
	case *syntax.Tuple:
		for _, el := range t.Elts {
			fa.bind(el, v, nil)
		}
	case *syntax.List:
		for _, el := range t.Elts {
			fa.bind(el, v, nil)
		}
	case *syntax.Starred:
		fa.bind(t.Value, v, nil)
	}
}

// guardRE-like markers: conditions that check a value against an allow
// list, a prefix, a pattern or a containing directory.
var guardWords = []string{" in ", "is_relative_to", "commonpath", "parent", "startswith", "fullmatch", "match(", "netloc", "hostname", "isalnum", "isdigit", "isidentifier", "isdecimal"}

// guard sanitizes the variables a failed-check condition names: after
// `if host not in ALLOWED: raise`, host is trusted.
func (fa *frame) guard(test syntax.Expr) {
	text := fa.mod.File.Text(test)
	isGuard := false
	for _, w := range guardWords {
		if strings.Contains(text, w) {
			isGuard = true
			break
		}
	}
	if !isGuard {
		return
	}
	// The checked variables are trusted, and so are the values they were
	// computed from: after `host = urlsplit(url).hostname` and a check of
	// host, url is trusted too.
	var trust func(name string, depth int)
	trust = func(name string, depth int) {
		if v := fa.env[name]; v != nil {
			fa.env[name] = v.sanitized(AllClasses)
		}
		if depth < 2 {
			for _, from := range fa.derived[name] {
				trust(from, depth+1)
			}
		}
	}
	syntax.Inspect(test, func(n syntax.Node) bool {
		if name, ok := n.(*syntax.Name); ok {
			trust(name.ID, 0)
		}
		return true
	})
}

// modelOf returns the Pydantic model an expression holds, when it is
// request data of a known model type (a body parameter or one of its
// model-typed fields).
func (fa *frame) modelOf(e syntax.Expr) *fastapi.DataModel {
	switch x := e.(type) {
	case *syntax.Name:
		return fa.models[x.ID]
	case *syntax.Attribute:
		base := fa.modelOf(x.Value)
		if base == nil {
			return nil
		}
		if f := fieldOf(base, x.Attr.Name); f != nil {
			if dm := fa.e.model.ModelOf(f.Type); dm != nil && dm.Pydantic {
				return dm
			}
		}
	}
	return nil
}

func fieldOf(dm *fastapi.DataModel, name string) *fastapi.Field {
	for _, f := range dm.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

func (fa *frame) objectOf(e syntax.Expr) objKind {
	if n, ok := e.(*syntax.Name); ok {
		return fa.objects[n.ID]
	}
	return objNone
}
