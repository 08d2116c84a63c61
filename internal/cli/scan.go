package cli

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/config"
	"github.com/fastapi-audit/fastapi-audit/internal/deps/manifest"
	"github.com/fastapi-audit/fastapi-audit/internal/deps/osv"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/gcpolicy"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// scanFlags are scan's command-line settings.
type scanFlags struct {
	reportFlags
	configPath    string
	noConfig      bool          // --no-config: read no settings file
	trace         settingsTrace // where the settings came from
	baseline      string
	writeBaseline string
	load          loadOptions
	publicRoutes  []string
	advisories    string
	online        bool
	osvURL        string
	root          string
	onlyFiles     map[string]bool // with --root: report only these files (slash paths relative to the root)
	timeout       time.Duration   // --timeout: stop the scan after this long; 0 for no limit
	maxMemory     string          // --max-memory: stop the scan when the live heap is over this size
}

func newScanCmd() *cobra.Command {
	var o scanFlags
	cmd := &cobra.Command{
		Use:   "scan [PATH...]",
		Short: "Static audit of FastAPI source and its dependency files",
		Long: `Scan reads the Python files and dependency manifests under each PATH
(default: the current directory) without importing or running them, and
reports security findings.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above
--fail-on; 2 usage or configuration error; 3 could not run.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.root != "" {
				return runScanFiles(cmd, o.root, args, &o)
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			return runScan(cmd, args, &o)
		},
	}
	f := cmd.Flags()
	o.reportFlags.register(f, "FA1,FA601")
	f.StringVar(&o.configPath, "config", "", "settings file (default: .fastapi-audit.toml or [tool.fastapi-audit] in pyproject.toml)")
	f.BoolVar(&o.noConfig, "no-config", false, "read no settings file (a settings file found in the scanned tree may otherwise configure the analysis)")
	f.StringVar(&o.baseline, "baseline", "", "mark findings recorded in this baseline file as suppressed")
	f.StringVar(&o.writeBaseline, "write-baseline", "", "record the current findings in a baseline file")
	f.StringSliceVar(&o.load.exclude, "exclude", nil, "glob of paths to skip (repeatable)")
	f.StringSliceVar(&o.load.authDeps, "auth-dependency", nil, "extra callable that authenticates (repeatable)")
	f.StringSliceVar(&o.publicRoutes, "public-route", nil, "path glob of routes meant to be anonymous (repeatable)")
	f.BoolVar(&o.online, "online", false, "check dependencies against osv.dev's API (answers are cached)")
	f.StringVar(&o.osvURL, "osv-url", osv.DefaultBaseURL, "base URL of the OSV API used by --online")
	f.StringVar(&o.advisories, "advisories", "", "OSV advisories to check dependencies against: an osv.dev zip (PyPI all.zip) or a directory of OSV JSON files")
	f.StringVar(&o.root, "root", "", "analyse the whole project at DIR but report only on the files given as arguments (for pre-commit hooks)")
	f.IntVar(&o.load.jobs, "jobs", 0, "cores to use: parsing, binding and rules run on this many (default: all)")
	f.Int64Var(&o.load.maxFileSize, "max-file-size", source.DefaultMaxFileSize, "skip files larger than this many bytes")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the scan after this long (e.g. 90s, 5m) with exit 3 and no report (default: no limit)")
	f.StringVar(&o.maxMemory, "max-memory", "", "stop the scan with exit 3 and no report when its live heap is over this size (e.g. 512MiB, 1GiB; default: no limit)")
	return cmd
}

// runScanFiles scans the project at root for context and reports only the
// findings in the given files (paths relative to the current directory).
func runScanFiles(cmd *cobra.Command, root string, files []string, o *scanFlags) error {
	info, err := os.Stat(root)
	if err != nil || !info.IsDir() {
		return noRunErrorf("--root %s: not a directory", root)
	}
	o.onlyFiles = map[string]bool{}
	for _, f := range files {
		rel, err := filepath.Rel(root, f)
		if err != nil || strings.HasPrefix(rel, "..") {
			return usageErrorf("%s is not under --root %s", f, root)
		}
		o.onlyFiles[filepath.ToSlash(rel)] = true
	}
	if len(files) == 0 {
		return nil // nothing staged
	}
	return runScan(cmd, []string{root}, o)
}

func runScan(cmd *cobra.Command, paths []string, o *scanFlags) error {
	start := time.Now()
	// The settings file comes with the scanned tree: --timeout bounds its
	// reading too (the file's own limits are known only once it is read).
	pre := newScanGuard(cmd.Context(), o.timeout, 0, false, cmd.ErrOrStderr())
	_ = pre.step("reading the settings file")
	cfg, err := applyConfig(cmd, o, paths)
	pre.close()
	if err != nil {
		return err
	}
	outs, failOn, sel, err := o.reportFlags.parse(cfg.PerFileIgnores)
	if err != nil {
		return err
	}
	var baseline map[string]bool
	if o.baseline != "" {
		if baseline, err = config.ReadBaseline(o.baseline); err != nil {
			return usageErrorf("%v", err)
		}
	}
	if o.load.jobs < 0 || o.load.jobs > maxJobs {
		return usageErrorf("--jobs %d: want 1 to %d workers", o.load.jobs, maxJobs)
	}
	if o.load.jobs > 0 {
		// Every parallel stage (parsing, binding, the rules, the
		// collector) uses at most this many cores.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(o.load.jobs))
	}
	var maxMemory uint64
	if o.maxMemory != "" {
		if maxMemory, err = parseBytes(o.maxMemory); err != nil {
			return usageErrorf("--max-memory: %v", err)
		}
	}
	if o.timeout < 0 {
		return usageErrorf("--timeout %v: want a positive duration", o.timeout)
	}
	// Without --max-memory (or GOMEMLIMIT, which the user tunes by hand)
	// the scan still runs under a ceiling: a hostile tree must end in
	// exit 3 with a message, not in the kernel's out-of-memory killer.
	byDefault := maxMemory == 0 && os.Getenv("GOMEMLIMIT") == ""
	if byDefault {
		maxMemory = memoryCeiling()
	}
	guard := newScanGuard(cmd.Context(), o.timeout, maxMemory, byDefault, cmd.ErrOrStderr())
	defer guard.close()
	if maxMemory == 0 || byDefault {
		defer gcpolicy.FollowUnder(maxMemory)()
	}
	o.load.guard = guard

	if o.online && o.advisories != "" {
		return usageErrorf("--online and --advisories: choose one source of advisories")
	}
	if err := guard.step("loading advisories"); err != nil {
		return err
	}
	var db *osv.DB
	if o.advisories != "" {
		if db, err = osv.OpenCached(o.advisories, "", osv.Limits{}); err != nil {
			return usageErrorf("--advisories: %v", err)
		}
	}

	prog := newProgress(cmd.ErrOrStderr(), o.quiet)
	o.load.progress = prog
	p, err := load(paths, o.load)
	if err != nil {
		prog.Done()
		return err
	}
	var deps []manifest.Declared
	if o.online {
		deps = manifest.Project(p.files)
		client := &osv.Client{BaseURL: o.osvURL}
		ctx, cancel := context.WithTimeout(guard.context(), 2*time.Minute)
		db, err = client.Lookup(ctx, dependencyQueries(deps))
		cancel()
		if err := guard.stoppedDuring("looking up advisories online"); err != nil {
			return err
		}
		if err != nil {
			return noRunErrorf("--online: %v", err)
		}
	}
	var selected []*rules.Rule
	for _, r := range rules.All() {
		if sel.Enabled(r.ID) && !r.Live() {
			selected = append(selected, r)
		}
	}
	if err := guard.step("checking rules"); err != nil {
		prog.Done()
		return err
	}
	prog.Set(true, "checking %d rules", len(selected))
	times := newRuleTimes()
	var ruleDiags []*finding.Diagnostic
	var diagMu sync.Mutex
	all := rules.Run(selected, p.model, p.files, rules.Options{PublicRoutes: o.publicRoutes, Advisories: db, Dependencies: deps,
		Context: guard.context(), Took: times.took(), Diagnose: func(d *finding.Diagnostic) {
			diagMu.Lock()
			ruleDiags = append(ruleDiags, d)
			diagMu.Unlock()
		}})
	prog.Done()
	times.print(12)
	if err := guard.step("collecting findings"); err != nil {
		return err // the rules loop stopped early: the findings are incomplete
	}

	rep := &report.Report{Tool: report.Tool{Name: "fastapi-audit", Version: Version}, Rules: selected}
	rep.Diagnostics = append(diagnostics(p), ruleDiags...)
	if db == nil && sel.Enabled("FA801") && hasDependencyFiles(p) {
		rep.Diagnostics = append(rep.Diagnostics, &finding.Diagnostic{Kind: "dependencies",
			Message: "dependencies were not checked for known vulnerabilities: give --advisories (an OSV zip such as PyPI's all.zip from osv.dev) or --online, or set advisories in the configuration"})
	}
	supp, suppDiags := suppressions(p)
	rep.Diagnostics = append(rep.Diagnostics, suppDiags...)
	dropped := map[string]int{} // findings dropped by each per-file glob
	for _, f := range all {
		if glob, ok := sel.DroppedBy(f.RuleID, f.Location.File); ok {
			dropped[glob]++
			continue
		}
		if o.onlyFiles != nil && !o.onlyFiles[f.Location.File] {
			continue
		}
		for _, s := range supp[f.Location.File] {
			if s.Covers(f.RuleID, f.Location.Line, f.Location.EndLine) {
				f.Suppressed = &finding.Suppression{Kind: "inline", Justification: s.Justification}
				break
			}
		}
		if f.Suppressed == nil && baseline[f.Fingerprint] {
			f.Suppressed = &finding.Suppression{Kind: "baseline"}
		}
		rep.Findings = append(rep.Findings, f)
	}
	rep.Settings = settingsAccount(&o.trace, sel, dropped, rep.Findings)
	rep.Diagnostics = append(rep.Diagnostics, o.trace.refused...)
	rep.Routes = p.routes()
	lines := 0
	for _, f := range p.parsed {
		lines += f.Syntax.LineCount()
	}
	rep.Stats = report.Stats{Files: len(p.files), Lines: lines, Seconds: time.Since(start).Seconds(), Rules: len(selected)}
	if err := guard.step("writing reports"); err != nil {
		return err
	}

	// Redaction by value: the secrets of the whole tree are masked in
	// every string of every report, whichever rule quotes them.
	rep.Secrets = p.secrets()

	if o.writeBaseline != "" {
		if err := config.WriteBaseline(o.writeBaseline, rep.Findings); err != nil {
			return noRunErrorf("%v", err)
		}
	}
	return o.reportFlags.finish(cmd, rep, outs, failOn, nil)
}

// dependencyQueries lists the packages the dependency files declare, with
// their exact versions when pinned or locked, for an online lookup.
func dependencyQueries(deps []manifest.Declared) []osv.Query {
	var qs []osv.Query
	for _, d := range deps {
		if d.Name != "" && d.Unresolvable == "" {
			qs = append(qs, osv.Query{Name: d.Name, Version: d.Version})
		}
	}
	return qs
}

// hasDependencyFiles reports a scan that found dependency files.
func hasDependencyFiles(p *project) bool {
	for _, f := range p.files {
		if f.Kind == source.Dependencies {
			return true
		}
	}
	return false
}

// diagnostics lists what could not be read, parsed or resolved.
func diagnostics(p *project) []*finding.Diagnostic {
	var out []*finding.Diagnostic
	for _, d := range p.diags {
		out = append(out, &finding.Diagnostic{Location: finding.Location{File: d.Path}, Message: d.Msg, Kind: "read"})
	}
	for _, f := range p.parsed {
		for _, e := range f.Syntax.Errors {
			out = append(out, &finding.Diagnostic{
				Location: finding.Location{File: f.Rel, Line: e.Pos.Line, Column: e.Pos.Column},
				Message:  e.Msg, Kind: "syntax"})
		}
	}
	for _, d := range p.model.Diagnostics {
		loc := rules.Location(d.Module, d.Node)
		out = append(out, &finding.Diagnostic{Location: loc, Message: d.Msg, Kind: "model"})
	}
	return out
}

// suppressions reads the inline suppressions of every scanned file, by
// relative path, and reports those that name no rule.
func suppressions(p *project) (map[string][]config.Suppression, []*finding.Diagnostic) {
	out := map[string][]config.Suppression{}
	var diags []*finding.Diagnostic
	add := func(file string, line int, text string, own bool) {
		ids, why, ok, missing := config.ParseComment(text)
		if missing {
			diags = append(diags, &finding.Diagnostic{Location: finding.Location{File: file, Line: line, Column: 1},
				Message: "suppression without a rule id is ignored: write # fastapi-audit: ignore[FA101] reason", Kind: "suppression"})
		}
		if ok {
			out[file] = append(out[file], config.Suppression{Line: line, IDs: ids, Justification: why, OwnLine: own})
		}
	}
	for _, f := range p.parsed {
		file := f.Syntax
		for _, c := range file.Comments {
			pos := file.Position(c.Pos())
			own := strings.TrimSpace(file.LineText(pos.Line)) == strings.TrimSpace(c.Text)
			add(f.Rel, pos.Line, c.Text, own)
		}
	}
	for _, f := range p.files {
		if f.Kind == source.Python {
			continue
		}
		fh, err := f.Open() // through the scan root, regular files only
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			if line := sc.Text(); strings.Contains(line, "#") {
				i := strings.Index(line, "#")
				add(f.Rel, n, line[i:], strings.TrimSpace(line[:i]) == "")
			}
		}
		fh.Close()
	}
	return out, diags
}
