package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA501", Name: "unbounded-strings", Title: "String input without a length limit",
		Category: "input", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{770}, OWASP: []string{apiResources, webDesign},
		Remediation: "Give request strings a max_length (Field(max_length=200), constr(max_length=200), Annotated[str, StringConstraints(max_length=200)], Body(max_length=...)) or a model_config str_max_length, and cap the request body size in the server or proxy.",
		Doc: Doc{
			What: "`str` fields of the Pydantic models that routes read from the request body or a form (models nested in " +
				"them and fields inherited from base models included), and `str` parameters declared with `Body()` or " +
				"`Form()`, that have no length limit: no `max_length` in `Field()`, `constr()`, " +
				"`StringConstraints`/`MaxLen` in `Annotated` metadata or `Body()`/`Form()`, no anchored `pattern` without " +
				"`*` or `+`, no `str_max_length` in the model configuration, and no field validator. Literal, Enum, UUID, " +
				"EmailStr and URL types are bounded and never reported, and neither are models only used in responses, nor " +
				"response models nested in a request body (a `UserRead` inside an `IncidentUpdate`): those are reported where " +
				"they are created.\n\n" +
				"To keep the report readable, one finding is made per class, at the class that declares the fields, " +
				"listing all its unbounded strings and the routes whose body carries them: the fix is made there, once. " +
				"`Body()` and `Form()` strings are likewise reported once per handler or dependency. " +
				"The finding is medium instead of low when the handler passes one of the strings to an operation whose " +
				"cost grows with its length (eval or compile, a regular expression, a template compiler, a YAML or XML " +
				"parser). Query, path, header and cookie strings are not reported: the HTTP server and proxies already " +
				"cap the request line and headers at a few kilobytes, while FastAPI reads bodies of any size.",
			Why: "Neither FastAPI nor Uvicorn limit the size of a request body. A string field without a limit accepts " +
				"megabytes, which the server holds in memory several times over (raw body, parsed JSON, validated " +
				"model), writes to the database, indexes, logs and sends back; fed to a regular expression, a template " +
				"engine or eval, its length multiplies the work. A handful of such requests exhaust memory or CPU " +
				"(unrestricted resource consumption) and fill the database.",
			Example: "class CommentIn(BaseModel):\n    author: str\n    text: str\n\n" +
				"@router.post(\"/comments\")\ndef add_comment(comment: CommentIn): ...\n",
			Fix: "```python\nfrom pydantic import BaseModel, Field\n\nclass CommentIn(BaseModel):\n" +
				"    author: str = Field(max_length=100)\n    text: str = Field(max_length=5000)\n```\n\n" +
				"or for every string of a model: `model_config = ConfigDict(str_max_length=5000)`. Cap the body size " +
				"as well (a proxy's `client_max_body_size`, or a middleware that rejects large `Content-Length`).",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://cwe.mitre.org/data/definitions/770.html",
				"https://docs.pydantic.dev/latest/concepts/fields/#string-constraints",
			},
		},
		Check: checkUnboundedStrings,
	})
}

// inputModelUse is a Pydantic model that requests carry in their body or
// a form, with the routes that read it.
type inputModelUse struct {
	dm     *fastapi.DataModel
	routes []string
	via    []string          // the body models it is reached through when nested ("Order.address")
	direct []inputModelParam // the handler parameters it is the type of
}

// inputModelParam is a body or form parameter of a route handler or
// dependency, with the function that declares it.
type inputModelParam struct {
	prm   *fastapi.Param
	fn    *semantic.Function
	route string
}

// addUniqueString appends s to a list unless it is there.
func addUniqueString(list *[]string, s string) {
	for _, have := range *list {
		if have == s {
			return
		}
	}
	*list = append(*list, s)
}

// isWebSocketRoute reports websocket endpoints, which have no body.
func isWebSocketRoute(e *fastapi.Endpoint) bool {
	return len(e.Methods) == 1 && e.Methods[0] == "WEBSOCKET"
}

// inputParams returns the body and form parameters of an endpoint's
// handler and of the dependencies that run for it.
func inputParams(e *fastapi.Endpoint) []inputModelParam {
	route := routeName(e)
	var out []inputModelParam
	add := func(fn *semantic.Function, params []*fastapi.Param) {
		for _, prm := range params {
			if prm.Arg == nil || fn == nil || paramFunc([]*semantic.Function{fn}, prm.Arg) == nil {
				continue
			}
			if prm.Kind == fastapi.BodyParam || prm.Kind == fastapi.FormParam {
				out = append(out, inputModelParam{prm: prm, fn: fn, route: route})
			}
		}
	}
	if e.Handler != nil {
		add(e.Handler, e.Params)
	}
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		add(d.Func, d.Params)
		return true
	})
	return out
}

// paramModels returns the Pydantic models a body parameter's type names
// (Item, list[Item], Optional[Item]).
func paramModels(p *Pass, ip inputModelParam) []*fastapi.DataModel {
	var out []*fastapi.DataModel
	if dm := p.Model.ModelOf(ip.prm.Type); dm != nil {
		out = append(out, dm)
	}
	if ip.prm.TypeExpr != nil {
		for _, dm := range p.Model.ModelsIn(ip.fn.Outer, ip.prm.TypeExpr) {
			if len(out) == 0 || out[0] != dm {
				out = append(out, dm)
			}
		}
	}
	return out
}

// inputModels returns the Pydantic models that request bodies and forms
// carry, models nested in their fields included, in the order routes
// reach them. Settings classes are never request models.
func inputModels(p *Pass) []*inputModelUse {
	byModel := map[*fastapi.DataModel]*inputModelUse{}
	var order []*inputModelUse
	// Read models nested in request bodies (a UserRead inside an
	// IncidentUpdate) are references to stored objects: their fields are
	// reported where those objects are created, not at every body that
	// carries one.
	responses := responseModels(p)
	for _, e := range p.Model.Endpoints {
		if isWebSocketRoute(e) || devOnly(e) {
			continue
		}
		route := routeName(e)
		seen := map[*fastapi.DataModel]bool{}
		var visit func(dm *fastapi.DataModel, via string, depth int)
		visit = func(dm *fastapi.DataModel, via string, depth int) {
			if dm == nil || !dm.Pydantic || dm.Settings || seen[dm] || depth > 8 || depth > 0 && responses[dm] {
				return
			}
			seen[dm] = true
			u := byModel[dm]
			if u == nil {
				u = &inputModelUse{dm: dm}
				byModel[dm] = u
				order = append(order, u)
			}
			addUniqueString(&u.routes, route)
			if via != "" {
				addUniqueString(&u.via, via)
			}
			for _, f := range p.Model.AllFields(dm) {
				var subs []*fastapi.DataModel
				if sub := p.Model.ModelOf(f.Type); sub != nil {
					subs = append(subs, sub)
				}
				if f.TypeExpr != nil {
					subs = append(subs, p.Model.ModelsIn(f.Class.Scope, f.TypeExpr)...)
				}
				for _, sub := range subs {
					visit(sub, dm.Class.Node.Name.Name+"."+f.Name, depth+1)
				}
			}
		}
		for _, ip := range inputParams(e) {
			for _, dm := range paramModels(p, ip) {
				visit(dm, "", 0)
				if u := byModel[dm]; u != nil {
					u.direct = append(u.direct, ip)
				}
			}
		}
	}
	return order
}

// responseModels returns the models that some route sends back.
func responseModels(p *Pass) map[*fastapi.DataModel]bool {
	out := map[*fastapi.DataModel]bool{}
	for _, e := range p.Model.Endpoints {
		typ, scope := e.ResponseModel, e.Module.Scope
		if typ == nil && e.Handler != nil && e.Handler.Node.Returns != nil {
			typ, scope = e.Handler.Node.Returns, e.Handler.Outer
		}
		if typ == nil {
			continue
		}
		for _, dm := range p.Model.ModelsIn(scope, typ) {
			out[dm] = true
		}
	}
	return out
}

// metaCall is a call that constrains an annotation, with the scope its
// names resolve in.
type metaCall struct {
	call  *syntax.Call
	scope *semantic.Scope
}

// annotationMetas returns the calls that constrain an annotation: the
// metadata of Annotated[...] and a constrained type itself (constr(...),
// conint(...)), through aliases, Optional and unions with None.
func annotationMetas(p *Pass, s *semantic.Scope, ann syntax.Expr) []metaCall {
	var out []metaCall
	for range 8 {
		if ann == nil {
			return out
		}
		ann, s = resolveValue(p.Prog, s, ann)
		switch a := ann.(type) {
		case *syntax.Subscript:
			switch shortQual(p.Prog.Qualify(s, a.Value)) {
			case "Annotated":
				t, ok := a.Slice.(*syntax.Tuple)
				if !ok || len(t.Elts) == 0 {
					return out
				}
				for _, meta := range t.Elts[1:] {
					if c, ok := meta.(*syntax.Call); ok {
						out = append(out, metaCall{c, s})
					}
				}
				ann = t.Elts[0]
				continue
			case "Optional":
				ann = a.Slice
				continue
			}
			return out
		case *syntax.BinOp:
			if isNone(a.Right) {
				ann = a.Left
				continue
			}
			if isNone(a.Left) {
				ann = a.Right
				continue
			}
		case *syntax.Call:
			return append(out, metaCall{a, s})
		}
		return out
	}
	return out
}

// lengthBoundCall reports a call that caps a length: max_length= or
// max_items= (Field, Body, Form, constr, conlist, StringConstraints),
// an anchored pattern without repetition, or annotated_types MaxLen(n) and
// Len(min, max). A **kwargs splat counts as a bound: it cannot be read.
func lengthBoundCall(p *Pass, s *semantic.Scope, c *syntax.Call, patterns bool) bool {
	if hasSplat(c) {
		return true
	}
	for _, kw := range []string{"max_length", "max_items", "max_size"} {
		if keyword(c, kw) != nil {
			return true
		}
	}
	if patterns {
		for _, kw := range []string{"pattern", "regex"} {
			if v := keyword(c, kw); v != nil && patternBounds(p, s, v) {
				return true
			}
		}
	}
	switch shortQual(p.Prog.Qualify(s, c.Func)) {
	case "MaxLen":
		return true
	case "Len":
		return len(c.Args) >= 2 || keyword(c, "max_length") != nil
	}
	return false
}

// unboundedRepeatRE finds repetition without an upper bound in a pattern.
var unboundedRepeatRE = namere.MustCompile(`[*+]|\{\d*,\}`)

// patternBounds reports a pattern that caps a string's length: anchored at
// both ends with no unbounded repetition (^[A-Z]{2,8}$). A pattern that is
// not a constant is given the benefit of the doubt.
func patternBounds(p *Pass, s *semantic.Scope, e syntax.Expr) bool {
	e, _ = resolveValue(p.Prog, s, e)
	pat, ok := constStr(e)
	if !ok {
		return true
	}
	if !(strings.HasPrefix(pat, "^") || strings.HasPrefix(pat, `\A`)) {
		return false
	}
	if !(strings.HasSuffix(pat, "$") || strings.HasSuffix(pat, `\Z`) || strings.HasSuffix(pat, `\z`)) {
		return false
	}
	// Drop escapes and character classes, where * and + are literal.
	pat = regexp.MustCompile(`\\.`).ReplaceAllString(pat, "x")
	pat = regexp.MustCompile(`\[[^\]]*\]`).ReplaceAllString(pat, "x")
	return !unboundedRepeatRE.MatchString(pat)
}

// strTypes are the string types a client can fill with any length.
var strTypes = map[string]bool{
	"str": true, "pydantic.StrictStr": true, "pydantic.types.StrictStr": true,
	"pydantic.SecretStr": true, "pydantic.types.SecretStr": true,
}

// unboundedStrType reports a declared type that is a string of any length:
// str, StrictStr, SecretStr, constr() without max_length, Optional and
// unions of them, and aliases of these.
func unboundedStrType(p *Pass, s *semantic.Scope, t syntax.Expr, depth int) bool {
	if t == nil || depth > 8 {
		return false
	}
	t, s = resolveValue(p.Prog, s, t)
	switch x := t.(type) {
	case *syntax.Name, *syntax.Attribute:
		return strTypes[p.Prog.Qualify(s, x)]
	case *syntax.Constant:
		if q := p.Prog.AnnotationType(s, x); q != "" {
			return strTypes[q]
		}
	case *syntax.Call:
		switch shortQual(p.Prog.Qualify(s, x.Func)) {
		case "constr", "constrained_str":
			return !lengthBoundCall(p, s, x, true)
		}
	case *syntax.Subscript:
		switch shortQual(p.Prog.Qualify(s, x.Value)) {
		case "Optional":
			return unboundedStrType(p, s, x.Slice, depth+1)
		case "Union":
			if tup, ok := x.Slice.(*syntax.Tuple); ok {
				for _, el := range tup.Elts {
					if unboundedStrType(p, s, el, depth+1) {
						return true
					}
				}
			}
		case "Annotated":
			tup, ok := x.Slice.(*syntax.Tuple)
			if !ok || len(tup.Elts) == 0 {
				return false
			}
			for _, meta := range tup.Elts[1:] {
				if c, ok := meta.(*syntax.Call); ok && lengthBoundCall(p, s, c, true) {
					return false
				}
			}
			return unboundedStrType(p, s, tup.Elts[0], depth+1)
		}
	case *syntax.BinOp:
		if x.Op == syntax.BitOr {
			return unboundedStrType(p, s, x.Left, depth+1) || unboundedStrType(p, s, x.Right, depth+1)
		}
	}
	return false
}

// modelValidatedNames returns the field names that validators of a model
// or its program bases check (field_validator, validator), "*" included.
func modelValidatedNames(p *Pass, dm *fastapi.DataModel) map[string]bool {
	out := map[string]bool{}
	for _, q := range append([]string{dm.Class.Qual}, p.Prog.Ancestors(dm.Class.Qual)...) {
		c := p.Prog.Class(q)
		if c == nil {
			continue
		}
		for _, st := range c.Node.Body {
			fd, ok := st.(*syntax.FunctionDef)
			if !ok {
				continue
			}
			for _, d := range fd.Decorators {
				call, ok := d.(*syntax.Call)
				if !ok {
					continue
				}
				switch shortQual(p.Prog.Qualify(c.Scope, call.Func)) {
				case "field_validator", "validator":
					for _, a := range call.Args {
						if s, ok := constStr(a); ok {
							out[s] = true
						}
					}
				}
			}
		}
	}
	return out
}

// configStrMaxLength reports a model (or program base) whose configuration
// caps every string: model_config = ConfigDict(str_max_length=...) or
// class Config: max_anystr_length = ... (Pydantic v1).
func configStrMaxLength(p *Pass, dm *fastapi.DataModel) bool {
	for _, q := range append([]string{dm.Class.Qual}, p.Prog.Ancestors(dm.Class.Qual)...) {
		c := p.Prog.Class(q)
		if c == nil {
			continue
		}
		for _, kw := range c.Node.Keywords {
			if kw.Arg != nil && (kw.Arg.Name == "str_max_length" || kw.Arg.Name == "max_anystr_length") {
				return true
			}
		}
		for _, st := range c.Node.Body {
			switch n := st.(type) {
			case *syntax.ClassDef:
				if n.Name.Name != "Config" {
					continue
				}
				for _, cst := range n.Body {
					if a, ok := cst.(*syntax.Assign); ok {
						for _, t := range a.Targets {
							if name, ok := t.(*syntax.Name); ok && (name.ID == "max_anystr_length" || name.ID == "str_max_length") {
								return true
							}
						}
					}
				}
			case *syntax.Assign, *syntax.AnnAssign:
				var target, value syntax.Expr
				if a, ok := n.(*syntax.Assign); ok {
					target, value = a.Targets[0], a.Value
				} else {
					a := n.(*syntax.AnnAssign)
					target, value = a.Target, a.Value
				}
				if name, ok := target.(*syntax.Name); !ok || name.ID != "model_config" {
					continue
				}
				switch v := value.(type) {
				case *syntax.Call:
					if keyword(v, "str_max_length") != nil {
						return true
					}
				case *syntax.Dict:
					for _, k := range v.Keys {
						if s, ok := constStr(k); ok && s == "str_max_length" {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// unboundedStrField reports a model field that holds a string of any
// length.
func unboundedStrField(p *Pass, f *fastapi.Field, validated map[string]bool) bool {
	if strings.HasPrefix(f.Name, "_") || validated[f.Name] || validated["*"] {
		return false
	}
	if f.Constrained("max_length") {
		return false
	}
	for _, kw := range []string{"pattern", "regex"} {
		if v, ok := f.Constraints[kw]; ok && patternBounds(p, f.Class.Scope, v) {
			return false
		}
	}
	for _, m := range annotationMetas(p, f.Class.Scope, annotationOf(f.Node)) {
		if lengthBoundCall(p, m.scope, m.call, true) {
			return false
		}
	}
	if f.TypeExpr == nil {
		return false
	}
	return unboundedStrType(p, f.Class.Scope, annotationOf(f.Node), 0)
}

// costlyCallees are operations whose cost grows with the length of a
// string argument.
var costlyCallees = map[string]string{
	"eval": "eval()", "exec": "exec()", "compile": "compile()", "ast.literal_eval": "ast.literal_eval()",
	"jinja2.Template": "a jinja2 Template", "jinja2.environment.Template": "a jinja2 Template",
	"yaml.load": "yaml.load()", "yaml.safe_load": "yaml.safe_load()", "yaml.full_load": "yaml.full_load()", "yaml.unsafe_load": "yaml.unsafe_load()",
	"xml.etree.ElementTree.fromstring": "an XML parser", "lxml.etree.fromstring": "an XML parser", "lxml.etree.XML": "an XML parser",
}

// costlyCall names the costly operation a call performs, or "".
func costlyCall(c *semantic.Call) string {
	if what, ok := costlyCallees[c.Callee]; ok {
		return what
	}
	for _, mod := range []string{"re.", "regex."} {
		if strings.HasPrefix(c.Callee, mod) {
			switch name := strings.TrimPrefix(c.Callee, mod); name {
			case "compile", "match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split":
				return "a regular expression (" + c.Callee + ")"
			}
		}
	}
	if c.Node.CalleeName() == "from_string" {
		return "a template compiler (from_string)"
	}
	return ""
}

// costlyUse returns the costly operation a value reaches in a function
// (and in the program functions it passes it to), or "". matches tells
// the expressions that hold the value.
func costlyUse(p *Pass, fn *semantic.Function, matches func(syntax.Expr) bool, depth int) string {
	if fn == nil || depth > 2 {
		return ""
	}
	holds := flowNames(fn, matches)
	for _, c := range fn.Calls(p.Prog) {
		for i, a := range c.Node.Args {
			if !holds(a) {
				continue
			}
			if what := costlyCall(c); what != "" {
				return what
			}
			if param := calleeParam(c, i, ""); param != "" {
				if what := costlyUse(p, c.Func, nameMatcher(param), depth+1); what != "" {
					return what
				}
			}
		}
		for _, kw := range c.Node.Keywords {
			if kw.Arg == nil || !holds(kw.Value) {
				continue
			}
			if what := costlyCall(c); what != "" {
				return what
			}
			if param := calleeParam(c, -1, kw.Arg.Name); param != "" {
				if what := costlyUse(p, c.Func, nameMatcher(param), depth+1); what != "" {
					return what
				}
			}
		}
	}
	return ""
}

// nameMatcher matches a bare name.
func nameMatcher(name string) func(syntax.Expr) bool {
	return func(e syntax.Expr) bool {
		n, ok := e.(*syntax.Name)
		return ok && n.ID == name
	}
}

// calleeParam returns the parameter of a program function that positional
// argument i (or keyword kw) binds, or "".
func calleeParam(c *semantic.Call, i int, kw string) string {
	if c.Func == nil {
		return ""
	}
	a := c.Func.Node.Args
	params := append(append([]*syntax.Arg(nil), a.PosOnlyArgs...), a.Args...)
	if c.Func.Class != nil && !c.Func.Node.IsStaticMethod() && len(params) > 0 {
		params = params[1:]
	}
	if kw != "" {
		for _, prm := range append(params, a.KwOnlyArgs...) {
			if prm.Name.Name == kw {
				return kw
			}
		}
		return ""
	}
	if i >= 0 && i < len(params) {
		return params[i].Name.Name
	}
	return ""
}

// fieldOf matches param.field.
func fieldOf(param, field string) func(syntax.Expr) bool {
	return func(e syntax.Expr) bool {
		a, ok := e.(*syntax.Attribute)
		if !ok || a.Attr.Name != field {
			return false
		}
		n, ok := a.Value.(*syntax.Name)
		return ok && n.ID == param
	}
}

// inputFieldGroup gathers the fields a rule reports in one class: the
// class that declares them, where they are fixed.
type inputFieldGroup struct {
	class  *semantic.Class
	fields []*fastapi.Field
	models []string // request models that inherit them, when not the class itself
	routes []string
	uses   []*inputModelUse
}

// names lists the group's field names.
func (g *inputFieldGroup) names() []string {
	out := make([]string, len(g.fields))
	for i, f := range g.fields {
		out[i] = f.Name
	}
	return out
}

// groupInputFields returns the fields of request models that pick
// selects, grouped by the class that declares them, with the routes that
// read them.
func groupInputFields(p *Pass, pick func(u *inputModelUse, f *fastapi.Field, validated map[string]bool) bool) []*inputFieldGroup {
	byClass := map[*semantic.Class]*inputFieldGroup{}
	var order []*inputFieldGroup
	for _, u := range inputModels(p) {
		validated := modelValidatedNames(p, u.dm)
		for _, f := range p.Model.AllFields(u.dm) {
			if !pick(u, f, validated) {
				continue
			}
			g := byClass[f.Class]
			if g == nil {
				g = &inputFieldGroup{class: f.Class}
				byClass[f.Class] = g
				order = append(order, g)
			}
			dup := false
			for _, have := range g.fields {
				dup = dup || have == f
			}
			if !dup {
				g.fields = append(g.fields, f)
			}
			if f.Class != u.dm.Class {
				addUniqueString(&g.models, u.dm.Class.Node.Name.Name)
			}
			for _, r := range u.routes {
				addUniqueString(&g.routes, r)
			}
			g.uses = append(g.uses, u)
		}
	}
	for _, g := range order {
		sort.Strings(g.models)
	}
	return order
}

// asModels is " (as ItemCreate, ItemUpdate)" for fields read through
// subclasses.
func (g *inputFieldGroup) asModels() string {
	if len(g.models) == 0 {
		return ""
	}
	return " (as " + strings.Join(g.models, ", ") + ")"
}

// inputParamGroup gathers the parameters a rule reports in one function.
type inputParamGroup struct {
	fn     *semantic.Function
	params []*fastapi.Param
	kinds  []string // body, form
	routes []string
}

// groupInputParams returns the body and form parameters that pick
// selects, grouped by the function that declares them, with the routes
// that read them.
func groupInputParams(p *Pass, pick func(ip inputModelParam) bool) []*inputParamGroup {
	byFn := map[*semantic.Function]*inputParamGroup{}
	var order []*inputParamGroup
	picked := map[*syntax.Arg]bool{}
	for _, e := range p.Model.Endpoints {
		if isWebSocketRoute(e) || devOnly(e) {
			continue
		}
		for _, ip := range inputParams(e) {
			ok, seen := picked[ip.prm.Arg]
			if !seen {
				ok = pick(ip)
				picked[ip.prm.Arg] = ok
			}
			if !ok {
				continue
			}
			g := byFn[ip.fn]
			if g == nil {
				g = &inputParamGroup{fn: ip.fn}
				byFn[ip.fn] = g
				order = append(order, g)
			}
			if !seen {
				g.params = append(g.params, ip.prm)
				addUniqueString(&g.kinds, ip.prm.Kind.String())
			}
			addUniqueString(&g.routes, ip.route)
		}
	}
	return order
}

// describe is "text from the body" or "3 strings (a, b, c) from the form".
func (g *inputParamGroup) describe(noun string) string {
	where := strings.Join(g.kinds, " and ")
	if len(g.params) == 1 {
		return fmt.Sprintf("%s from the %s as a %s", g.params[0].Name, where, noun)
	}
	names := make([]string, len(g.params))
	for i, prm := range g.params {
		names[i] = prm.Name
	}
	return fmt.Sprintf("%d %ss (%s) from the %s", len(g.params), noun, strings.Join(names, ", "), where)
}

func checkUnboundedStrings(p *Pass) {
	groups := groupInputFields(p, func(u *inputModelUse, f *fastapi.Field, validated map[string]bool) bool {
		return !configStrMaxLength(p, u.dm) && unboundedStrField(p, f, validated)
	})
	for _, g := range groups {
		costly := ""
		for _, f := range g.fields {
			for _, u := range g.uses {
				for _, ip := range u.direct {
					if costly == "" {
						if what := costlyUse(p, ip.fn, fieldOf(ip.prm.Name, f.Name), 0); what != "" {
							costly = fmt.Sprintf("%s reaches %s in %s", f.Name, what, ip.fn.Node.Name.Name)
						}
					}
				}
			}
		}
		name := g.class.Node.Name.Name
		what := name + "." + g.fields[0].Name + " is a string"
		if len(g.fields) > 1 {
			what = fmt.Sprintf("%s has %d strings (%s)", name, len(g.fields), strings.Join(g.names(), ", "))
		}
		f := p.Report(g.class.Module, g.class.Node.Name, "%s with no max_length, read from the body of %s%s: each request can carry megabytes of text",
			what, routeList(g.routes), g.asModels())
		if costly != "" {
			f.Severity = finding.Medium
			f.Message += "; " + costly + ", whose cost grows with its length"
		}
	}
	// str parameters read from the body or a form.
	params := groupInputParams(p, func(ip inputModelParam) bool {
		prm := ip.prm
		if prm.Arg.Annotation == nil || !unboundedStrType(p, ip.fn.Outer, prm.Arg.Annotation, 0) {
			return false
		}
		return prm.Marker == nil || !lengthBoundCall(p, ip.fn.Outer, prm.Marker, true)
	})
	for _, g := range params {
		f := p.Report(g.fn.Module, g.params[0].Arg, "%s reads %s with no max_length: each request can carry megabytes of text",
			routeList(g.routes), g.describe("string"))
		for _, prm := range g.params {
			if what := costlyUse(p, g.fn, nameMatcher(prm.Name), 0); what != "" {
				f.Severity = finding.Medium
				f.Message += "; " + prm.Name + " reaches " + what + " in " + g.fn.Node.Name.Name + ", whose cost grows with its length"
				break
			}
		}
	}
}
