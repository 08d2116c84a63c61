// Command gen writes a synthetic but realistic FastAPI code base of about a
// given number of lines, for measuring fastapi-audit against its peers at
// scale, and a manifest, expected.json, of the vulnerabilities planted in it
// and of their safe look-alikes, so that recall can be computed.
//
//	go run ./bench/gen -lines 500000 -out /tmp/corpus-500k [-seed 1]
//
// With -score it instead compares a `fastapi-audit scan --format json`
// report with a manifest and prints the recall of each rule:
//
//	go run ./bench/gen -score report.json -manifest /tmp/corpus-500k/expected.json
//
// The code base is one FastAPI service (package app/) or, past
// -service-lines lines, several services under services/<name>/<name>/,
// each laid out as projects generated from the full-stack FastAPI template
// are: core/config.py (settings), core/db.py, core/security.py (JWT),
// api/deps.py (the OAuth2 bearer dependency and the Annotated aliases),
// api/v1/router.py (every domain router, with prefixes and dependencies),
// main.py (the app, the API router under its prefix), and one package per
// domain under api/v1/<domain>/ with its routers, SQLAlchemy models,
// Pydantic schemas, CRUD functions and business rules. The same seed and
// size give the same bytes. See bench/README.md.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	o := Options{}
	flag.IntVar(&o.Lines, "lines", 100_000, "about how many lines of Python to write")
	flag.StringVar(&o.Out, "out", "", "directory to write into (created; must be empty or missing)")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed: the same seed and -lines give the same bytes")
	flag.Float64Var(&o.VulnRate, "vuln", DefaultVulnRate, "chance that a route slot holds a planted vulnerability")
	flag.Float64Var(&o.SafeRate, "safe", DefaultSafeRate, "chance that a route slot holds a safe look-alike")
	flag.IntVar(&o.ServiceLines, "service-lines", DefaultServiceLines, "about how many lines per service; more lines make several services")
	quiet := flag.Bool("q", false, "print nothing on success")
	score := flag.String("score", "", "compare this fastapi-audit JSON report with -manifest instead of generating")
	manifest := flag.String("manifest", "", "with -score: the expected.json of the scanned corpus")
	format := flag.String("format", "fastapi-audit", "with -score: the report's format: fastapi-audit, bandit or ruff")
	root := flag.String("root", "", "with -score: the directory the tool scanned, to make its file names relative")
	limit := flag.Int("list", 10, "with -score: list at most this many misses and false alarms")
	flag.Parse()
	if *score != "" {
		if *manifest == "" || flag.NArg() > 0 {
			fmt.Fprintln(os.Stderr, "usage: gen -score REPORT -manifest DIR/expected.json [-format fastapi-audit|bandit|ruff] [-root DIR] [-list N]")
			os.Exit(2)
		}
		if err := scoreMain(*score, *format, *manifest, *root, *limit, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	if o.Out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -lines N -out DIR [-seed S] [-vuln P] [-safe P] [-service-lines N]")
		os.Exit(2)
	}
	m, err := Generate(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if !*quiet {
		vuln, safe := m.Totals()
		fmt.Printf("wrote %s: %d lines in %d files (%d .py), %d services, %d domains, %d routes; planted %d vulnerable, %d safe look-alikes (seed %d)\n",
			o.Out, m.Lines, m.Files, m.PyFiles, m.Services, m.Domains, m.Routes, vuln, safe, m.Seed)
	}
}
