package taint

import (
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// constant is a value known before running: an int or a string.
type constant struct {
	isStr bool
	i     int64
	s     string
}

// constOf evaluates an expression made of literals and local variables
// bound to constants (for dead branches such as `if 7 * 42 - num > 200`).
func (fa *frame) constOf(e syntax.Expr, depth int) (constant, bool) {
	if depth > 16 {
		return constant{}, false
	}
	switch x := e.(type) {
	case *syntax.Constant:
		switch x.Kind {
		case syntax.ConstInt:
			v, err := strconv.ParseInt(strings.ReplaceAll(x.Value, "_", ""), 0, 64)
			return constant{i: v}, err == nil
		case syntax.ConstStr:
			return constant{isStr: true, s: x.Value}, true
		case syntax.ConstTrue:
			return constant{i: 1}, true
		case syntax.ConstFalse:
			return constant{i: 0}, true
		}
	case *syntax.Name:
		c, ok := fa.consts[x.ID]
		return c, ok
	case *syntax.Subscript:
		s, ok := fa.constOf(x.Value, depth+1)
		idx, ok2 := fa.constOf(x.Slice, depth+1)
		if ok && ok2 && s.isStr && !idx.isStr && idx.i >= 0 && idx.i < int64(len(s.s)) {
			return constant{isStr: true, s: s.s[idx.i : idx.i+1]}, true
		}
	case *syntax.BinOp:
		l, ok1 := fa.constOf(x.Left, depth+1)
		r, ok2 := fa.constOf(x.Right, depth+1)
		if !ok1 || !ok2 {
			return constant{}, false
		}
		if l.isStr && r.isStr && x.Op == syntax.Add {
			return constant{isStr: true, s: l.s + r.s}, true
		}
		if l.isStr || r.isStr {
			return constant{}, false
		}
		switch x.Op {
		case syntax.Add:
			return constant{i: l.i + r.i}, true
		case syntax.Sub:
			return constant{i: l.i - r.i}, true
		case syntax.Mult:
			return constant{i: l.i * r.i}, true
		case syntax.FloorDiv, syntax.Mod:
			if r.i == 0 {
				return constant{}, false
			}
			if x.Op == syntax.Mod {
				return constant{i: l.i % r.i}, true
			}
			return constant{i: l.i / r.i}, true
		}
	case *syntax.UnaryOp:
		v, ok := fa.constOf(x.Operand, depth+1)
		if !ok {
			return constant{}, false
		}
		switch x.Op {
		case syntax.Not:
			return constant{i: b2i(!truthy(v))}, true
		case syntax.USub:
			if !v.isStr {
				return constant{i: -v.i}, true
			}
		}
	case *syntax.Compare:
		if len(x.Ops) != 1 {
			return constant{}, false
		}
		l, ok1 := fa.constOf(x.Left, depth+1)
		r, ok2 := fa.constOf(x.Comparators[0], depth+1)
		if !ok1 || !ok2 {
			return constant{}, false
		}
		return compareConst(x.Ops[0], l, r)
	}
	return constant{}, false
}

func compareConst(op syntax.CmpOperator, l, r constant) (constant, bool) {
	if l.isStr != r.isStr {
		return constant{}, false
	}
	if op == syntax.In || op == syntax.NotIn {
		if !l.isStr {
			return constant{}, false
		}
		in := strings.Contains(r.s, l.s)
		return constant{i: b2i(in == (op == syntax.In))}, true
	}
	var c int
	if l.isStr {
		c = strings.Compare(l.s, r.s)
	} else if l.i < r.i {
		c = -1
	} else if l.i > r.i {
		c = 1
	}
	switch op {
	case syntax.Eq:
		return constant{i: b2i(c == 0)}, true
	case syntax.NotEq:
		return constant{i: b2i(c != 0)}, true
	case syntax.Lt:
		return constant{i: b2i(c < 0)}, true
	case syntax.LtE:
		return constant{i: b2i(c <= 0)}, true
	case syntax.Gt:
		return constant{i: b2i(c > 0)}, true
	case syntax.GtE:
		return constant{i: b2i(c >= 0)}, true
	}
	return constant{}, false
}

func truthy(c constant) bool {
	if c.isStr {
		return c.s != ""
	}
	return c.i != 0
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
