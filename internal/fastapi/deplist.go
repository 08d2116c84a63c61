package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// builtDependencies reads a dependency list held in a variable of the
// function (or module) that uses it, built up before the use:
//
//	dependencies = [Depends(a), Depends(b)]
//	if authentication_enabled:
//	    dependencies.append(Depends(is_authenticated))
//	router = APIRouter(dependencies=dependencies)
//
// The literal's dependencies apply always; those appended or extended
// under an if statement carry its condition in Cond, as for a conditional
// expression. ok is false when the variable is not a single literal list
// (assigned more than once, built elsewhere): the caller says so.
func (m *Model) builtDependencies(mod *semantic.Module, s *semantic.Scope, name *syntax.Name) (out []*Dependency, ok bool) {
	sym, sc := s.Lookup(name.ID)
	if sym == nil || sym.Kind != semantic.VarSym || sc == nil {
		return nil, false
	}
	init := sym.Value()
	switch init.(type) {
	case *syntax.List, *syntax.Tuple:
	default:
		return nil, false
	}
	out = m.dependencyList(mod, s, init)
	var body []syntax.Stmt
	switch n := sc.Node.(type) {
	case *syntax.FunctionDef:
		body = n.Body
	case nil:
		body = mod.File.Body
	default:
		return out, true
	}
	var walk func(stmts []syntax.Stmt, cond string)
	walk = func(stmts []syntax.Stmt, cond string) {
		for _, st := range stmts {
			if st.Pos() >= name.Pos() {
				return // changes after the use do not reach the router
			}
			switch v := st.(type) {
			case *syntax.If:
				test := exprText(mod, v.Test)
				walk(v.Body, joinCond(cond, test))
				walk(v.Orelse, joinCond(cond, "not "+test))
			case *syntax.ExprStmt:
				call, isCall := v.Value.(*syntax.Call)
				if !isCall || len(call.Args) != 1 {
					continue
				}
				attr, isAttr := call.Func.(*syntax.Attribute)
				if !isAttr {
					continue
				}
				if recv, isName := attr.Value.(*syntax.Name); !isName || recv.ID != name.ID {
					continue
				}
				var added []*Dependency
				switch attr.Attr.Name {
				case "append":
					added = m.dependencyList(mod, s, &syntax.List{Span: v.Span, Elts: []syntax.Expr{call.Args[0]}})
				case "extend":
					added = m.dependencyList(mod, s, call.Args[0])
				}
				for _, d := range added {
					if d.Cond == "" {
						d.Cond = cond
					}
					out = append(out, d)
				}
			}
		}
	}
	walk(body, "")
	return out, true
}

// joinCond is the condition of nested if statements: "a and b".
func joinCond(outer, inner string) string {
	if outer == "" {
		return inner
	}
	return outer + " and " + inner
}
