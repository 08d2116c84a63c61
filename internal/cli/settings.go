package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fastapi-audit/fastapi-audit/internal/config"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
	"github.com/fastapi-audit/fastapi-audit/internal/report"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
	"github.com/fastapi-audit/fastapi-audit/internal/tomlsafe"
)

// maxJobs bounds --jobs: the Go runtime runs at most 1,024 threads of Go
// code at once, and every stage allocates per worker.
const maxJobs = 256

// settingsTrace records where the scan's settings came from, for the
// report's account of what they took out of the audit, and the settings of
// a tree's file that were not honoured.
type settingsTrace struct {
	file      string // the settings file read, for display; "" for none
	fromTree  bool   // found in the scanned tree, not given with --config
	selectSrc string // who set select: "--select" or the file
	ignoreSrc string
	analysis  []string              // narrowing settings a tree's file set, "key = value"
	refused   []*finding.Diagnostic // settings of a tree's file not honoured
}

// applyConfig fills the settings not given as flags from the settings
// file: the file given with --config, else the one found in or above the
// first scanned directory (none with --no-config).
//
// A file found in the scanned tree is the audited code's own and is not
// trusted with the run: it may configure the analysis (rules, excludes,
// routes meant to be public, authentication dependencies), but cannot
// choose where reports go (format, output), loosen the exit-code gate
// (fail-on), read files outside its directory (baseline, advisories) or
// raise a limit (jobs, max-file-size, timeout, max-memory: it can only
// tighten them). What it was refused is reported as a config diagnostic,
// and what it turned off is counted in every report.
func applyConfig(cmd *cobra.Command, o *scanFlags, paths []string) (*config.Config, error) {
	set := cmd.Flags().Changed
	tr := &o.trace
	tr.selectSrc, tr.ignoreSrc = "--select", "--ignore"
	if o.noConfig && o.configPath != "" {
		return nil, usageErrorf("--config and --no-config: choose one")
	}
	path := o.configPath
	if path == "" {
		if o.noConfig {
			return &config.Config{}, nil
		}
		start := "."
		if len(paths) > 0 {
			if info, err := os.Stat(paths[0]); err == nil && info.IsDir() {
				start = paths[0]
			}
		}
		found, err := config.Find(start)
		if err != nil {
			return &config.Config{}, nil
		}
		path, tr.fromTree = found, true
	}
	c, err := config.Load(path)
	if err != nil && tr.fromTree && (errors.Is(err, fsguard.ErrNotRegular) || errors.Is(err, fsguard.ErrTooLarge) || errors.Is(err, tomlsafe.ErrTooDeep)) {
		// A tree's file built to hang or exhaust the reader: the scan
		// goes on without it (which can only add findings) and says so.
		tr.refused = append(tr.refused, &finding.Diagnostic{Kind: "config", Location: finding.Location{File: displayPath(path)},
			Message: fmt.Sprintf("settings file not read, the scan runs without it: %v", err)})
		return &config.Config{}, nil
	}
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	tr.file = displayPath(path)
	src := tr.file
	refuse := func(key, why string) {
		tr.refused = append(tr.refused, &finding.Diagnostic{Kind: "config",
			Message: fmt.Sprintf("%s: %s ignored: %s", src, key, why)})
	}
	untrusted := tr.fromTree

	if len(c.Format) > 0 || c.Output != "" {
		switch {
		case untrusted:
			refuse("format and output", "a settings file found in the scanned tree cannot choose where reports go; give --format/--output, or the file with --config")
		default:
			if !set("format") && len(c.Format) > 0 {
				o.formats = c.Format
			}
			if !set("output") && c.Output != "" {
				o.output = c.Output
			}
		}
	}
	if !set("fail-on") && c.FailOn != "" {
		sev, err := finding.ParseSeverity(c.FailOn)
		switch {
		case err != nil:
			return nil, usageErrorf("%s: fail-on: %v", src, err)
		case untrusted && sev > finding.Low:
			refuse(fmt.Sprintf("fail-on = %q", c.FailOn), "a settings file found in the scanned tree cannot loosen the exit-code gate; give --fail-on")
		default:
			o.failOn = c.FailOn
		}
	}
	if !set("select") && len(c.Select) > 0 {
		o.selectIDs, tr.selectSrc = c.Select, src
	}
	if !set("ignore") && len(c.Ignore) > 0 {
		o.ignoreIDs, tr.ignoreSrc = c.Ignore, src
	}
	if !set("exclude") && len(c.Exclude) > 0 {
		o.load.exclude = append(o.load.exclude, c.Exclude...)
		tr.narrows(untrusted, "exclude", c.Exclude)
	}
	if !set("auth-dependency") && len(c.AuthDependencies) > 0 {
		o.load.authDeps = append(o.load.authDeps, c.AuthDependencies...)
		tr.narrows(untrusted, "auth-dependencies", c.AuthDependencies)
	}
	if !set("public-route") && len(c.PublicRoutes) > 0 {
		o.publicRoutes = append(o.publicRoutes, c.PublicRoutes...)
		tr.narrows(untrusted, "public-routes", c.PublicRoutes)
	}
	for key, p := range map[string]*string{"advisories": &c.Advisories, "baseline": &c.Baseline} {
		if *p == "" || set(key) {
			continue
		}
		if untrusted {
			inside, err := insideDir(filepath.Dir(path), *p)
			if err != nil {
				refuse(fmt.Sprintf("%s = %q", key, *p), err.Error()+"; give --"+key)
				continue
			}
			*p = inside
		}
		if key == "advisories" {
			o.advisories = *p
		} else {
			o.baseline = *p
		}
	}
	if !set("quiet") && c.Quiet {
		o.quiet = true
	}
	if !set("no-color") && c.NoColor {
		o.noColor = true
	}

	// Limits: a file given with --config sets them as the flags do; a
	// tree's file can only tighten them.
	if c.Jobs != 0 && !set("jobs") {
		switch {
		case untrusted && (c.Jobs < 0 || c.Jobs > runtime.NumCPU()):
			refuse(fmt.Sprintf("jobs = %d", c.Jobs), fmt.Sprintf("a settings file found in the scanned tree can only lower limits (this machine has %d cores)", runtime.NumCPU()))
		case c.Jobs < 0 || c.Jobs > maxJobs:
			return nil, usageErrorf("%s: jobs = %d: want 1 to %d", src, c.Jobs, maxJobs)
		default:
			o.load.jobs = c.Jobs
		}
	}
	if c.MaxFileSize != 0 && !set("max-file-size") {
		switch {
		case untrusted && (c.MaxFileSize < 0 || c.MaxFileSize > o.load.maxFileSize):
			refuse(fmt.Sprintf("max-file-size = %d", c.MaxFileSize), fmt.Sprintf("a settings file found in the scanned tree can only lower limits (%d bytes)", o.load.maxFileSize))
		default:
			o.load.maxFileSize = c.MaxFileSize
		}
	}
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			return nil, usageErrorf("%s: timeout %q: want a duration such as 90s or 5m", src, c.Timeout)
		}
		// A shorter timeout only tightens: a tree's file may set one.
		if !set("timeout") || (untrusted && d < o.timeout) {
			o.timeout = d
		} else if untrusted {
			refuse(fmt.Sprintf("timeout = %q", c.Timeout), "a settings file found in the scanned tree can only lower limits")
		}
	}
	if c.MaxMemory != "" {
		n, err := parseBytes(c.MaxMemory)
		if err != nil {
			return nil, usageErrorf("%s: max-memory: %v", src, err)
		}
		ceiling := memoryCeiling()
		if o.maxMemory != "" {
			ceiling, _ = parseBytes(o.maxMemory)
		}
		switch {
		case untrusted && n > ceiling:
			refuse(fmt.Sprintf("max-memory = %q", c.MaxMemory), fmt.Sprintf("a settings file found in the scanned tree can only lower limits (%s)", formatBytes(ceiling)))
		case !set("max-memory") || (untrusted && n < ceiling):
			o.maxMemory = c.MaxMemory
		}
	}
	return c, nil
}

// narrows records an analysis setting of a tree's settings file.
func (tr *settingsTrace) narrows(untrusted bool, key string, values []string) {
	if untrusted {
		tr.analysis = append(tr.analysis, fmt.Sprintf("%s = %s in %s", key, strings.Join(values, ", "), tr.file))
	}
}

// insideDir resolves a path a tree's settings file names, relative to the
// file's directory, and refuses one that is absolute or leads out of it,
// through a symbolic link too.
func insideDir(dir, p string) (string, error) {
	if filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return "", fmt.Errorf("an absolute path in a settings file found in the scanned tree")
	}
	full := filepath.Join(dir, p)
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", fmt.Errorf("cannot be read: %w", err)
	}
	if rel, err := filepath.Rel(realDir, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("it leads outside the settings file's directory")
	}
	return full, nil
}

// displayPath is a path as shown in reports: relative to the working
// directory when it is below it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

// settingsAccount is the report's account of what the settings took out
// of the audit: the rules a settings file's select and ignore turned off
// (not the command line's: the user chose them), the findings
// per-file ignores dropped (dropped, by glob) and those suppressed.
func settingsAccount(tr *settingsTrace, sel config.Selector, dropped map[string]int, fs []*finding.Finding) *report.Settings {
	s := &report.Settings{File: tr.file, FromTree: tr.fromTree, Analysis: tr.analysis, Suppressed: map[string]int{}}
	bySetting := map[string]*report.TurnedOff{}
	for _, r := range rules.All() {
		if r.Live() || sel.Enabled(r.ID) {
			continue
		}
		setting, value, src := "ignore", sel.Ignore, tr.ignoreSrc
		if len(sel.Select) > 0 && !(config.Selector{Select: sel.Select}).Enabled(r.ID) {
			setting, value, src = "select", sel.Select, tr.selectSrc
		}
		if strings.HasPrefix(src, "--") {
			continue // the user's own choice on the command line
		}
		t := bySetting[setting]
		if t == nil {
			t = &report.TurnedOff{Setting: setting, Value: value, Source: src}
			bySetting[setting] = t
		}
		t.Rules = append(t.Rules, r.ID)
	}
	for _, k := range []string{"select", "ignore"} {
		if t := bySetting[k]; t != nil {
			s.TurnedOff = append(s.TurnedOff, *t)
		}
	}
	for _, glob := range sortedKeys(dropped) {
		s.Dropped = append(s.Dropped, report.Dropped{Glob: glob, Value: sel.PerFile[glob], Source: tr.file, Findings: dropped[glob]})
	}
	for _, f := range fs {
		if f.Suppressed != nil {
			s.Suppressed[f.Suppressed.Kind]++
		}
	}
	return s
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
