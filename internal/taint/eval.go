package taint

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Request members that carry client data.
var requestMembers = map[string]bool{
	"query_params": true, "headers": true, "cookies": true, "path_params": true, "url": true,
	"base_url": true, "client": true, "scope": true,
}

// Request methods whose (awaited) result is client data.
var requestReads = map[string]bool{
	"json": true, "body": true, "form": true, "stream": true, "receive_text": true, "receive_json": true,
	"receive_bytes": true, "receive": true, "iter_text": true, "iter_json": true, "iter_bytes": true,
}

// responseCalls are outbound HTTP calls: their responses are data from
// another service (unsafe consumption of APIs); responseReads read them.
var (
	responseCalls = func() map[string]bool {
		out := map[string]bool{"urllib.request.urlopen": true}
		for _, m := range []string{"get", "post", "put", "patch", "delete", "request"} {
			for _, lib := range []string{"requests.", "requests.Session.", "httpx.", "httpx.Client.", "httpx.AsyncClient."} {
				out[lib+m] = true
			}
		}
		return out
	}()
	responseReads = map[string]bool{"json": true, "read": true, "iter_lines": true, "iter_content": true}
)

// Flask's request: members and methods that hold client data.
var (
	flaskMembers = map[string]bool{"args": true, "form": true, "values": true, "cookies": true, "headers": true,
		"json": true, "data": true, "files": true, "path": true, "full_path": true, "url": true, "base_url": true,
		"query_string": true, "referrer": true, "user_agent": true, "remote_addr": true, "environ": true, "stream": true,
		"host": true, "host_url": true, "url_root": true, "authorization": true, "view_args": true}
	flaskReads = map[string]bool{"get_json": true, "get_data": true}
)

// isFlaskRequest reports a name bound to flask.request (not shadowed by a
// local).
func (fa *frame) isFlaskRequest(n *syntax.Name) bool {
	if !fa.e.flask {
		return false
	}
	if _, local := fa.env[n.ID]; local {
		return false
	}
	return fa.e.prog.Qualify(fa.f.Scope, n) == "flask.request"
}

// methodsFromArgs are methods whose result (or receiver) takes the
// arguments' data: string building and container updates.
var methodsFromArgs = map[string]bool{
	"format": true, "format_map": true, "join": true, "replace": true, "append": true, "extend": true,
	"insert": true, "update": true, "add": true, "setdefault": true, "__add__": true, "joinpath": true,
	"with_name": true, "with_suffix": true, "with_stem": true,
}

// bindingMethods bind their arguments as query parameters: the result is
// the receiver's taint, not the arguments'.
var bindingMethods = map[string]bool{"bindparams": true, "params": true, "execution_options": true}

// pathConstructors make pathlib paths; pathMethods keep a path a path.
var (
	pathConstructors = map[string]bool{"pathlib.Path": true, "pathlib.PurePath": true, "pathlib.PosixPath": true,
		"anyio.Path": true, "aiopath.AsyncPath": true, "zipfile.Path": true}
	pathMethods = map[string]bool{"joinpath": true, "with_name": true, "with_suffix": true, "with_stem": true,
		"resolve": true, "absolute": true, "expanduser": true}
)

// mutators change their receiver to hold the arguments.
var mutators = map[string]bool{"append": true, "extend": true, "insert": true, "update": true, "add": true, "setdefault": true}

// eval returns the taint of an expression, checking calls against sinks.
func (fa *frame) eval(x syntax.Expr) *Value {
	if x == nil {
		return nil
	}
	fa.work++
	fa.e.work++
	if fa.spent(x) {
		return nil
	}
	switch n := x.(type) {
	case *syntax.Name:
		if v, ok := fa.env[n.ID]; ok {
			return v
		}
		if fa.isFlaskRequest(n) {
			return fa.source("request", "request", n, true)
		}
		return nil
	case *syntax.Constant:
		return nil
	case *syntax.JoinedStr:
		var v *Value
		for _, part := range n.Values {
			if fv, ok := part.(*syntax.FormattedValue); ok {
				v = merge(v, fa.eval(fv.Value))
			}
		}
		return v.with(fa.mod, n, "formatted into a string")
	case *syntax.BinOp:
		l, r := fa.eval(n.Left), fa.eval(n.Right)
		v := merge(l, r)
		if v != nil {
			switch n.Op {
			case syntax.Add:
				return v.with(fa.mod, n, "concatenated")
			case syntax.Mod:
				return v.with(fa.mod, n, "%-formatted into a string")
			case syntax.Div:
				v = v.with(fa.mod, n, "joined into a path")
				v.IsPath = true
				return v
			}
		}
		return v
	case *syntax.BoolOp:
		var v *Value
		for _, e := range n.Values {
			v = merge(v, fa.eval(e))
		}
		return v
	case *syntax.Compare:
		fa.eval(n.Left)
		for _, c := range n.Comparators {
			fa.eval(c)
		}
		return nil // a bool, or a parameterized SQL expression
	case *syntax.UnaryOp:
		fa.eval(n.Operand)
		return nil
	case *syntax.IfExp:
		fa.eval(n.Test)
		if c, ok := fa.constOf(n.Test, 0); ok {
			if truthy(c) {
				return fa.eval(n.Body)
			}
			return fa.eval(n.Orelse)
		}
		return merge(fa.eval(n.Body), fa.eval(n.Orelse))
	case *syntax.Await:
		return fa.eval(n.Value)
	case *syntax.NamedExpr:
		v := fa.eval(n.Value)
		fa.env[n.Target.ID] = v
		return v
	case *syntax.Attribute:
		return fa.attribute(n)
	case *syntax.Subscript:
		v := fa.eval(n.Value)
		fa.eval(n.Slice)
		if v != nil {
			return v.with(fa.mod, n, "element of "+exprText(fa.mod, n.Value))
		}
		return nil
	case *syntax.Starred:
		return fa.eval(n.Value)
	case *syntax.List:
		return fa.evalAll(n.Elts)
	case *syntax.Tuple:
		return fa.evalAll(n.Elts)
	case *syntax.Set:
		return fa.evalAll(n.Elts)
	case *syntax.Dict:
		return merge(fa.evalAll(n.Keys), fa.evalAll(n.Values))
	case *syntax.ListComp:
		return fa.comprehension(n.Generators, n.Elt)
	case *syntax.SetComp:
		return fa.comprehension(n.Generators, n.Elt)
	case *syntax.GeneratorExp:
		return fa.comprehension(n.Generators, n.Elt)
	case *syntax.DictComp:
		return merge(fa.comprehension(n.Generators, n.Key), fa.eval(n.Value))
	case *syntax.Call:
		return fa.call(n)
	case *syntax.Lambda, *syntax.Yield, *syntax.YieldFrom:
		return nil
	case *syntax.Slice:
		fa.eval(n.Lower)
		fa.eval(n.Upper)
		fa.eval(n.Step)
		return nil
	}
	return nil
}

// evalAll evaluates the elements of a literal. Constants carry nothing and
// are skipped, constsPerEval of them for an evaluation: a table of 40,000
// numbers costs what 625 expressions do.
func (fa *frame) evalAll(l []syntax.Expr) *Value {
	var v *Value
	consts := 0
	for _, e := range l {
		switch e.(type) {
		case *syntax.Constant:
			consts++
		case nil: // a Dict's key for **m
		default:
			v = merge(v, fa.eval(e))
		}
	}
	n := consts / constsPerEval
	fa.work += n
	fa.e.work += n
	return v
}

func (fa *frame) comprehension(gens []*syntax.Comprehension, elt syntax.Expr) *Value {
	for _, g := range gens {
		v := fa.eval(g.Iter)
		fa.bind(g.Target, v, nil)
		for _, c := range g.Ifs {
			fa.eval(c)
		}
	}
	return fa.eval(elt)
}

// attribute evaluates x.attr: request and upload members are sources,
// Pydantic fields take their declared type, anything else carries the
// taint of its object.
func (fa *frame) attribute(n *syntax.Attribute) *Value {
	if base, ok := n.Value.(*syntax.Name); ok {
		if fa.isFlaskRequest(base) {
			if flaskMembers[n.Attr.Name] {
				return fa.source("request."+n.Attr.Name, "request", n, n.Attr.Name == "json")
			}
			return nil
		}
		switch fa.objects[base.ID] {
		case objRequest:
			if requestMembers[n.Attr.Name] {
				return fa.source(base.ID+"."+n.Attr.Name, "request", n, true)
			}
			return nil
		case objUpload:
			switch n.Attr.Name {
			case "filename", "content_type", "headers":
				return fa.source(base.ID+"."+n.Attr.Name, "file", n, false)
			case "file":
				return fa.source(base.ID+".file", "file", n, false)
			}
			return nil
		}
		if v, ok := fa.env[base.ID+"."+n.Attr.Name]; ok {
			return v
		}
	}
	if dm := fa.modelOf(n.Value); dm != nil {
		f := fieldOf(dm, n.Attr.Name)
		if f == nil {
			return nil // a method or property: not the client's data as such
		}
		if fa.e.safeType(f.Type) || f.Constrained("pattern", "regex") || f.Validated {
			return nil // typed, pattern-constrained, or checked by a validator
		}
		v := fa.eval(n.Value)
		if v == nil {
			return nil
		}
		v = v.with(fa.mod, n, "field "+n.Attr.Name)
		v.Structured = fa.e.structuredType(f)
		return v
	}
	v := fa.eval(n.Value)
	if v != nil {
		return v.with(fa.mod, n, "attribute "+n.Attr.Name)
	}
	return nil
}

// source makes a fresh source value.
func (fa *frame) source(name, kind string, n syntax.Node, structured bool) *Value {
	// Sources inside helpers (flask.request, a response read by a helper)
	// are intrinsic to the helper: its summary carries them to callers.
	src := &Source{Name: name, Kind: kind, Module: fa.mod, Node: n}
	return &Value{Source: src, Structured: structured, Steps: []Step{{fa.mod, n, kind + " data " + name}}}
}

// call evaluates a call: sources, sanitizers, sinks, summaries of program
// functions, and the default propagation from arguments and receiver.
func (fa *frame) call(c *syntax.Call) *Value {
	args := make([]*Value, len(c.Args))
	for i, a := range c.Args {
		args[i] = fa.eval(a)
	}
	kws := make([]*Value, len(c.Keywords))
	for i, kw := range c.Keywords {
		kws[i] = fa.eval(kw.Value)
	}
	var recv *Value
	var method string
	recvExpr := syntax.Expr(nil)
	if a, ok := c.Func.(*syntax.Attribute); ok {
		method = a.Attr.Name
		recvExpr = a.Value
		// request.json(), file.read(): sources.
		if base, ok := a.Value.(*syntax.Name); ok {
			if fa.isFlaskRequest(base) && flaskReads[method] {
				return fa.source("request."+method+"()", "request", c, method == "get_json")
			}
			switch fa.objects[base.ID] {
			case objRequest:
				if requestReads[method] {
					return fa.source(base.ID+"."+method+"()", "request", c, method == "json" || method == "form" || method == "receive_json")
				}
			case objUpload:
				if method == "read" {
					return fa.source(base.ID+".read()", "file", c, false)
				}
			}
		}
		recv = fa.eval(a.Value)
	}
	callee := fa.callee(c)
	// A method of the program's own (Cursor.from_string of a project
	// class) is not the library method its name matches: its body is
	// analysed through its summary below, sinks included.
	projectMethod := method != "" && (fa.e.prog.Func(callee) != nil || fa.resolvedTarget(c) != nil)
	fa.checkSinks(c, callee, method, recvExpr, recv, projectMethod)
	if responseCalls[callee] || recv != nil && recv.Source != nil && recv.Source.Kind == "response" && responseReads[method] {
		// What another service answers is data from outside too, though
		// only for the sinks where it is plausibly dangerous.
		name := callee + "()"
		if !responseCalls[callee] {
			name = "the response's " + method + "()"
		}
		v := fa.source(name, "response", c, true)
		v.Sanitized = Log | Header | HTML | Redirect | URL | Regex
		return v
	}

	if sqlTextFunctions[callee] {
		// text(q) is itself the sink: what it returns is not reported again.
		return fa.mergeArgs(args, kws).sanitized(SQL)
	}
	if clean, ok := cleanCalls[callee]; ok {
		if clean == 0 {
			return nil
		}
		return fa.mergeArgs(args, kws).sanitized(clean)
	}
	if callee != "" && strings.HasPrefix(callee, "sqlalchemy.") && !sqlTextFunctions[callee] {
		return nil // query builders bind their arguments as parameters
	}
	if target := fa.e.prog.Func(callee); target != nil || fa.resolvedTarget(c) != nil {
		if target == nil {
			target = fa.resolvedTarget(c)
		}
		return fa.applySummary(c, target, recv, args, kws)
	}
	// Unknown functions and methods: the result carries what went in. A
	// dotted name that resolves (zipfile.ZipFile, os.path.join) is a
	// function, not a method of a value.
	if method != "" && recv == nil && fa.e.prog.Qualify(fa.f.Scope, recvExpr) != "" {
		method = ""
	}
	var v *Value
	if method != "" {
		v = recv
		// A method of an unknown object returns its own data (a lookup by
		// id returns a row, not the id): only string and container
		// building carries the arguments over.
		if !bindingMethods[method] && methodsFromArgs[method] {
			v = merge(v, fa.mergeArgs(args, kws))
		}
		if mutators[method] && recvExpr != nil {
			if name := targetName(recvExpr); name != "" {
				fa.env[name] = merge(fa.env[name], fa.mergeArgs(args, kws))
			}
		}
	} else {
		v = fa.mergeArgs(args, kws)
	}
	if v != nil && callee != "" {
		v = v.with(fa.mod, c, "passed through "+shortName(callee)+"()")
	}
	if v != nil && (pathConstructors[callee] || pathMethods[method] && recv != nil && recv.IsPath) {
		if !v.IsPath {
			cp := *v
			cp.IsPath = true
			v = &cp
		}
	}
	return v
}

func (fa *frame) mergeArgs(args, kws []*Value) *Value {
	var v *Value
	for _, a := range args {
		v = merge(v, a)
	}
	for _, k := range kws {
		v = merge(v, k)
	}
	return v
}

// callee is the qualified name of what a call calls, using the types the
// frame knows of its variables (with-targets) when the program model
// cannot tell.
func (fa *frame) callee(c *syntax.Call) string {
	r := fa.e.prog.ResolveCall(fa.f.Scope, c)
	if r.Callee != "" {
		return r.Callee
	}
	if a, ok := c.Func.(*syntax.Attribute); ok {
		if n, ok := a.Value.(*syntax.Name); ok {
			if t := fa.types[n.ID]; t != "" {
				return t + "." + a.Attr.Name
			}
		}
	}
	return ""
}

func (fa *frame) resolvedTarget(c *syntax.Call) *semantic.Function {
	return fa.e.prog.ResolveCall(fa.f.Scope, c).Func
}

func exprText(mod *semantic.Module, e syntax.Expr) string {
	t := mod.File.Text(e)
	if len(t) > 40 {
		t = t[:37] + "..."
	}
	return t
}

func shortName(q string) string { return q[strings.LastIndexByte(q, '.')+1:] }
