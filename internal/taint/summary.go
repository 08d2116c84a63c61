package taint

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// checkSinks reports tainted arguments of a call that is a sink. Sinks
// known by a method name alone apply to methods of objects the program
// does not define (projectMethod false).
func (fa *frame) checkSinks(c *syntax.Call, callee, method string, recvExpr syntax.Expr, recv *Value, projectMethod bool) {
	sinks := fa.e.byCallee[callee]
	if method != "" && !projectMethod {
		sinks = append(sinks[:len(sinks):len(sinks)], fa.e.byMethod[method]...)
	}
	for _, s := range sinks {
		if s.Recv != nil && (recvExpr == nil || !s.Recv(fa.mod.File.Text(recvExpr))) {
			continue
		}
		if s.Receiver {
			if recv != nil && !recv.safeFor(s.Class) && (!ambiguousPathMethods[method] || recv.IsPath) {
				fa.hit(s, c, recvExpr, recv)
			}
			continue
		}
		picked := s.pick(c)
		if s.PickIn != nil {
			picked = s.PickIn(fa.mod, c)
		}
		for _, a := range picked {
			v := fa.eval(a)
			if v != nil && !v.safeFor(s.Class) && (!s.Structured || v.Structured) {
				fa.hit(s, c, a, v)
			}
		}
	}
}

// htmlEscaperRE names helper functions that escape HTML.
var htmlEscaperRE = namere.MustCompile(`(?i)escape.*html|html.*escape|^escape$|sanitize_html|encode_for_html`)

// ambiguousPathMethods are path sink methods that strings and other
// objects have too: they count only on values known to be paths.
var ambiguousPathMethods = map[string]bool{"replace": true, "rename": true, "open": true, "chmod": true, "extract": true, "touch": true, "mkdir": true}

// hit records a tainted value reaching a sink: a flow in an entry
// analysis, a summary hit (by parameter) in a summary analysis.
func (fa *frame) hit(s *Sink, c *syntax.Call, arg syntax.Expr, v *Value) {
	fa.hitAt(s, c, c, arg, v)
}

// hitAt is hit for a node that may not be a call (a store sink).
func (fa *frame) hitAt(s *Sink, node syntax.Node, c *syntax.Call, arg syntax.Expr, v *Value) {
	v = v.with(fa.mod, node, "reaches "+s.What)
	fl := Flow{Sink: s, Module: fa.mod, Node: node, Call: c, Arg: arg, Value: v}
	if fa.summary {
		if v.Params != 0 {
			fa.hits = append(fa.hits, sinkHit{params: v.Params, flow: fl})
		}
		if v.Source == nil {
			return
		}
		// An intrinsic source reaches the sink whoever calls: a real flow.
	}
	if v.Source == nil {
		return
	}
	key := flowKey{node, arg}
	if fa.e.seen[key] {
		return
	}
	fa.e.seen[key] = true
	fa.e.flows = append(fa.e.flows, &fl)
}

// summaryOf analyses a program function once with its parameters as
// symbolic taint: what reaches its return value and its sinks.
//
// Summaries needed while computing one are computed on demand, at most
// maxSummaryDepth deep; a function first called deeper is not analysed (its
// summary says nothing), and the call is recorded as a Cut.
func (e *Engine) summaryOf(f *semantic.Function, from *frame, call *syntax.Call) *summary {
	if s := e.summaries[f]; s != nil {
		return s // done, or in progress (recursion): what is known so far
	}
	s := &summary{}
	e.summaries[f] = s
	if e.depth >= maxSummaryDepth {
		s.done = true
		if k := (cutKey{f, CallDepthCut}); !e.cut[k] {
			e.cut[k] = true
			e.res.Cuts = append(e.res.Cuts, Cut{Func: f, Module: from.mod, Node: call, Kind: CallDepthCut})
		}
		return s
	}
	e.depth++
	defer func() { e.depth-- }()
	fa := e.newFrame(f, true)
	for i, a := range f.Node.Args.All() {
		if i >= 64 {
			break
		}
		fa.env[a.Name.Name] = &Value{Params: 1 << uint(i), Steps: []Step{{f.Module, a, "parameter " + a.Name.Name + " of " + f.Node.Name.Name + "()"}}}
	}
	fa.run()
	s.ret = fa.ret
	if f.Node.Name.Name == "__init__" && f.Class != nil {
		// A constructor's result is the object: it carries what __init__
		// stored in its fields.
		if params := f.Node.Args.All(); len(params) > 0 {
			prefix := params[0].Name.Name + "."
			for k, v := range fa.env {
				if strings.HasPrefix(k, prefix) {
					s.ret = merge(s.ret, v)
				}
			}
		}
	}
	s.hits = fa.hits
	s.done = true
	return s
}

// applySummary computes a call to a program function from its summary:
// the taint of the result, and flows into sinks inside the callee.
func (fa *frame) applySummary(c *syntax.Call, f *semantic.Function, recv *Value, args, kws []*Value) *Value {
	s := fa.e.summaryOf(f, fa, c)
	params := f.Node.Args.All()
	// Map the call's arguments to parameter indexes.
	vals := make([]*Value, len(params))
	offset := 0
	if f.Class != nil && !f.Node.IsStaticMethod() && len(params) > 0 {
		if _, isAttr := c.Func.(*syntax.Attribute); isAttr {
			vals[0] = recv
			offset = 1
		} else if fa.e.prog.Class(fa.e.prog.Qualify(fa.f.Scope, c.Func)) != nil {
			offset = 1 // a constructor: self is the new object
		}
	}
	for i, a := range args {
		if j := i + offset; j < len(vals) {
			vals[j] = a
		} else if f.Node.Args.Vararg != nil {
			for k, p := range params {
				if p == f.Node.Args.Vararg {
					vals[k] = merge(vals[k], a)
				}
			}
		}
	}
	for i, kw := range c.Keywords {
		if kw.Arg == nil {
			continue
		}
		for j, p := range params {
			if p.Name.Name == kw.Arg.Name {
				vals[j] = kws[i]
			}
		}
	}
	step := func(v *Value) *Value { return v.with(fa.mod, c, "passed to "+f.Node.Name.Name+"()") }
	var out *Value
	if s.ret != nil && s.ret.Source != nil {
		// The callee returns data of its own sources (a response it read).
		intrinsic := *s.ret
		intrinsic.Params = 0
		out = step(&intrinsic)
	}
	// Helpers named for escaping HTML count as HTML escaping.
	escapes := Class(0)
	if htmlEscaperRE.MatchString(f.Node.Name.Name) {
		escapes = HTML
	}
	if s.ret != nil {
		for j, v := range vals {
			if v != nil && j < 64 && s.ret.Params&(1<<uint(j)) != 0 {
				r := step(v).sanitized(s.ret.Sanitized | escapes)
				r.Structured = v.Structured && s.ret.Structured
				r.Steps = append(r.Steps, Step{f.Module, f.Node, "returned by " + f.Node.Name.Name + "()"})
				out = merge(out, r)
			}
		}
	}
	for _, h := range s.hits {
		for j, v := range vals {
			if v == nil || j >= 64 || h.params&(1<<uint(j)) == 0 {
				continue
			}
			inner := h.flow.Value
			full := step(v)
			full.Sanitized |= inner.Sanitized
			if full.safeFor(h.flow.Sink.Class) {
				continue
			}
			// The path: the caller's steps, the call, then the callee's
			// steps after its parameter.
			if len(inner.Steps) > 1 {
				full.Steps = append(full.Steps, inner.Steps[1:]...)
			}
			if len(full.Steps) > maxSteps {
				full.Steps = append(full.Steps[:maxSteps-1], full.Steps[len(full.Steps)-1])
			}
			if fa.summary {
				full.Params = v.Params
				if full.Params != 0 {
					fa.hits = append(fa.hits, sinkHit{params: full.Params, flow: Flow{Sink: h.flow.Sink, Module: h.flow.Module, Node: h.flow.Node, Call: h.flow.Call, Arg: h.flow.Arg, Value: full}})
				}
				continue
			}
			if full.Source == nil {
				continue
			}
			key := flowKey{h.flow.Node, h.flow.Arg}
			if fa.e.seen[key] {
				continue
			}
			fa.e.seen[key] = true
			fa.e.flows = append(fa.e.flows, &Flow{Sink: h.flow.Sink, Module: h.flow.Module, Node: h.flow.Node, Call: h.flow.Call, Arg: h.flow.Arg, Value: full})
		}
	}
	return out
}
