// Command modeldir runs the stages of a scan over a directory in one
// process, as `fastapi-audit scan` does (same discovery, parallel parse,
// semantic and FastAPI models, optionally the rules), without writing a
// report, and prints the time of each stage on one line of key=value pairs.
// bench/peers.sh runs it under /usr/bin/time -v for the "model only"
// figures (wall time, CPU time and peak RSS up to the models).
//
//	modeldir -dir DIR [-jobs N] [-stage parse|model|rules]
//
// Like the fastapi-audit command it sets the garbage collector to GOGC=400
// and a soft memory limit of 2 GiB or twice the live heap (internal/gcpolicy)
// unless GOGC or GOMEMLIMIT are set.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/gcpolicy"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

func main() {
	dir := flag.String("dir", "", "directory to scan")
	jobs := flag.Int("jobs", runtime.NumCPU(), "goroutines parsing files, as scan --jobs")
	stage := flag.String("stage", "model", "last stage to run: parse, model (semantic, FastAPI and data models) or rules")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 || (*stage != "parse" && *stage != "model" && *stage != "rules") {
		fmt.Fprintln(os.Stderr, "usage: modeldir -dir DIR [-jobs N] [-stage parse|model|rules]")
		os.Exit(2)
	}
	// The settings internal/cli gives a scan.
	gcpolicy.Apply()
	defer gcpolicy.Follow()()
	if err := run(*dir, *jobs, *stage); err != nil {
		fmt.Fprintln(os.Stderr, "modeldir:", err)
		os.Exit(1)
	}
}

func run(dir string, jobs int, stage string) error {
	start := time.Now()
	files, _, err := source.Discover([]string{dir}, source.Options{MaxFileSize: source.DefaultMaxFileSize})
	if err != nil {
		return err
	}
	discovered := time.Now()
	parsed := source.ParseAll(files, jobs, source.DefaultMaxFileSize)
	lines := 0
	for _, p := range parsed {
		lines += p.Syntax.LineCount()
	}
	parsedAt := time.Now()
	modelled, ruled := parsedAt, parsedAt
	routes, findings := 0, 0
	if stage != "parse" {
		inputs := make([]semantic.Input, len(parsed))
		for i, p := range parsed {
			inputs[i] = semantic.Input{Path: p.Path, Rel: p.Rel, File: p.Syntax}
		}
		prog := semantic.New(inputs)
		model := fastapi.Build(prog, fastapi.Options{})
		model.Models()
		routes = len(model.Endpoints)
		modelled = time.Now()
		ruled = modelled
		if stage == "rules" {
			var rs []*rules.Rule
			for _, r := range rules.All() {
				if !r.Live() {
					rs = append(rs, r)
				}
			}
			findings = len(rules.Run(rs, model, files, rules.Options{}))
			ruled = time.Now()
		}
	}
	sec := time.Since(start).Seconds()
	fmt.Printf("stage=%s jobs=%d files=%d pyfiles=%d lines=%d routes=%d findings=%d discover_seconds=%.3f parse_seconds=%.3f model_seconds=%.3f rules_seconds=%.3f seconds=%.3f lines_per_s=%.0f\n",
		stage, jobs, len(files), len(parsed), lines, routes, findings,
		discovered.Sub(start).Seconds(), parsedAt.Sub(discovered).Seconds(), modelled.Sub(parsedAt).Seconds(),
		ruled.Sub(modelled).Seconds(), sec, float64(lines)/sec)
	return nil
}
