package taint

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Sink declares a dangerous call: by qualified callee, or by method name on
// any receiver.
type Sink struct {
	Class    Class
	Callees  []string // qualified names
	Methods  []string // method names, whatever the receiver
	Args     []int    // positional arguments checked
	Kwargs   []string // keyword arguments checked
	Receiver bool     // the receiver is checked (path.read_text())
	// Pick chooses the arguments to check instead of Args and Kwargs (for
	// example only with shell=True); nil means Args and Kwargs.
	Pick func(call *syntax.Call) []syntax.Expr
	// PickIn is Pick for sinks that need to know the module (to find a
	// template file next to it).
	PickIn func(mod *semantic.Module, call *syntax.Call) []syntax.Expr
	// Recv, when set, must accept the receiver of a method sink (loggers
	// only, say).
	Recv func(receiver string) bool
	// Structured sinks only fire for values that may be dicts or lists
	// (a JSON body), such as NoSQL filters.
	Structured bool
	// Store names the attribute whose items are sinks when assigned:
	// "headers" for response.headers["X"] = v.
	Store string
	What  string // "SQL query", "shell command", ...
}

func (s *Sink) pick(call *syntax.Call) []syntax.Expr {
	if s.Pick != nil {
		return s.Pick(call)
	}
	var out []syntax.Expr
	for _, i := range s.Args {
		if i < len(call.Args) {
			if st, ok := call.Args[i].(*syntax.Starred); ok {
				out = append(out, st.Value)
			} else {
				out = append(out, call.Args[i])
			}
		}
	}
	for _, kw := range call.Keywords {
		if kw.Arg == nil {
			continue
		}
		for _, k := range s.Kwargs {
			if kw.Arg.Name == k {
				out = append(out, kw.Value)
			}
		}
	}
	return out
}

// Flow is request data reaching a sink.
type Flow struct {
	Sink   *Sink
	Module *semantic.Module
	Node   syntax.Node  // where it happens: the call, or the assignment for store sinks
	Call   *syntax.Call // the sink call; nil for store sinks (response.headers[...] = v)
	Arg    syntax.Expr  // the tainted argument, receiver or stored value
	Value  *Value
}

// Engine holds one scan's taint analysis.
type Engine struct {
	model     *fastapi.Model
	prog      *semantic.Program
	byCallee  map[string][]*Sink
	byMethod  map[string][]*Sink
	byStore   map[string][]*Sink
	summaries map[*semantic.Function]*summary
	depReturn map[*semantic.Function]*Value
	funcs     map[*syntax.FunctionDef]*semantic.Function
	flows     []*Flow
	seen      map[flowKey]bool
	work      int // evaluations so far
	budget    int // evaluations allowed (scanWorkBase + scanWorkPerLine a line)
	depth     int
	sizes     map[*semantic.Function]int // nodes in a function's body
	cut       map[cutKey]bool            // the Cuts recorded
	depCuts   []Cut                      // dependencies met too deep, maybe analysed later
	flask     bool                       // the program uses Flask: flask.request is a source, views are entries
	res       *Result
}

type flowKey struct {
	node syntax.Node
	arg  syntax.Expr
}

// summary is what a function does with its parameters: which reach the
// return value, and which reach sinks inside it.
type summary struct {
	ret  *Value
	hits []sinkHit
	done bool
}

type sinkHit struct {
	params uint64
	flow   Flow
}

// pathParamRE finds {name} and {name:converter} in a route path.
var pathParamRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?\}`)

// Result is what an analysis found, and how much of the program it
// covered.
type Result struct {
	Flows []*Flow
	// Entries is the number of route handlers, dependencies and Flask
	// views to analyse; Skipped those that were not (or not completely)
	// analysed because the scan's budget of evaluations ran out.
	Entries, Skipped int
	Work, Budget     int // evaluations made and allowed
	// Cuts are the functions whose analysis a per-function limit cut
	// short, or that were not analysed because they were called too many
	// calls deep: one per function and limit, in the order met.
	Cuts []Cut
}

// cutKey is a function and the kind of limit it met: each is recorded once.
type cutKey struct {
	f    *semantic.Function
	kind CutKind
}

// Cut is an analysis cut short by a limit: flows in or through the
// function may be missing.
type Cut struct {
	Func *semantic.Function // the function not (completely) analysed
	// Module and Node are where the analysis stopped: the expression at
	// which the function's evaluations ran out, or the call that was not
	// followed.
	Module      *semantic.Module
	Node        syntax.Node
	Kind        CutKind
	Evaluations int // the limit it ran into, for EvaluationsCut
}

// CutKind is the limit a Cut ran into.
type CutKind uint8

// The limits that cut an analysis short.
const (
	// EvaluationsCut: the function made the most evaluations one
	// analysis may.
	EvaluationsCut CutKind = iota
	// CallDepthCut: a call maxSummaryDepth calls deep, not followed.
	CallDepthCut
	// DependencyDepthCut: a dependency more than maxDependencyDepth
	// dependencies deep, not analysed.
	DependencyDepthCut
)

// Message describes the cut for a diagnostic, naming the function and
// where the analysis stopped.
func (c Cut) Message() string {
	name := c.Func.Node.Name.Name + "()"
	line := c.Module.File.Position(c.Node.Pos()).Line
	switch c.Kind {
	case DependencyDepthCut:
		return fmt.Sprintf("the taint analysis follows dependencies %d deep: dependency %s (%s:%d) was not analysed, so injection, path and SSRF flows (FA101-FA114) from the request data it reads may be missing",
			maxDependencyDepth, name, c.Func.Module.Rel, c.Func.Module.File.Line(c.Func.Node.Pos()))
	case CallDepthCut:
		return fmt.Sprintf("the taint analysis follows calls %d deep: what %s (%s:%d) does with the arguments of the call on line %d was not analysed, so injection, path and SSRF flows (FA101-FA114) through it may be missing",
			maxSummaryDepth, name, c.Func.Module.Rel, c.Func.Module.File.Line(c.Func.Node.Pos()), line)
	}
	return fmt.Sprintf("the taint analysis of %s stopped at line %d after %d evaluations, its limit for that function: injection, path and SSRF flows (FA101-FA114) from there on may be missing",
		name, line, c.Evaluations)
}

// Run analyses every route handler and dependency of the model for flows
// into the sinks, making at most budget evaluations; 0 means the default
// for the program's size (scanWorkBase + scanWorkPerLine a line).
func Run(model *fastapi.Model, sinks []*Sink, budget int) *Result {
	if budget <= 0 {
		lines := 0
		for _, m := range model.Prog.Modules {
			lines += m.File.LineCount()
		}
		budget = scanWorkBase + scanWorkPerLine*lines
	}
	e := &Engine{model: model, prog: model.Prog, byCallee: map[string][]*Sink{}, byMethod: map[string][]*Sink{}, byStore: map[string][]*Sink{},
		summaries: map[*semantic.Function]*summary{}, depReturn: map[*semantic.Function]*Value{},
		funcs: map[*syntax.FunctionDef]*semantic.Function{}, seen: map[flowKey]bool{}, budget: budget,
		sizes: map[*semantic.Function]int{}, cut: map[cutKey]bool{}}
	e.res = &Result{Budget: budget}
	res := e.res
	for _, s := range sinks {
		for _, c := range s.Callees {
			e.byCallee[c] = append(e.byCallee[c], s)
		}
		for _, m := range s.Methods {
			e.byMethod[m] = append(e.byMethod[m], s)
		}
		if s.Store != "" {
			e.byStore[s.Store] = append(e.byStore[s.Store], s)
		}
	}
	for _, f := range model.Prog.Functions() {
		e.funcs[f.Node] = f
	}
	done := map[*semantic.Function]bool{}
	e.flask = usesFlask(model.Prog)
	if e.flask {
		for _, f := range model.Prog.Functions() {
			if flaskView(f) {
				done[f] = true
				e.entry(func() { e.analyzeFlaskView(f) })
			}
		}
	}
	for _, ep := range model.Endpoints {
		for _, d := range ep.Deps {
			e.dependency(d, 0)
		}
		if ep.Handler == nil || done[ep.Handler] {
			continue
		}
		done[ep.Handler] = true
		e.entry(func() { e.analyzeEntry(ep.Handler, ep.Params, ep.FullPath) })
	}
	for _, c := range e.depCuts {
		if _, analysed := e.depReturn[c.Func]; !analysed {
			res.Cuts = append(res.Cuts, c)
		}
	}
	sort.SliceStable(e.flows, func(i, j int) bool {
		a, b := e.flows[i], e.flows[j]
		if a.Module.Rel != b.Module.Rel {
			return a.Module.Rel < b.Module.Rel
		}
		return a.Node.Pos() < b.Node.Pos()
	})
	res.Flows, res.Work = e.flows, e.work
	return res
}

// usesFlask reports a program that imports flask.
func usesFlask(p *semantic.Program) bool {
	for _, m := range p.Modules {
		for _, sym := range m.Scope.Names {
			if sym.Kind == semantic.ImportSym && (sym.Target == "flask" || strings.HasPrefix(sym.Target, "flask.")) {
				return true
			}
		}
	}
	return false
}

// flaskView reports functions decorated as Flask routes
// (@app.route, @bp.get, ...).
func flaskView(f *semantic.Function) bool {
	for _, d := range f.Node.Decorators {
		if c, ok := d.(*syntax.Call); ok {
			if a, ok := c.Func.(*syntax.Attribute); ok {
				switch a.Attr.Name {
				case "route", "get", "post", "put", "patch", "delete":
					return true
				}
			}
		}
	}
	return false
}

// analyzeFlaskView analyses a Flask view: its parameters come from the URL,
// and what it returns is the response body.
func (e *Engine) analyzeFlaskView(f *semantic.Function) {
	fa := e.newFrame(f, false)
	fa.flaskView = true
	for _, a := range f.Node.Args.All() {
		fa.env[a.Name.Name] = &Value{Source: &Source{Name: a.Name.Name, Kind: "path", Module: f.Module, Node: a},
			Steps: []Step{{f.Module, a, "path parameter " + a.Name.Name}}}
	}
	fa.run()
}

// dependency analyses a dependency function with its request parameters as
// sources (once), and returns the taint of what it returns.
func (e *Engine) dependency(d *fastapi.Dependency, depth int) *Value {
	if d == nil || d.Func == nil {
		return nil
	}
	if v, ok := e.depReturn[d.Func]; ok {
		return v
	}
	if depth > maxDependencyDepth {
		// A cut only if no other path analyses it: see Run.
		if k := (cutKey{d.Func, DependencyDepthCut}); !e.cut[k] {
			e.cut[k] = true
			e.depCuts = append(e.depCuts, Cut{Func: d.Func, Module: d.Module, Node: d.Node, Kind: DependencyDepthCut})
		}
		return nil
	}
	e.depReturn[d.Func] = nil // cycles read as clean
	for _, sub := range d.Sub {
		e.dependency(sub, depth+1)
	}
	var v *Value
	e.entry(func() { v = e.analyzeEntry(d.Func, d.Params, "") })
	e.depReturn[d.Func] = v
	return v
}

// entry analyses an entry point, counting it, and as skipped when the
// budget was spent before its analysis ended.
func (e *Engine) entry(analyse func()) {
	e.res.Entries++
	analyse()
	if e.work > e.budget {
		e.res.Skipped++
	}
}

// analyzeEntry analyses a function FastAPI calls (handler or dependency),
// seeding its parameters as FastAPI fills them, and returns the taint of
// its return value.
func (e *Engine) analyzeEntry(f *semantic.Function, params []*fastapi.Param, fullPath string) *Value {
	fa := e.newFrame(f, false)
	pathConverter := map[string]bool{}
	for _, m := range pathParamRE.FindAllStringSubmatch(fullPath, -1) {
		pathConverter[m[1]] = m[2] == "path"
	}
	for _, p := range params {
		if p.Arg == nil {
			continue
		}
		name := p.Name
		switch {
		case p.Kind == fastapi.DependencyParam:
			if p.Dep != nil {
				fa.env[name] = e.dependency(p.Dep, 1)
			}
		case p.Kind == fastapi.SpecialParam:
			switch shortName(p.Type) {
			case "Request", "WebSocket", "HTTPConnection":
				fa.objects[name] = objRequest
			}
		case p.Kind == fastapi.FileParam:
			fa.objects[name] = objUpload
		case p.Kind.FromRequest():
			if e.safeParam(f.Outer, p) {
				continue
			}
			src := &Source{Name: name, Kind: p.Kind.String(), Module: f.Module, Node: p.Arg}
			v := &Value{Source: src, Steps: []Step{{f.Module, p.Arg, p.Kind.String() + " parameter " + name}}}
			if p.Kind == fastapi.PathParam && !pathConverter[name] {
				// {name} matches one segment: no "/" can reach the value.
				v.Sanitized |= Path
			}
			if dm := e.model.ModelOf(p.Type); dm != nil && dm.Pydantic {
				fa.models[name] = dm
			} else if p.Kind == fastapi.BodyParam {
				v.Structured = true // dict, list or Any: may hold operators and nested values
			}
			fa.env[name] = v
		}
	}
	fa.run()
	return fa.ret
}

// safeParam reports parameters whose type cannot carry a payload (int,
// UUID, Enum, Literal, ...), or whose declaration constrains them with a
// pattern.
func (e *Engine) safeParam(s *semantic.Scope, p *fastapi.Param) bool {
	if e.safeType(p.Type) {
		return true
	}
	if sub, ok := p.TypeExpr.(*syntax.Subscript); ok && shortName(e.prog.Qualify(s, sub.Value)) == "Literal" {
		return true
	}
	if p.Marker != nil {
		for _, kw := range p.Marker.Keywords {
			if kw.Arg != nil && (kw.Arg.Name == "pattern" || kw.Arg.Name == "regex") {
				return true
			}
		}
	}
	return false
}
