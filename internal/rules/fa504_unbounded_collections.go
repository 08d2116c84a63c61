package rules

import (
	"fmt"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA504", Name: "unbounded-collections", Title: "Collection input without a size limit",
		Category: "input", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{770}, OWASP: []string{apiResources, webDesign},
		Remediation: "Cap the number of items where the collection is declared: Field(max_length=100) (Pydantic v2; max_items= in v1), conlist(Item, max_length=100), Annotated[list[Item], Len(0, 100)] or Body(max_length=100).",
		Doc: Doc{
			What: "`list`, `set`, `frozenset`, `Sequence`, `dict`, `Mapping` and variable-length `tuple[X, ...]` fields of the " +
				"Pydantic models that routes read from the request body or a form (nested models and inherited fields " +
				"included), and collection parameters read from the body, that have no limit on their number of items: " +
				"no `max_length` (Pydantic v2) or `max_items` (v1) in `Field()`, `conlist()`/`conset()` or `Body()`, no " +
				"`MaxLen`/`Len` in `Annotated` metadata, and no field validator. As for FA501, one finding is made per " +
				"class, at the class that declares the fields, listing them with the routes whose body carries them, and " +
				"one per handler or dependency for collection parameters. Untyped `dict` and `list` bodies are FA502's; " +
				"list query parameters are not reported, as the server caps the length of the request line.",
			Why: "Every item of a collection is validated, stored and usually processed one by one: a database query, " +
				"an outbound call, a file or a subprocess per element. Without a cap, one request with a million-item " +
				"array keeps a worker busy for minutes and holds the whole structure in memory several times over, and " +
				"batch endpoints become a way to bypass per-request rate limits.",
			Example: "class BackupRequest(BaseModel):\n    label: str = Field(max_length=64)\n    tables: list[str] = []\n\n" +
				"@router.post(\"/admin/backup\")\ndef run_backup(body: BackupRequest): ...\n",
			Fix: "```python\nfrom pydantic import BaseModel, Field\n\nclass BackupRequest(BaseModel):\n" +
				"    label: str = Field(max_length=64)\n    tables: list[str] = Field(default_factory=list, max_length=20)\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://cwe.mitre.org/data/definitions/770.html",
				"https://docs.pydantic.dev/latest/api/types/#pydantic.types.conlist",
			},
		},
		Check: checkUnboundedCollections,
	})
}

// collectionKinds names the collection types by their qualified names.
var collectionKinds = map[string]string{
	"list": "list", "typing.List": "list", "typing.Sequence": "list", "collections.abc.Sequence": "list",
	"typing.Iterable": "list", "collections.abc.Iterable": "list", "typing.MutableSequence": "list",
	"set": "set", "typing.Set": "set", "frozenset": "set", "typing.FrozenSet": "set", "typing.AbstractSet": "set",
	"collections.abc.Set": "set", "typing.MutableSet": "set",
	"dict": "dict", "typing.Dict": "dict", "typing.Mapping": "dict", "collections.abc.Mapping": "dict",
	"typing.MutableMapping": "dict", "typing.DefaultDict": "dict", "collections.defaultdict": "dict",
	"typing.OrderedDict": "dict", "collections.OrderedDict": "dict",
	"tuple": "tuple", "typing.Tuple": "tuple",
}

// unboundedCollectionType returns the kind of collection ("list", "dict",
// ...) a declared type is when it holds any number of items, or "".
func unboundedCollectionType(p *Pass, s *semantic.Scope, t syntax.Expr, depth int) string {
	if t == nil || depth > 8 {
		return ""
	}
	t, s = resolveValue(p.Prog, s, t)
	switch x := t.(type) {
	case *syntax.Name, *syntax.Attribute:
		if kind := collectionKinds[p.Prog.Qualify(s, x)]; kind != "tuple" {
			return kind // a bare tuple is variable length, but rare enough in bodies to skip
		}
	case *syntax.Call:
		switch shortQual(p.Prog.Qualify(s, x.Func)) {
		case "conlist", "conset", "confrozenset", "conlist_", "constrained_list":
			if !lengthBoundCall(p, s, x, false) {
				return "list"
			}
		}
	case *syntax.Subscript:
		q := p.Prog.Qualify(s, x.Value)
		switch shortQual(q) {
		case "Optional":
			return unboundedCollectionType(p, s, x.Slice, depth+1)
		case "Union":
			if tup, ok := x.Slice.(*syntax.Tuple); ok {
				for _, el := range tup.Elts {
					if kind := unboundedCollectionType(p, s, el, depth+1); kind != "" {
						return kind
					}
				}
			}
			return ""
		case "Annotated":
			tup, ok := x.Slice.(*syntax.Tuple)
			if !ok || len(tup.Elts) == 0 {
				return ""
			}
			for _, meta := range tup.Elts[1:] {
				if c, ok := meta.(*syntax.Call); ok && lengthBoundCall(p, s, c, false) {
					return ""
				}
			}
			return unboundedCollectionType(p, s, tup.Elts[0], depth+1)
		}
		kind := collectionKinds[q]
		if kind == "tuple" {
			// tuple[int, int] has a fixed size; tuple[int, ...] does not.
			tup, ok := x.Slice.(*syntax.Tuple)
			if !ok || len(tup.Elts) != 2 {
				return ""
			}
			if c, ok := tup.Elts[1].(*syntax.Constant); !ok || c.Kind != syntax.ConstEllipsis {
				return ""
			}
		}
		return kind
	case *syntax.BinOp:
		if x.Op == syntax.BitOr {
			if kind := unboundedCollectionType(p, s, x.Left, depth+1); kind != "" {
				return kind
			}
			return unboundedCollectionType(p, s, x.Right, depth+1)
		}
	}
	return ""
}

// unboundedCollectionField returns the kind of an unbounded collection
// field, or "".
func unboundedCollectionField(p *Pass, f *fastapi.Field, validated map[string]bool) string {
	if f.TypeExpr == nil || validated[f.Name] || validated["*"] || f.Constrained("max_length", "max_items") {
		return ""
	}
	if len(f.Name) > 0 && f.Name[0] == '_' {
		return ""
	}
	ann := annotationOf(f.Node)
	for _, m := range annotationMetas(p, f.Class.Scope, ann) {
		if lengthBoundCall(p, m.scope, m.call, false) {
			return ""
		}
	}
	return unboundedCollectionType(p, f.Class.Scope, ann, 0)
}

// untypedBodyType reports the types FA502 reports for a body: dict, list
// and the like without item types, or with Any items.
func untypedBodyType(p *Pass, s *semantic.Scope, t syntax.Expr) bool {
	if t == nil {
		return true
	}
	t, s = resolveValue(p.Prog, s, t)
	switch x := t.(type) {
	case *syntax.Name, *syntax.Attribute:
		q := p.Prog.Qualify(s, x)
		return collectionKinds[q] != "" || q == "typing.Any" || q == "object" || q == "typing_extensions.Any"
	case *syntax.Subscript:
		q := p.Prog.Qualify(s, x.Value)
		switch shortQual(q) {
		case "Optional":
			return untypedBodyType(p, s, x.Slice)
		case "Annotated":
			if tup, ok := x.Slice.(*syntax.Tuple); ok && len(tup.Elts) > 0 {
				return untypedBodyType(p, s, tup.Elts[0])
			}
			return false
		}
		kind := collectionKinds[q]
		if kind == "" {
			return false
		}
		// The item type: the value of a dict, the element of a list.
		item := x.Slice
		if tup, ok := x.Slice.(*syntax.Tuple); ok && len(tup.Elts) > 0 {
			item = tup.Elts[len(tup.Elts)-1]
			if kind == "tuple" {
				item = tup.Elts[0]
			}
		}
		return untypedBodyType(p, s, item) && !isContainerOfModels(p, s, item)
	case *syntax.BinOp:
		if x.Op == syntax.BitOr {
			if isNone(x.Right) {
				return untypedBodyType(p, s, x.Left)
			}
			if isNone(x.Left) {
				return untypedBodyType(p, s, x.Right)
			}
		}
	}
	return false
}

// isContainerOfModels reports list[Item]-like item types naming a program
// class, which are typed.
func isContainerOfModels(p *Pass, s *semantic.Scope, item syntax.Expr) bool {
	found := false
	syntax.Inspect(item, func(n syntax.Node) bool {
		if e, ok := n.(syntax.Expr); ok && !found {
			if q := p.Prog.Qualify(s, e); q != "" && p.Prog.Class(q) != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

func checkUnboundedCollections(p *Pass) {
	kinds := map[*fastapi.Field]string{}
	groups := groupInputFields(p, func(u *inputModelUse, f *fastapi.Field, validated map[string]bool) bool {
		kind, done := kinds[f]
		if !done {
			kind = unboundedCollectionField(p, f, validated)
			kinds[f] = kind
		}
		return kind != ""
	})
	for _, g := range groups {
		name := g.class.Node.Name.Name
		what := fmt.Sprintf("%s.%s is a %s", name, g.fields[0].Name, kinds[g.fields[0]])
		if len(g.fields) > 1 {
			var list []string
			for _, f := range g.fields {
				list = append(list, f.Name+" ("+kinds[f]+")")
			}
			what = fmt.Sprintf("%s has %d collections, %s,", name, len(g.fields), strings.Join(list, ", "))
		}
		p.Report(g.class.Module, g.class.Node.Name, "%s with no limit on the number of items (no max_length), read from the body of %s%s: one request can send millions of them",
			what, routeList(g.routes), g.asModels())
	}
	// Typed collections taken as the body itself: items: list[ItemIn].
	var paramKinds = map[*syntax.Arg]string{}
	params := groupInputParams(p, func(ip inputModelParam) bool {
		prm := ip.prm
		if prm.Arg.Annotation == nil {
			return false
		}
		s := ip.fn.Outer
		kind := unboundedCollectionType(p, s, prm.Arg.Annotation, 0)
		if kind == "" || untypedBodyType(p, s, prm.TypeExpr) {
			return false // bounded, or FA502's
		}
		if prm.Marker != nil && lengthBoundCall(p, s, prm.Marker, false) {
			return false
		}
		paramKinds[prm.Arg] = kind
		return true
	})
	for _, g := range params {
		p.Report(g.fn.Module, g.params[0].Arg, "%s reads %s with no limit on the number of items (no max_length): one request can send millions of them",
			routeList(g.routes), g.describe(paramKinds[g.params[0].Arg]))
	}
}
