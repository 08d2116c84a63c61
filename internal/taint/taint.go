// Package taint tracks request data through a FastAPI program to dangerous
// calls. Sources are what FastAPI fills from the request (route and
// dependency parameters, Pydantic body fields, Request and UploadFile
// members); values propagate through assignments, string building,
// containers and calls (across functions and modules, by summaries); typed
// conversions, escaping, path containment and allow-list guards sanitize;
// sinks are calls the rules declare. Work is bounded per function and per
// scan.
package taint

import (
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// Class is a kind of sink; sanitizers clear taint for some classes.
type Class uint16

// Sink classes.
const (
	SQL Class = 1 << iota
	Shell
	Code
	Template
	Deserialize
	XML
	NoSQL
	Regex
	Path
	HTML
	Redirect
	URL
	Log
	Header

	AllClasses Class = 1<<iota - 1
)

// Source is where request data enters the program.
type Source struct {
	Name   string // the parameter or member, e.g. "q", "body.url", "file.filename"
	Kind   string // query, path, header, cookie, body, form, file, request
	Module *semantic.Module
	Node   syntax.Node
}

// Step is one hop of a taint path.
type Step struct {
	Module *semantic.Module
	Node   syntax.Node
	What   string
}

// Value is the taint of an expression: nil when it carries no request
// data.
type Value struct {
	Source     *Source
	Params     uint64 // in summary mode: the parameters (by index) it derives from
	Sanitized  Class  // classes for which it is safe
	Structured bool   // may be a dict or list (JSON body), not only a string
	IsPath     bool   // a pathlib path (built with Path(), / or joinpath)
	Steps      []Step // the path so far, source first
}

// safeFor reports whether the value cannot inject into a sink class.
func (v *Value) safeFor(c Class) bool { return v == nil || v.Sanitized&c == c }

// with returns a copy with one more step.
func (v *Value) with(mod *semantic.Module, n syntax.Node, what string) *Value {
	if v == nil {
		return nil
	}
	out := *v
	if len(v.Steps) < maxSteps {
		out.Steps = append(append([]Step(nil), v.Steps...), Step{mod, n, what})
	}
	return &out
}

// sanitized returns a copy that is safe for the classes.
func (v *Value) sanitized(c Class) *Value {
	if v == nil {
		return nil
	}
	out := *v
	out.Sanitized |= c
	return &out
}

// merge joins two values (either may be nil): the result is tainted when
// either is, safe only for the classes both are safe for.
func merge(a, b *Value) *Value {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	out := *a
	out.Params |= b.Params
	out.Sanitized &= b.Sanitized
	out.Structured = a.Structured || b.Structured
	out.IsPath = a.IsPath || b.IsPath
	if out.Source == nil {
		out.Source = b.Source
		out.Steps = b.Steps
	}
	return &out
}

// Limits bound the work.
const (
	maxSteps = 24 // steps kept per path
	// One analysis of one function makes at most maxNodesPerFunc
	// evaluations plus funcWorkPerNode per node of its body: what the
	// function's own size costs is always allowed (a 40,000-statement
	// handler, a huge literal), only repeating it (loops in loops, calls
	// re-evaluating arguments) runs into the limit, which is named in a
	// Cut when reached.
	maxNodesPerFunc = 40000
	funcWorkPerNode = 4
	// constsPerEval is how many constant elements of a list, tuple, set
	// or dict literal cost one evaluation: they carry no taint and are
	// skipped, not evaluated.
	constsPerEval      = 64
	maxSummaryDepth    = 6 // nested summaries computed on demand
	maxDependencyDepth = 8 // dependencies of dependencies analysed
	// A scan's evaluations: a base, plus a share per line of the program,
	// so that the bound grows linearly with the code (real code takes
	// about one evaluation per line) while a hostile program cannot make
	// the analysis run away.
	scanWorkBase    = 4 << 20
	scanWorkPerLine = 8
)
