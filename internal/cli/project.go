package cli

import (
	"fmt"
	"sync/atomic"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// project is everything read from the scanned paths.
type project struct {
	files  []source.File
	diags  []source.Diagnostic
	parsed []*source.Parsed
	prog   *semantic.Program
	model  *fastapi.Model
	inv    []report.Route // the route inventory, once computed
	secs   []string       // the secret values of the tree, once collected
}

// routes returns the project's route inventory, computed once.
func (p *project) routes() []report.Route {
	if p.inv == nil {
		p.inv = report.Routes(p.model)
	}
	return p.inv
}

// secrets returns the secret values of the scanned files, collected once:
// the reports mask them wherever they appear.
func (p *project) secrets() []string {
	if p.secs == nil {
		p.secs = secrets.Collect(p.files, p.parsed)
		if p.secs == nil {
			p.secs = []string{}
		}
	}
	return p.secs
}

// loadOptions are the settings shared by the commands that read source.
type loadOptions struct {
	exclude     []string
	jobs        int
	maxFileSize int64
	authDeps    []string
	progress    *progress  // status line on a terminal; nil for none
	guard       *scanGuard // scan's --timeout and --max-memory; nil for none
}

// load discovers, parses and models the source under paths.
func load(paths []string, o loadOptions) (*project, error) {
	if err := o.guard.step("discovering files"); err != nil {
		return nil, err
	}
	files, diags, err := source.Discover(paths, source.Options{Exclude: o.exclude, MaxFileSize: o.maxFileSize})
	if err != nil {
		return nil, noRunErrorf("%v", err)
	}
	p := &project{files: files, diags: diags}
	if err := o.guard.step("parsing Python files"); err != nil {
		return nil, err
	}
	o.progress.Set(true, "reading %d files", len(files))
	var parsed atomic.Int64
	total := 0
	for _, f := range files {
		if f.Kind == source.Python {
			total++
		}
	}
	inFlight := newInFlight()
	o.guard.watching(inFlight.String)
	p.parsed, err = source.ParseAllContext(o.guard.context(), files, o.jobs, o.maxFileSize, func(f source.File, finished bool) {
		if !finished {
			inFlight.start(f.Rel)
			return
		}
		inFlight.end(f.Rel)
		done := int(parsed.Add(1))
		o.progress.Set(done == total, "parsing %d/%d Python files", done, total)
	})
	if err != nil {
		o.progress.Done()
		if err := o.guard.stoppedDuring(fmt.Sprintf("parsing Python files (%d of %d done)", parsed.Load(), len(p.parsed))); err != nil {
			return nil, err
		}
		return nil, noRunErrorf("%v", err)
	}
	o.guard.watching(nil)
	if err := o.guard.step("modelling modules"); err != nil {
		return nil, err
	}
	o.progress.Set(true, "modelling %d modules", len(p.parsed))
	inputs := make([]semantic.Input, len(p.parsed))
	for i, f := range p.parsed {
		inputs[i] = semantic.Input{Path: f.Path, Rel: f.Rel, File: f.Syntax}
	}
	p.prog = semantic.New(inputs)
	// The rules' index needs only the program: build it on the other core
	// while the FastAPI model is built (rules.Run waits for it).
	go p.prog.Index()
	if err := o.guard.step("building the FastAPI model"); err != nil {
		return nil, err
	}
	p.model = fastapi.Build(p.prog, fastapi.Options{AuthDependencies: o.authDeps})
	return p, nil
}
