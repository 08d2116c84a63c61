package rules

import (
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA503", Name: "unbounded-pagination", Title: "Page size without an upper bound",
		Category: "input", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{770}, OWASP: []string{apiResources, webDesign},
		Remediation: "Cap the page size where it is declared (Query(50, ge=1, le=100), Field(le=100)) or clamp it before use (min(limit, MAX_PAGE_SIZE)).",
		Doc: Doc{
			What: "An integer page-size parameter (`limit`, `page_size`, `per_page`, `size`, `count`, `take`, `top`, " +
				"`max_results`) that a route reads from the request with no upper bound: no `le=` or `lt=` in its " +
				"`Query(...)`, `Annotated` metadata or `Field(...)`, no `conint(le=...)`, no validator, and no clamp " +
				"(`min(limit, MAX)`, `if limit > MAX: ...`) in the handler or dependency that receives it. Parameters of " +
				"dependencies (a `Pagination` class used through `Depends()`) and fields of Pydantic query and body models " +
				"are checked too; each is reported once, with the routes that use it.",
			Why: "The page size goes straight into `LIMIT` or a slice: one request for `?limit=100000000` makes the database " +
				"read, the server serialise and the network carry every row of the table. A few such requests exhaust memory " +
				"and connections (denial of service) and make scraping the whole data set trivial.",
			Example: "class Pagination:\n    def __init__(self, skip: int = Query(0, ge=0), limit: int = Query(100, ge=1)):\n" +
				"        self.skip, self.limit = skip, limit\n\n@router.get(\"/items\")\ndef read_items(page: Pagination = Depends()): ...\n",
			Fix: "```python\nclass Pagination:\n    def __init__(self, skip: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=100)):\n" +
				"        self.skip, self.limit = skip, limit\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://fastapi.tiangolo.com/tutorial/query-params-str-validations/#number-validations-greater-than-and-less-than-or-equal",
			},
		},
		Check: checkUnboundedPagination,
	})
}

var (
	// pageSizeRE names page-size parameters.
	pageSizeRE = namere.MustCompile(`(?i)^(limit|page_?size|per_?page|items_?per_?page|page_?limit|size|count|take|top|max_?results|max_?items|num_?results|n_?results)$`)
	// bodyPageSizeRE is the narrower set for bodies and routes that write,
	// where size and count more often mean a quantity than a page size.
	bodyPageSizeRE = namere.MustCompile(`(?i)^(limit|page_?size|per_?page|items_?per_?page|page_?limit|take|max_?results|max_?items|num_?results|n_?results)$`)
	// intTypes are the integer types.
	intTypes = map[string]bool{
		"int": true, "pydantic.PositiveInt": true, "pydantic.NonNegativeInt": true, "pydantic.types.PositiveInt": true,
		"pydantic.types.NonNegativeInt": true, "pydantic.StrictInt": true, "pydantic.conint": true, "pydantic.types.conint": true,
	}
)

// pageParam is one unbounded page-size parameter or field and the routes
// that take it.
type pageParam struct {
	mod    *semantic.Module
	node   syntax.Node
	name   string
	where  string // "from the query", "in its SearchRequest body"
	how    string // the declaration, for the message
	routes []string
}

func checkUnboundedPagination(p *Pass) {
	found := map[syntax.Node]*pageParam{}
	var order []*pageParam
	add := func(e *fastapi.Endpoint, c *pageParam) {
		have := found[c.node]
		if have == nil {
			have = c
			found[c.node] = c
			order = append(order, c)
		}
		name := routeName(e)
		for _, r := range have.routes {
			if r == name {
				return
			}
		}
		have.routes = append(have.routes, name)
	}
	for _, e := range p.Model.Endpoints {
		if len(e.Methods) == 1 && e.Methods[0] == "WEBSOCKET" {
			continue
		}
		var bodies []*semantic.Function
		if e.Handler != nil {
			bodies = append(bodies, e.Handler)
		}
		names := pageSizeRE
		if !readsOnly(e) {
			names = bodyPageSizeRE // size and count of a write are quantities
		}
		for _, c := range pageParams(p, e.Params, bodies, names) {
			add(e, c)
		}
		seen := map[*fastapi.Dependency]bool{}
		var walk func(d *fastapi.Dependency, depth int)
		walk = func(d *fastapi.Dependency, depth int) {
			if d == nil || seen[d] || depth > 12 {
				return
			}
			seen[d] = true
			fns := bodies
			if d.Func != nil {
				fns = append([]*semantic.Function{d.Func}, bodies...)
			}
			for _, c := range pageParams(p, d.Params, fns, names) {
				add(e, c)
			}
			if d.Class != nil {
				// A Pydantic model used through Depends(): its fields are
				// query parameters.
				for _, c := range modelPageFields(p, d.Class.Qual, "from the query", names, fns) {
					add(e, c)
				}
			}
			for _, sub := range d.Sub {
				walk(sub, depth+1)
			}
		}
		for _, d := range e.Deps {
			walk(d, 0)
		}
	}
	for _, c := range order {
		if len(c.routes) == 0 {
			continue
		}
		verb := "takes"
		if len(c.routes) > 1 {
			verb = "take"
		}
		p.Report(c.mod, c.node, "%s %s %s %s with no upper bound (%s): a client can ask for millions of rows",
			routeList(c.routes), verb, c.name, c.where, c.how)
	}
}

// readsOnly reports GET and HEAD routes.
func readsOnly(e *fastapi.Endpoint) bool {
	for _, m := range e.Methods {
		if m != "GET" && m != "HEAD" {
			return false
		}
	}
	return true
}

// routeList names up to three routes.
func routeList(routes []string) string {
	switch n := len(routes); {
	case n == 1:
		return routes[0]
	case n <= 3:
		return strings.Join(routes[:n-1], ", ") + " and " + routes[n-1]
	default:
		return fmt.Sprintf("%s and %d other routes", strings.Join(routes[:2], ", "), n-2)
	}
}

// pageParams returns the unbounded page-size parameters among params, and
// the fields of the query and body models among them. fns are the
// functions that receive the values, where a clamp is looked for.
func pageParams(p *Pass, params []*fastapi.Param, fns []*semantic.Function, names *namere.RE) []*pageParam {
	var out []*pageParam
	for _, prm := range params {
		if prm.Arg == nil {
			continue
		}
		switch prm.Kind {
		case fastapi.QueryParam, fastapi.BodyParam, fastapi.FormParam:
		default:
			continue
		}
		if dm := p.Model.ModelOf(prm.Type); dm != nil && dm.Pydantic {
			where, re := "from the query", names
			if prm.Kind != fastapi.QueryParam {
				where, re = "in its "+shortQual(prm.Type)+" body", bodyPageSizeRE
			}
			out = append(out, modelPageFields(p, prm.Type, where, re, fns)...)
			continue
		}
		if !names.MatchString(prm.Name) {
			continue
		}
		if prm.Kind != fastapi.QueryParam && prm.Marker == nil {
			continue
		}
		fn := paramFunc(fns, prm.Arg)
		if fn == nil || !intParam(p, fn, prm) || paramBounded(p, fn, prm) || clamped(fns, prm.Name) {
			continue
		}
		how := "no Query() limit"
		switch {
		case prm.Marker != nil && fn.Node.Pos() <= prm.Marker.Pos() && prm.Marker.End() <= fn.Node.End():
			how = fn.Module.File.Text(prm.Marker)
		case prm.Marker != nil:
			how = fn.Module.File.Text(prm.Arg.Annotation)
		case prm.Default != nil:
			how = "default " + fn.Module.File.Text(prm.Default)
		}
		out = append(out, &pageParam{mod: fn.Module, node: prm.Arg, name: prm.Name, where: "from the " + prm.Kind.String(), how: how})
	}
	return out
}

// paramFunc returns the function among fns that declares a parameter.
func paramFunc(fns []*semantic.Function, a *syntax.Arg) *semantic.Function {
	for _, f := range fns {
		if f.Node.Pos() <= a.Pos() && a.End() <= f.Node.End() {
			return f
		}
	}
	return nil
}

// modelPageFields returns the unbounded page-size fields of a Pydantic
// model and its program bases.
func modelPageFields(p *Pass, qual, where string, re *namere.RE, fns []*semantic.Function) []*pageParam {
	var out []*pageParam
	for _, q := range append([]string{qual}, p.Prog.Ancestors(qual)...) {
		dm := p.Model.ModelOf(q)
		if dm == nil || !dm.Pydantic {
			continue
		}
		for _, f := range dm.Fields {
			if !re.MatchString(f.Name) || f.Validated || fieldBounded(f) || clamped(fns, f.Name) {
				continue
			}
			if !intType(p, dm.Class.Scope, f.TypeExpr, f.Type) && !(f.TypeExpr == nil && isIntConst(f.Default)) {
				continue
			}
			if metasBound(p, dm.Class.Scope, annotationOf(f.Node)) {
				continue
			}
			how := "no Field() limit"
			if f.Default != nil {
				how = dm.Class.Module.File.Text(f.Default)
				if as, ok := f.Node.(*syntax.AnnAssign); ok && as.Value != nil {
					how = dm.Class.Module.File.Text(as.Value)
				}
				if _, call := f.Default.(*syntax.Call); !call && !strings.HasSuffix(how, ")") {
					how = "default " + how
				}
			}
			out = append(out, &pageParam{mod: dm.Class.Module, node: f.Node, name: f.Name, where: where, how: how})
		}
	}
	return out
}

// fieldBounded reports a model field with a real le= or lt= constraint.
func fieldBounded(f *fastapi.Field) bool {
	for _, kw := range []string{"le", "lt"} {
		if v, ok := f.Constraints[kw]; ok {
			n, isInt := constInt(v)
			return !isInt || n <= maxPageBound
		}
	}
	return false
}

func annotationOf(st syntax.Stmt) syntax.Expr {
	if as, ok := st.(*syntax.AnnAssign); ok {
		return as.Annotation
	}
	return nil
}

// intParam reports an integer parameter, or an unannotated one with an
// integer default.
func intParam(p *Pass, fn *semantic.Function, prm *fastapi.Param) bool {
	if prm.Arg.Annotation == nil {
		def := prm.Default
		if prm.Marker != nil {
			def = arg(prm.Marker, 0, "default")
		}
		return isIntConst(def)
	}
	return intType(p, fn.Outer, prm.TypeExpr, prm.Type)
}

// intType reports int, PositiveInt, conint(...) and unions of int with None.
func intType(p *Pass, s *semantic.Scope, t syntax.Expr, q string) bool {
	if intTypes[q] {
		return true
	}
	switch x := t.(type) {
	case *syntax.Call:
		return strings.HasSuffix(p.Prog.Qualify(s, x.Func), "conint")
	case *syntax.Subscript:
		if shortQual(p.Prog.Qualify(s, x.Value)) == "Union" {
			if tup, ok := x.Slice.(*syntax.Tuple); ok {
				for _, el := range tup.Elts {
					if !isNone(el) && intType(p, s, el, p.Prog.AnnotationType(s, el)) {
						return true
					}
				}
			}
		}
	}
	return false
}

func isIntConst(e syntax.Expr) bool {
	_, ok := constInt(e)
	return ok
}

// paramBounded reports an upper bound declared with the parameter: le= or
// lt= in its marker or in other Annotated metadata, or conint(le=...).
func paramBounded(p *Pass, fn *semantic.Function, prm *fastapi.Param) bool {
	if prm.Marker != nil && (hasSplat(prm.Marker) || boundCall(p, fn.Outer, prm.Marker)) {
		return true
	}
	if c, ok := prm.TypeExpr.(*syntax.Call); ok && boundCall(p, fn.Outer, c) {
		return true
	}
	return metasBound(p, fn.Outer, prm.Arg.Annotation)
}

// metasBound reports Annotated metadata (or a constrained type) with an
// upper bound.
func metasBound(p *Pass, s *semantic.Scope, ann syntax.Expr) bool {
	for _, m := range annotationMetas(p, s, ann) {
		if boundCall(p, m.scope, m.call) {
			return true
		}
	}
	return false
}

// maxPageBound is the largest constant bound taken as a real cap.
const maxPageBound = 100_000

// boundCall reports Query(le=...), Field(lt=...), conint(le=...),
// annotated_types.Le(100) and Interval(le=...).
func boundCall(p *Pass, s *semantic.Scope, c *syntax.Call) bool {
	for _, kw := range []string{"le", "lt"} {
		if v := keyword(c, kw); v != nil {
			// le=2147483647 only keeps the value in a database integer.
			n, ok := constInt(v)
			return !ok || n <= maxPageBound
		}
	}
	switch shortQual(p.Prog.Qualify(s, c.Func)) {
	case "Le", "Lt":
		return true
	}
	return false
}

// clamped reports a clamp of a value named name in one of the functions:
// min(limit, MAX), an order comparison of it with anything but 0 or 1
// (if limit > MAX: raise), or a helper named clamp.
func clamped(fns []*semantic.Function, name string) bool {
	names := func(e syntax.Expr) bool {
		switch x := e.(type) {
		case *syntax.Name:
			return x.ID == name
		case *syntax.Attribute:
			return x.Attr.Name == name
		}
		return false
	}
	for _, f := range fns {
		found := false
		for _, st := range f.Node.Body {
			syntax.Inspect(st, func(n syntax.Node) bool {
				if found {
					return false
				}
				switch x := n.(type) {
				case *syntax.Call:
					fn := strings.ToLower(exprName(x.Func))
					if fn == "min" || strings.Contains(fn, "clamp") {
						for _, a := range x.Args {
							if names(a) {
								found = true
							}
						}
					}
				case *syntax.Compare:
					operands := append([]syntax.Expr{x.Left}, x.Comparators...)
					for i, op := range x.Ops {
						if op != syntax.Lt && op != syntax.LtE && op != syntax.Gt && op != syntax.GtE {
							continue
						}
						a, b := operands[i], operands[i+1]
						if names(a) && !lowBound(b) || names(b) && !lowBound(a) {
							found = true
						}
					}
				}
				return !found
			})
		}
		if found {
			return true
		}
	}
	return false
}

// lowBound reports the constants a lower-bound check compares with.
func lowBound(e syntax.Expr) bool {
	if u, ok := e.(*syntax.UnaryOp); ok {
		e = u.Operand
	}
	v, ok := constInt(e)
	return ok && v <= 1
}
