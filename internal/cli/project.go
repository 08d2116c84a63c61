package cli

import (
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// project is everything read from the scanned paths.
type project struct {
	files  []source.File
	diags  []source.Diagnostic
	parsed []*source.Parsed
	prog   *semantic.Program
	model  *fastapi.Model
}

// loadOptions are the settings shared by the commands that read source.
type loadOptions struct {
	exclude     []string
	jobs        int
	maxFileSize int64
	authDeps    []string
	progress    *progress // status line on a terminal; nil for none
}

// load discovers, parses and models the source under paths.
func load(paths []string, o loadOptions) (*project, error) {
	files, diags, err := source.Discover(paths, source.Options{Exclude: o.exclude, MaxFileSize: o.maxFileSize})
	if err != nil {
		return nil, noRunErrorf("%v", err)
	}
	p := &project{files: files, diags: diags}
	o.progress.Set(true, "reading %d files", len(files))
	p.parsed = source.ParseAllProgress(files, o.jobs, o.maxFileSize, func(done, total int) {
		o.progress.Set(done == total, "parsing %d/%d Python files", done, total)
	})
	o.progress.Set(true, "modelling %d modules", len(p.parsed))
	inputs := make([]semantic.Input, len(p.parsed))
	for i, f := range p.parsed {
		inputs[i] = semantic.Input{Path: f.Path, Rel: f.Rel, File: f.Syntax}
	}
	p.prog = semantic.New(inputs)
	p.model = fastapi.Build(p.prog, fastapi.Options{AuthDependencies: o.authDeps})
	return p, nil
}
