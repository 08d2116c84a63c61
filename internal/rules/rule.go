// Package rules holds fastapi-audit's rule catalog: each rule is declared
// once, with its metadata and documentation, in a file of its own, and
// checks the program through the FastAPI model and the shared index.
package rules

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/parallel"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

// Doc is a rule's documentation.
type Doc struct {
	What    string // what it finds
	Why     string // why it matters
	Example string // vulnerable code (Python), or a record or server configuration for live rules
	// ExampleLang names the Example's language for highlighting: "" means
	// python; "nginx", "dns", "text"...
	ExampleLang string
	Fix         string   // how to fix it, with the fixed code
	References  []string // links
}

// Rule is one check with its metadata.
type Rule struct {
	ID          string // FA404
	Name        string // debug-mode
	Title       string // one line, as findings are titled
	Category    string // injection, authentication, access-control, exposure, input, transport, outbound, dependencies
	Severity    finding.Severity
	Confidence  finding.Confidence
	CWE         []int
	OWASP       []string // e.g. "API8:2023", "A05:2021"
	Remediation string   // one sentence for findings
	Doc         Doc
	Check       func(*Pass) // nil for live-only rules, which the probe checks
}

// Live reports a rule only a live probe checks (FA9).
func (r *Rule) Live() bool { return r.Check == nil }

var registry = map[string]*Rule{}

// Register adds a rule to the catalog; rule files call it from init.
func Register(r *Rule) {
	if !idRE.MatchString(r.ID) {
		panic(fmt.Sprintf("rule id %q is not FA followed by three digits", r.ID))
	}
	if _, dup := registry[r.ID]; dup {
		panic("duplicate rule " + r.ID)
	}
	registry[r.ID] = r
}

var idRE = regexp.MustCompile(`^FA\d{3}$`)

// MustKnow panics unless every id names a registered rule: the probe's and
// the posture's check files declare the rules they report from init, and a
// typo must stop the program at start, not lose findings.
func MustKnow(check string, ids []string) {
	for _, id := range ids {
		if Get(id) == nil {
			panic(fmt.Sprintf("%s reports unknown rule %s", check, id))
		}
	}
}

// All returns the rules in id order.
func All() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Get returns a rule by id, or nil.
func Get(id string) *Rule { return registry[strings.ToUpper(id)] }

// Catalog lists every rule id DESIGN.md reserves, implemented or not, so
// that configuration naming a planned rule is not an error.
var Catalog = expandIDs(
	"FA101-FA114", "FA201-FA211", "FA301-FA307", "FA401-FA409", "FA501-FA507",
	"FA601-FA607", "FA701-FA702", "FA801-FA804", "FA901-FA912", "FA950-FA969",
)

func expandIDs(ranges ...string) map[string]bool {
	out := map[string]bool{}
	for _, r := range ranges {
		var a, b int
		fmt.Sscanf(r, "FA%d-FA%d", &a, &b)
		for i := a; i <= b; i++ {
			out[fmt.Sprintf("FA%03d", i)] = true
		}
	}
	return out
}

// KnownPrefix reports whether an id or prefix (FA1, FA10, FA101) names at
// least one rule of the catalog.
func KnownPrefix(p string) bool {
	p = strings.ToUpper(p)
	if !regexp.MustCompile(`^FA\d{1,3}$`).MatchString(p) {
		return false
	}
	for id := range Catalog {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return registry[p] != nil
}

// Options are the settings rules read.
type Options struct {
	PublicRoutes []string // path globs meant to be anonymous
	Advisories   *osv.DB  // known vulnerabilities; nil when none were given
	// Dependencies are the project's declared dependencies when the caller
	// already collected them (manifest.Project); nil means collect them.
	Dependencies []manifest.Declared
	// Context, when not nil, stops Run between rules once it is done
	// (a scan's --timeout); the findings are then incomplete and the
	// caller must not report them as a finished scan.
	Context context.Context
	// Took, when not nil, is told how long each rule (and "taint", the
	// shared taint analysis) ran; it may be called concurrently.
	Took func(rule string, d time.Duration)
	// Diagnose, when not nil, is told of analyses that did not cover the
	// whole program (the taint analysis running out of its budget, a rule
	// that panicked: with Diagnose set a panicking rule is recovered and
	// reported, without it the panic goes on) and, once per run, of the
	// problems met reading the dependency files (kind "dependencies"); it
	// may be called concurrently.
	Diagnose func(*finding.Diagnostic)
	// TaintBudget is the number of evaluations the taint analysis may make;
	// 0 means its default for the program's size.
	TaintBudget int
}

// Pass is one rule's run over the program.
type Pass struct {
	Rule    *Rule
	Model   *fastapi.Model
	Prog    *semantic.Program
	Index   *semantic.Index
	Files   []source.File // every discovered file (dependency manifests and environment files included)
	Options Options

	findings []*finding.Finding
	shared   *shared
}

// shared holds results computed once per run for every rule. Rules run
// concurrently, so each result is built under a sync.Once or a lock.
type shared struct {
	flows       []*taint.Flow
	flowsOnce   sync.Once
	deps        []manifest.Declared
	depProblems []manifest.Problem
	depsOnce    sync.Once
	funcsMu     sync.Mutex
	funcs       map[*semantic.Module]*funcIndex
}

// taintSinks are the sinks the taint rules declare, by rule id.
var taintSinks = map[*taint.Sink]string{}

// RegisterSinks declares the taint sinks of a rule; rule files call it
// from init.
func RegisterSinks(ruleID string, sinks ...*taint.Sink) {
	for _, s := range sinks {
		taintSinks[s] = ruleID
	}
}

// Flows returns the taint flows into this rule's sinks, running the taint
// analysis once per run.
func (p *Pass) Flows() []*taint.Flow {
	p.shared.runTaint(p.Model, p.Options)
	var out []*taint.Flow
	for _, f := range p.shared.flows {
		if taintSinks[f.Sink] == p.Rule.ID {
			out = append(out, f)
		}
	}
	return out
}

// runTaint runs the taint analysis for every registered sink, once.
func (sh *shared) runTaint(model *fastapi.Model, opts Options) {
	sh.flowsOnce.Do(func() {
		sinks := make([]*taint.Sink, 0, len(taintSinks))
		for s := range taintSinks {
			sinks = append(sinks, s)
		}
		sort.Slice(sinks, func(i, j int) bool { return taintSinks[sinks[i]]+sinks[i].What < taintSinks[sinks[j]]+sinks[j].What })
		res := taint.Run(model, sinks, opts.TaintBudget)
		sh.flows = res.Flows
		if opts.Diagnose == nil {
			return
		}
		if res.Skipped > 0 {
			opts.Diagnose(&finding.Diagnostic{Kind: "limit", Message: fmt.Sprintf(
				"the taint analysis stopped after %d evaluations, its budget for this program: %d of %d route handlers and dependencies were not analysed completely, so injection, path and SSRF flows (FA101-FA114) in them may be missing; scan the services one at a time",
				res.Work, res.Skipped, res.Entries)})
		}
		for i, c := range res.Cuts {
			if i == maxCutDiagnostics {
				opts.Diagnose(&finding.Diagnostic{Kind: "limit", Message: fmt.Sprintf(
					"the taint analysis was cut short in %d more functions (limits per function and on the depth of calls followed); injection, path and SSRF flows (FA101-FA114) through them may be missing",
					len(res.Cuts)-i)})
				break
			}
			opts.Diagnose(&finding.Diagnostic{Kind: "limit", Location: Location(c.Module, c.Node), Message: c.Message()})
		}
	})
}

// maxCutDiagnostics is the most functions named one by one in diagnostics
// for being cut short by the taint analysis's limits; past it, one more
// diagnostic counts the rest.
const maxCutDiagnostics = 100

// usesTaint reports a rule that declared taint sinks.
func usesTaint(r *Rule) bool {
	for _, id := range taintSinks {
		if id == r.ID {
			return true
		}
	}
	return false
}

// crashed is the diagnostic of a rule (or the taint analysis) that
// panicked: its findings are missing, the others stand.
func crashed(name string, v any) *finding.Diagnostic {
	what := "rule " + name
	if r := Get(name); r != nil {
		what = fmt.Sprintf("rule %s (%s)", r.ID, r.Name)
	}
	switch name {
	case "taint":
		what = "the taint analysis (FA101-FA114)"
	case "dependency files":
		what = "reading the dependency files (FA801-FA804)"
	}
	stack := strings.Split(string(debug.Stack()), "\n")
	// The frames below the panic: the goroutine line, the runtime's panic
	// frames, then the code that failed.
	where := ""
	for i := 0; i+1 < len(stack); i++ {
		if strings.HasPrefix(stack[i], "panic(") && i+3 < len(stack) {
			fn, _, _ := strings.Cut(strings.TrimSpace(stack[i+2]), "(")
			file, _, _ := strings.Cut(strings.TrimSpace(stack[i+3]), " ")
			where = path.Base(fn) + " (" + path.Base(file) + ")"
			break
		}
	}
	return &finding.Diagnostic{Kind: "internal", Message: fmt.Sprintf(
		"%s stopped on an internal error, so its findings are missing (the other rules ran): %v at %s; please report it with the code that caused it",
		what, v, where)}
}

// ReportFlow records a taint finding with its path as evidence.
func (p *Pass) ReportFlow(fl *taint.Flow, format string, args ...any) *finding.Finding {
	f := p.Report(fl.Module, fl.Node, format, args...)
	for _, st := range fl.Value.Steps {
		f.Evidence = append(f.Evidence, finding.Step{Location: Location(st.Module, st.Node), Message: st.What})
	}
	return f
}

// Run runs the rules and returns their findings, with fingerprints, in file
// and line order.
//
// Rules run concurrently, one per core at a time; the shared taint analysis
// starts first, so that the rules reading its flows, queued last, rarely
// wait for it. Findings keep the rules' order whatever the scheduling.
func Run(rs []*Rule, model *fastapi.Model, files []source.File, opts Options) []*finding.Finding {
	ix := model.Prog.Index()
	sh := &shared{}
	// A rule that panics: reported through Diagnose when set, else the
	// panic is raised again in the caller's goroutine once the others end.
	var panicked string
	var panicOnce sync.Once
	guarded := func(name string, f func()) func() {
		return func() {
			if opts.Took != nil {
				start := time.Now()
				defer func() { opts.Took(name, time.Since(start)) }()
			}
			defer func() {
				if v := recover(); v != nil {
					if opts.Diagnose != nil {
						opts.Diagnose(crashed(name, v))
						return
					}
					panicOnce.Do(func() { panicked = fmt.Sprintf("%s: %v\n%s", name, v, debug.Stack()) })
				}
			}()
			f()
		}
	}
	// Jobs: the taint analysis, then the other rules, then those reading
	// its flows. Each rule's findings go to its place in rs.
	found := make([][]*finding.Finding, len(rs))
	var jobs, tainted []func()
	for i, r := range rs {
		if r.Live() {
			continue
		}
		job := guarded(r.ID, func() {
			p := &Pass{Rule: r, Model: model, Prog: model.Prog, Index: ix, Files: files, Options: opts, shared: sh}
			r.Check(p)
			found[i] = p.findings
		})
		if usesTaint(r) {
			tainted = append(tainted, job)
		} else {
			jobs = append(jobs, job)
		}
	}
	if len(tainted) > 0 {
		jobs = append([]func(){guarded("taint", func() { sh.runTaint(model, opts) })}, append(jobs, tainted...)...)
	}
	stopped := func() bool { return opts.Context != nil && opts.Context.Err() != nil }
	parallel.For(len(jobs), 0, stopped, func(i int) { jobs[i]() })
	if panicked != "" {
		panic(panicked)
	}
	if !stopped() {
		guarded("dependency files", func() { sh.diagnoseDependencies(files, opts) })()
	}
	var all []*finding.Finding
	for _, fs := range found {
		all = append(all, fs...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i].Location, all[j].Location
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return all[i].RuleID < all[j].RuleID
	})
	finding.Fingerprints(all)
	return all
}

// newFinding starts a finding with the rule's metadata.
func (p *Pass) newFinding(loc finding.Location, msg string) *finding.Finding {
	r := p.Rule
	f := &finding.Finding{
		RuleID: r.ID, Title: r.Title, Severity: r.Severity, Confidence: r.Confidence,
		CWE: r.CWE, OWASP: r.OWASP, Location: loc, Message: msg, Remediation: r.Remediation,
	}
	p.findings = append(p.findings, f)
	return f
}

// Report records a finding on a node of a module and returns it for the
// rule to refine (severity, confidence, evidence, secrets).
func (p *Pass) Report(mod *semantic.Module, node syntax.Node, format string, args ...any) *finding.Finding {
	f := p.newFinding(Location(mod, node), fmt.Sprintf(format, args...))
	if fn := p.enclosingFunc(mod, node.Pos()); fn != nil {
		f.Function = fn.Qual
	}
	f.Snippet = snippet(mod.File, node)
	f.SetCode(mod.File.Text(node))
	return f
}

// ReportFile records a finding on a line of a file that is not Python.
func (p *Pass) ReportFile(file source.File, line int, code, format string, args ...any) *finding.Finding {
	loc := finding.Location{File: relPath(file.Rel), Line: line, Column: 1, EndLine: line, EndColumn: 1}
	f := p.newFinding(loc, fmt.Sprintf(format, args...))
	f.Snippet = code
	f.SetCode(code)
	return f
}

// Location is the range of a node in a module.
func Location(mod *semantic.Module, node syntax.Node) finding.Location {
	from := mod.File.Position(node.Pos())
	to := mod.File.Position(node.End())
	return finding.Location{File: relPath(mod.Rel), Line: from.Line, Column: from.Column, EndLine: to.Line, EndColumn: to.Column}
}

func relPath(rel string) string { return strings.TrimPrefix(path.Clean("/"+rel), "/") }

// EnclosingFunc returns the innermost function of a module that contains
// an offset, or nil.
func EnclosingFunc(mod *semantic.Module, pos syntax.Pos) *semantic.Function {
	var best *semantic.Function
	for _, f := range mod.Funcs {
		if f.Node.Pos() <= pos && pos < f.Node.End() {
			if best == nil || f.Node.Pos() >= best.Node.Pos() {
				best = f
			}
		}
	}
	return best
}

// funcIndex finds the function around an offset of one module in
// O(log n + nesting) rather than EnclosingFunc's O(n): a finding in each
// of tens of thousands of functions made that quadratic.
type funcIndex struct {
	funcs  []*semantic.Function // by start offset
	parent []int                // index of the innermost function around each, -1 at module level
}

func newFuncIndex(mod *semantic.Module) *funcIndex {
	x := &funcIndex{funcs: append([]*semantic.Function(nil), mod.Funcs...)}
	sort.SliceStable(x.funcs, func(i, j int) bool { return x.funcs[i].Node.Pos() < x.funcs[j].Node.Pos() })
	x.parent = make([]int, len(x.funcs))
	var open []int // functions around the current one, outermost first
	for i, f := range x.funcs {
		for len(open) > 0 && x.funcs[open[len(open)-1]].Node.End() <= f.Node.Pos() {
			open = open[:len(open)-1]
		}
		x.parent[i] = -1
		if len(open) > 0 {
			x.parent[i] = open[len(open)-1]
		}
		open = append(open, i)
	}
	return x
}

// at returns the innermost function containing pos, or nil.
func (x *funcIndex) at(pos syntax.Pos) *semantic.Function {
	i := sort.Search(len(x.funcs), func(i int) bool { return x.funcs[i].Node.Pos() > pos }) - 1
	for i >= 0 && pos >= x.funcs[i].Node.End() {
		i = x.parent[i]
	}
	if i < 0 {
		return nil
	}
	return x.funcs[i]
}

// enclosingFunc is EnclosingFunc with an index built once per module and
// run.
func (p *Pass) enclosingFunc(mod *semantic.Module, pos syntax.Pos) *semantic.Function {
	if p.shared == nil {
		return EnclosingFunc(mod, pos)
	}
	sh := p.shared
	sh.funcsMu.Lock()
	if sh.funcs == nil {
		sh.funcs = map[*semantic.Module]*funcIndex{}
	}
	x := sh.funcs[mod]
	if x == nil {
		x = newFuncIndex(mod)
		sh.funcs[mod] = x
	}
	sh.funcsMu.Unlock()
	return x.at(pos)
}

// snippet is the first source line of a node, trimmed and shortened.
func snippet(f *syntax.File, node syntax.Node) string {
	line := strings.TrimSpace(f.LineText(f.Line(node.Pos())))
	if r := []rune(line); len(r) > 160 {
		line = string(r[:157]) + "..."
	}
	return line
}
