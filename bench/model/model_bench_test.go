// Package model measures what the semantic and FastAPI models, and the
// rules, add on top of parsing, on one core: the figures behind the target
// "the model adds at most 50% on top of parsing". The directory comes from
// $BENCH_MODEL_DIR, else python3's standard library (as bench/parse). Run
// with bench/model.sh, which prints the ratios.
package model

import (
	"os"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/bench/parse"
	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

func dir(b *testing.B) string {
	if d := os.Getenv("BENCH_MODEL_DIR"); d != "" {
		return d
	}
	d, err := parse.Dir()
	if err != nil {
		b.Skip(err)
	}
	return d
}

// stage is how far a run goes.
type stage int

const (
	parseOnly stage = iota
	withModel
	withRules
)

func run(b *testing.B, st stage) {
	root := dir(b)
	files, _, err := source.Discover([]string{root}, source.Options{})
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		parsed := source.ParseAll(files, 1, 0)
		lines = 0
		for _, p := range parsed {
			lines += p.Syntax.LineCount()
		}
		if st == parseOnly {
			continue
		}
		inputs := make([]semantic.Input, len(parsed))
		for j, p := range parsed {
			inputs[j] = semantic.Input{Path: p.Path, Rel: p.Rel, File: p.Syntax}
		}
		prog := semantic.New(inputs)
		model := fastapi.Build(prog, fastapi.Options{})
		model.Models()
		if st == withRules {
			rules.Run(rules.All(), model, files, rules.Options{}) // builds the shared index too
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkParse reads and parses every file, as scan does, on one core.
func BenchmarkParse(b *testing.B) { run(b, parseOnly) }

// BenchmarkModel adds the semantic model, the FastAPI model and the data
// models.
func BenchmarkModel(b *testing.B) { run(b, withModel) }

// BenchmarkScan adds the rules' shared index and every rule.
func BenchmarkScan(b *testing.B) { run(b, withRules) }
