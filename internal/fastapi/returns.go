package fastapi

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// returnedValues yields the value of each return statement of f's own
// body (not of functions, classes or lambdas defined in it), in order,
// until yield returns false.
func returnedValues(f *semantic.Function, yield func(syntax.Expr) bool) {
	more := true
	for _, st := range f.Node.Body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.Return:
				if more && n.Value != nil {
					more = yield(n.Value)
				}
			}
			return more
		})
		if !more {
			return
		}
	}
}
