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
}

// load discovers, parses and models the source under paths.
func load(paths []string, o loadOptions) (*project, error) {
	files, diags, err := source.Discover(paths, source.Options{Exclude: o.exclude, MaxFileSize: o.maxFileSize})
	if err != nil {
		return nil, noRunErrorf("%v", err)
	}
	p := &project{files: files, diags: diags}
	p.parsed = source.ParseAll(files, o.jobs, o.maxFileSize)
	inputs := make([]semantic.Input, len(p.parsed))
	for i, f := range p.parsed {
		inputs[i] = semantic.Input{Path: f.Path, Rel: f.Rel, File: f.Syntax}
	}
	p.prog = semantic.New(inputs)
	p.model = fastapi.Build(p.prog, fastapi.Options{AuthDependencies: o.authDeps})
	return p, nil
}
