package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// argItems returns the items of a list argument (dependencies=,
// middleware=): a list or tuple display; both branches of
// `[...] if flag else []`; or a variable bound to a list in the same
// function, with what is appended to it later (`deps.append(Depends(is_authenticated))`, `deps += [...]`,
// conditionally or not: the route is authenticated where the condition
// holds, and the inventory lists that configuration).
func (m *Model) argItems(s *semantic.Scope, e syntax.Expr) []syntax.Expr {
	switch v := e.(type) {
	case *syntax.IfExp:
		return append(append([]syntax.Expr(nil), m.argItems(s, v.Body)...), m.argItems(s, v.Orelse)...)
	case *syntax.Name:
		sym, sc := s.Lookup(v.ID)
		if sym == nil || sym.Kind != semantic.VarSym || sc != s {
			return nil
		}
		out := append([]syntax.Expr(nil), elements(sym.Value())...)
		if out == nil && sym.Value() == nil {
			return nil
		}
		return append(out, m.appendedTo(s, v.ID)...)
	}
	return elements(e)
}

// appendedTo returns the items appended to the list variable name in the
// body of scope s.
func (m *Model) appendedTo(s *semantic.Scope, name string) []syntax.Expr {
	var body []syntax.Stmt
	switch n := s.Node.(type) {
	case *syntax.FunctionDef:
		body = n.Body
	case nil:
		body = s.Module.File.Body
	default:
		return nil
	}
	isVar := func(e syntax.Expr) bool {
		n, ok := e.(*syntax.Name)
		return ok && n.ID == name
	}
	var out []syntax.Expr
	for _, st := range body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.AugAssign:
				if isVar(n.Target) && n.Op == syntax.Add {
					out = append(out, elements(n.Value)...)
				}
			case *syntax.Call:
				a, ok := n.Func.(*syntax.Attribute)
				if !ok || !isVar(a.Value) || len(n.Args) != 1 {
					return true
				}
				switch a.Attr.Name {
				case "append", "insert":
					out = append(out, n.Args[len(n.Args)-1])
				case "extend":
					out = append(out, elements(n.Args[0])...)
				}
			}
			return true
		})
	}
	return out
}
