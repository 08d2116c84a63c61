package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA502", Name: "untyped-body", Title: "Request body without a schema",
		Category: "input", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{20}, OWASP: []string{apiResources, webDesign},
		Remediation: "Declare the body as a Pydantic model with typed, bounded fields, or validate the parsed data through one (Model.model_validate(data)) before using it.",
		Doc: Doc{
			What: "Routes that take their body without a schema: a body parameter typed `dict`, `Dict[str, Any]`, `list`, " +
				"`List[dict]`, `Any` or `object`, or declared with `Body()`/`Form()` and no annotation, reported at the " +
				"parameter; and handlers or dependencies that read `await request.json()` or `await request.form()`, or " +
				"decode `await request.body()` with `json.loads`, reported at the read. A read is not reported when the " +
				"data is validated through a model in the handler or a function it passes the data to " +
				"(`Model(**data)`, `Model.model_validate(data)`, `model_validate_json`, `parse_obj`, `parse_obj_as`, " +
				"`TypeAdapter(...).validate_python`, `jsonschema.validate`, a marshmallow `load`), nor when the route " +
				"verifies a signature over the raw body (HMAC, `construct_event`, a signature verifier): a webhook " +
				"sender that signs its payload is trusted to send its own format.",
			Why: "FastAPI validates, documents and bounds only what it is told about. An untyped body accepts any keys, " +
				"any types (a list where a string was expected, a nested object where a number was), any nesting and " +
				"any size, all of which reach the handler: type confusion crashes it with a 500 or takes unexpected " +
				"branches, unknown keys flow into ORM updates or database queries (mass assignment, NoSQL operator " +
				"injection), and the OpenAPI document says nothing a client or a scanner could check.",
			Example: "@router.post(\"/incoming/{source}\")\nasync def receive_event(source: str, payload: dict = Body(...)):\n" +
				"    event_type = payload.get(\"type\", \"unknown\")\n    ...\n",
			Fix: "```python\nclass IncomingEvent(BaseModel):\n    type: Literal[\"item.created\", \"item.deleted\"]\n" +
				"    data: dict[str, str] = Field(default_factory=dict, max_length=50)\n\n" +
				"@router.post(\"/incoming/{source}\")\nasync def receive_event(source: str, payload: IncomingEvent):\n    ...\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/20.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://fastapi.tiangolo.com/tutorial/body/",
			},
		},
		Check: checkUntypedBody,
	})
}

// untypedReadMethods are the Request methods that return the body.
var untypedReadMethods = map[string]bool{"json": true, "body": true, "form": true}

// signatureCallRE names calls that verify a signature over a payload.
var signatureCallRE = namere.MustCompile(`(?i)signature|signed|construct_event|hmac|compare_digest`)

// validatingMethods validate data through a schema.
var validatingMethods = map[string]bool{
	"model_validate": true, "model_validate_json": true, "model_validate_strings": true, "parse_obj": true,
	"parse_raw": true, "parse_obj_as": true, "parse_raw_as": true, "validate_python": true, "validate_json": true,
	"validate_strings": true, "from_orm": true,
}

func checkUntypedBody(p *Pass) {
	doneArg := map[*syntax.Arg]bool{}
	doneRead := map[*syntax.Await]bool{}
	for _, e := range p.Model.Endpoints {
		if isWebSocketRoute(e) || devOnly(e) {
			continue
		}
		signed := -1 // computed on demand
		isSigned := func() bool {
			if signed < 0 {
				signed = 0
				if routeVerifiesSignature(p, e) {
					signed = 1
				}
			}
			return signed == 1
		}
		for _, ip := range inputParams(e) {
			prm := ip.prm
			if doneArg[prm.Arg] || !untypedBodyParam(p, ip) {
				continue
			}
			if validatedIn(p, ip.fn, nameMatcher(prm.Name), 0) || isSigned() {
				continue
			}
			doneArg[prm.Arg] = true
			decl := ip.fn.Module.File.Text(prm.Arg)
			if prm.Default != nil {
				decl += " = " + ip.fn.Module.File.Text(prm.Default)
			}
			what := "an untyped " + untypedKind(p, ip)
			f := p.Report(ip.fn.Module, prm.Arg, "%s takes its %s as %s (%s): no schema, so any keys, types, nesting and sizes reach %s",
				ip.route, prm.Kind, what, decl, ip.fn.Node.Name.Name)
			f.Confidence = finding.HighConfidence
		}
		// await request.json() / .form() / .body() in the handler and its
		// dependencies.
		var fns []*semantic.Function
		var params [][]*fastapi.Param
		if e.Handler != nil {
			fns, params = append(fns, e.Handler), append(params, e.Params)
		}
		walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
			if d.Func != nil {
				fns, params = append(fns, d.Func), append(params, d.Params)
			}
			return true
		})
		for i, fn := range fns {
			for _, read := range requestReads(p, fn, params[i]) {
				if doneRead[read.await] {
					continue
				}
				if !read.used {
					continue
				}
				matches := func(x syntax.Expr) bool { return x == syntax.Expr(read.await) }
				if read.method == "body" && !decodesJSON(p, fn, matches) {
					continue // raw bytes: a signature check, a file, a proxy
				}
				if validatedIn(p, fn, matches, 0) || isSigned() {
					continue
				}
				doneRead[read.await] = true
				call := fn.Module.File.Text(read.await)
				how := "uses the result"
				if read.method == "body" {
					how = "decodes it as JSON"
				}
				p.Report(fn.Module, read.await, "%s reads %s and %s without validating it through a model: any keys, types, nesting and sizes reach %s",
					routeName(e), call, how, fn.Node.Name.Name)
			}
		}
	}
}

// untypedBodyParam reports a body or form parameter without a schema.
func untypedBodyParam(p *Pass, ip inputModelParam) bool {
	prm := ip.prm
	if prm.Arg.Annotation == nil {
		return prm.Marker != nil && prm.Kind == fastapi.BodyParam
	}
	if prm.Kind != fastapi.BodyParam {
		return false
	}
	return untypedBodyType(p, ip.fn.Outer, prm.TypeExpr)
}

// untypedKind names the declared type for messages.
func untypedKind(p *Pass, ip inputModelParam) string {
	if ip.prm.TypeExpr == nil {
		return "value"
	}
	t := ip.prm.TypeExpr
	if sub, ok := t.(*syntax.Subscript); ok {
		t = sub.Value
	}
	q := p.Prog.Qualify(ip.fn.Outer, t)
	if kind := collectionKinds[q]; kind != "" {
		return kind
	}
	return "value"
}

// requestRead is one `await request.json()` (or .form(), .body()).
type requestRead struct {
	await  *syntax.Await
	method string
	used   bool // the result is bound to a name or passed on
}

// requestReads returns the body reads of a function on its Request
// parameters.
func requestReads(p *Pass, fn *semantic.Function, params []*fastapi.Param) []requestRead {
	reqs := map[string]bool{}
	for _, prm := range params {
		if prm.Kind == fastapi.SpecialParam && shortQual(prm.Type) == "Request" {
			reqs[prm.Name] = true
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	var out []requestRead
	for _, st := range fn.Node.Body {
		// An await as a statement of its own discards the result.
		discarded := false
		if es, ok := st.(*syntax.ExprStmt); ok {
			_, discarded = es.Value.(*syntax.Await)
		}
		syntax.Inspect(st, func(n syntax.Node) bool {
			switch x := n.(type) {
			case *syntax.FunctionDef, *syntax.ClassDef, *syntax.Lambda:
				return false
			case *syntax.Await:
				call, ok := x.Value.(*syntax.Call)
				if !ok {
					return true
				}
				attr, ok := call.Func.(*syntax.Attribute)
				if !ok || !untypedReadMethods[attr.Attr.Name] {
					return true
				}
				if recv, ok := attr.Value.(*syntax.Name); ok && reqs[recv.ID] {
					out = append(out, requestRead{await: x, method: attr.Attr.Name, used: !discarded})
				}
			}
			return true
		})
	}
	return out
}

// flowNames returns the names a function binds from a value (and from
// names bound from it), so that `data = await request.json(); item =
// data["item"]` follows to item.
func flowNames(fn *semantic.Function, matches func(syntax.Expr) bool) func(syntax.Expr) bool {
	names := map[string]bool{}
	holds := func(e syntax.Expr) bool {
		found := false
		syntax.Inspect(e, func(n syntax.Node) bool {
			if found {
				return false
			}
			if x, ok := n.(syntax.Expr); ok && matches(x) {
				found = true
			}
			if name, ok := n.(*syntax.Name); ok && names[name.ID] {
				found = true
			}
			return !found
		})
		return found
	}
	for round := 0; round < 4; round++ {
		changed := false
		for _, st := range fn.Node.Body {
			syntax.Inspect(st, func(n syntax.Node) bool {
				var targets []syntax.Expr
				var value syntax.Expr
				switch a := n.(type) {
				case *syntax.Assign:
					targets, value = a.Targets, a.Value
				case *syntax.AnnAssign:
					if a.Value != nil {
						targets, value = []syntax.Expr{a.Target}, a.Value
					}
				case *syntax.NamedExpr:
					targets, value = []syntax.Expr{a.Target}, a.Value
				case *syntax.For:
					targets, value = []syntax.Expr{a.Target}, a.Iter
				}
				if value == nil || !holds(value) {
					return true
				}
				for _, t := range targets {
					syntax.Inspect(t, func(m syntax.Node) bool {
						if name, ok := m.(*syntax.Name); ok && !names[name.ID] {
							names[name.ID] = true
							changed = true
						}
						return true
					})
				}
				return true
			})
		}
		if !changed {
			break
		}
	}
	return holds
}

// callArgs returns a call's positional and keyword argument values, with
// the keyword names ("" for positional and **splat).
func callArgs(c *syntax.Call) ([]syntax.Expr, []string) {
	var vals []syntax.Expr
	var names []string
	for _, a := range c.Args {
		vals, names = append(vals, a), append(names, "")
	}
	for _, kw := range c.Keywords {
		name := ""
		if kw.Arg != nil {
			name = kw.Arg.Name
		}
		vals, names = append(vals, kw.Value), append(names, name)
	}
	return vals, names
}

// validatingCall reports a call that validates data through a schema: a
// Pydantic model (or any class called with **data), model_validate and
// friends, TypeAdapter, jsonschema and marshmallow.
func validatingCall(p *Pass, c *semantic.Call) bool {
	name := c.Node.CalleeName()
	if validatingMethods[name] {
		return true
	}
	if dm := p.Model.ModelOf(c.Callee); dm != nil && dm.Pydantic {
		return true
	}
	switch c.Callee {
	case "jsonschema.validate", "jsonschema.Draft7Validator.validate", "fastjsonschema.validate", "pydantic.parse_obj_as", "pydantic.TypeAdapter":
		return true
	}
	if strings.HasPrefix(c.Callee, "jsonschema.") && (name == "validate" || name == "iter_errors") {
		return true
	}
	switch name {
	case "load", "loads", "validate", "structure", "from_dict", "decode":
		// marshmallow Schema().load(data), cattrs structure, dacite
		// from_dict, msgspec decode, Model.validate (v1): not the json module.
		if !strings.HasPrefix(c.Callee, "json.") && !strings.HasPrefix(c.Callee, "orjson.") && !strings.HasPrefix(c.Callee, "ujson.") &&
			!strings.HasPrefix(c.Callee, "simplejson.") && !strings.HasPrefix(c.Callee, "pickle.") && !strings.HasPrefix(c.Callee, "yaml.") &&
			!strings.HasPrefix(c.Callee, "base64.") {
			return name != "decode" || strings.HasPrefix(c.Callee, "msgspec.")
		}
	}
	// A class of the program called with **data (a dataclass, attrs or
	// msgspec struct): the data is given a shape.
	if c.Callee != "" && p.Prog.Class(c.Callee) != nil {
		for _, kw := range c.Node.Keywords {
			if kw.Arg == nil {
				return true
			}
		}
	}
	return false
}

// validatedIn reports whether a value (matched by matches, and names bound
// from it) reaches a validating call in fn or in a program function it is
// passed to.
func validatedIn(p *Pass, fn *semantic.Function, matches func(syntax.Expr) bool, depth int) bool {
	if fn == nil || depth > 2 {
		return false
	}
	holds := flowNames(fn, matches)
	for _, c := range fn.Calls(p.Prog) {
		vals, kws := callArgs(c.Node)
		for i, v := range vals {
			if !holds(v) {
				continue
			}
			if validatingCall(p, c) {
				return true
			}
			param := ""
			if kws[i] != "" {
				param = calleeParam(c, -1, kws[i])
			} else if i < len(c.Node.Args) {
				if _, star := c.Node.Args[i].(*syntax.Starred); !star {
					param = calleeParam(c, i, "")
				}
			}
			if param != "" && validatedIn(p, c.Func, nameMatcher(param), depth+1) {
				return true
			}
		}
		// TypeAdapter(Model).validate_python(data): the receiver is a call.
		if attr, ok := c.Node.Func.(*syntax.Attribute); ok && holds(attr.Value) && validatingMethods[attr.Attr.Name] {
			return true
		}
	}
	return false
}

// decodesJSON reports raw body bytes (matched by matches, and names bound
// from them) decoded with json.loads and the like.
func decodesJSON(p *Pass, fn *semantic.Function, matches func(syntax.Expr) bool) bool {
	holds := flowNames(fn, matches)
	for _, c := range fn.Calls(p.Prog) {
		switch c.Callee {
		case "json.loads", "orjson.loads", "ujson.loads", "simplejson.loads", "rapidjson.loads":
		default:
			continue
		}
		vals, _ := callArgs(c.Node)
		for _, v := range vals {
			if holds(v) {
				return true
			}
		}
	}
	return false
}

// routeVerifiesSignature reports a route whose handler, dependencies or
// the program functions they call (two levels down) verify a signature:
// hmac, a *Signature* verifier, stripe's construct_event.
func routeVerifiesSignature(p *Pass, e *fastapi.Endpoint) bool {
	var fns []*semantic.Function
	if e.Handler != nil {
		fns = append(fns, e.Handler)
	}
	walkDeps(e.Deps, func(d *fastapi.Dependency) bool {
		if d.Func != nil {
			fns = append(fns, d.Func)
		}
		return true
	})
	seen := map[*semantic.Function]bool{}
	var verifies func(fn *semantic.Function, depth int) bool
	verifies = func(fn *semantic.Function, depth int) bool {
		if fn == nil || seen[fn] || depth > 2 {
			return false
		}
		seen[fn] = true
		if signatureCallRE.MatchString(fn.Node.Name.Name) {
			return true
		}
		for _, c := range fn.Calls(p.Prog) {
			if strings.HasPrefix(c.Callee, "hmac.") || signatureCallRE.MatchString(c.Callee) || signatureCallRE.MatchString(c.Node.CalleeName()) {
				return true
			}
			if c.Func != nil && verifies(c.Func, depth+1) {
				return true
			}
		}
		return false
	}
	for _, fn := range fns {
		if verifies(fn, 0) {
			return true
		}
	}
	return false
}
