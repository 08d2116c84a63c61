package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"deps.dev/util/pypi"
)

// lockDep builds the common part of a lock-file entry. Lines point at the
// package's `name =` key within its [[table]] entry.
func lockDep(path string, idx *tomlIndex, table string, n int, name, version string) (Dependency, bool) {
	line := idx.arrayEntryLine(table, n, "name")
	d := Dependency{
		Name: pypi.CanonPackageName(name), Raw: name + "==" + version, Version: version,
		Pinned: true, Locked: true, File: path, Line: line,
	}
	if version == "" {
		d.Raw, d.Pinned = name, false
	}
	if version != "" {
		d.Specifier = "==" + version
	}
	return d, nameRE.MatchString(name)
}

// lockGroup maps a lock file's group list to Dependency.Group: "" when the
// package is needed at runtime (main/default), else the groups joined by ",".
func lockGroup(groups []string) string {
	for _, g := range groups {
		if g == "main" || g == "default" {
			return ""
		}
	}
	return strings.Join(groups, ",")
}

// parsePoetryLock reads poetry.lock: [[package]] name, version, category
// (Poetry < 1.5) or groups (Poetry 2), and [package.source] for
// non-registry sources.
func parsePoetryLock(res *Result, path string, data []byte) error {
	var lock struct {
		Package []struct {
			Name     string   `toml:"name"`
			Version  string   `toml:"version"`
			Category string   `toml:"category"`
			Groups   []string `toml:"groups"`
			Optional bool     `toml:"optional"`
			Markers  any      `toml:"markers"`
			Source   struct {
				Type string `toml:"type"`
				URL  string `toml:"url"`
			} `toml:"source"`
		} `toml:"package"`
	}
	if err := decodeTOMLInto(path, data, &lock); err != nil {
		return err
	}
	idx := newTOMLIndex(data)
	for i, pk := range lock.Package {
		d, ok := lockDep(path, idx, "package", i, pk.Name, pk.Version)
		if !ok {
			res.diag(path, d.Line, "invalid package name %q", pk.Name)
			continue
		}
		switch {
		case pk.Groups != nil:
			d.Group = lockGroup(pk.Groups)
		case pk.Category == "dev":
			d.Group = "dev"
		}
		if m, ok := pk.Markers.(string); ok {
			d.Marker = m
		}
		switch pk.Source.Type {
		case "", "legacy":
		case "git", "hg", "svn", "bzr":
			d.Unresolvable = "VCS requirement (" + pk.Source.Type + ")"
		case "directory", "file":
			d.Unresolvable = "local path requirement"
		case "url":
			d.Unresolvable = "URL requirement"
		default:
			d.Unresolvable = "source type " + pk.Source.Type
		}
		res.Deps = append(res.Deps, d)
	}
	return nil
}

// parseUVLock reads uv.lock: [[package]] name, version, source. The
// project's own packages (source editable/virtual) are reported as
// unresolvable, and the packages they depend on are marked Direct with the
// group (dev-dependencies key or extra) declaring them.
func parseUVLock(res *Result, path string, data []byte) error {
	type ref struct {
		Name string `toml:"name"`
	}
	var lock struct {
		Package []struct {
			Name         string           `toml:"name"`
			Version      string           `toml:"version"`
			Source       map[string]any   `toml:"source"`
			Dependencies []ref            `toml:"dependencies"`
			Optional     map[string][]ref `toml:"optional-dependencies"`
			Dev          map[string][]ref `toml:"dev-dependencies"`
		} `toml:"package"`
	}
	if err := decodeTOMLInto(path, data, &lock); err != nil {
		return err
	}
	idx := newTOMLIndex(data)
	direct := map[string]string{} // canonical name -> group
	mark := func(name, group string) {
		name = pypi.CanonPackageName(name)
		if g, ok := direct[name]; !ok || g != "" {
			direct[name] = group
		}
	}
	for _, pk := range lock.Package {
		if pk.Source["editable"] == nil && pk.Source["virtual"] == nil {
			continue
		}
		for _, r := range pk.Dependencies {
			mark(r.Name, "")
		}
		for _, groups := range []map[string][]ref{pk.Optional, pk.Dev} {
			keys := make([]string, 0, len(groups))
			for k := range groups {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, g := range keys {
				for _, r := range groups[g] {
					mark(r.Name, g)
				}
			}
		}
	}
	for i, pk := range lock.Package {
		d, ok := lockDep(path, idx, "package", i, pk.Name, pk.Version)
		if !ok {
			res.diag(path, d.Line, "invalid package name %q", pk.Name)
			continue
		}
		if g, ok := direct[d.Name]; ok {
			d.Direct, d.Group = true, g
		}
		switch {
		case pk.Source["editable"] != nil:
			d.Unresolvable = "editable requirement (local project)"
		case pk.Source["virtual"] != nil:
			d.Unresolvable = "local project (virtual)"
		case pk.Source["git"] != nil:
			d.Unresolvable = "VCS requirement (git)"
		case pk.Source["path"] != nil || pk.Source["directory"] != nil:
			d.Unresolvable = "local path requirement"
		case pk.Source["url"] != nil:
			d.Unresolvable = "URL requirement"
		}
		res.Deps = append(res.Deps, d)
	}
	return nil
}

// parsePDMLock reads pdm.lock: [[package]] name, version, groups, and git,
// path or url for non-index sources.
func parsePDMLock(res *Result, path string, data []byte) error {
	var lock struct {
		Package []struct {
			Name     string   `toml:"name"`
			Version  string   `toml:"version"`
			Groups   []string `toml:"groups"`
			Marker   string   `toml:"marker"`
			Git      string   `toml:"git"`
			Path     string   `toml:"path"`
			URL      string   `toml:"url"`
			Editable bool     `toml:"editable"`
		} `toml:"package"`
	}
	if err := decodeTOMLInto(path, data, &lock); err != nil {
		return err
	}
	idx := newTOMLIndex(data)
	for i, pk := range lock.Package {
		d, ok := lockDep(path, idx, "package", i, pk.Name, pk.Version)
		if !ok {
			res.diag(path, d.Line, "invalid package name %q", pk.Name)
			continue
		}
		d.Group = lockGroup(pk.Groups)
		d.Marker = pk.Marker
		d.Unresolvable = sourceReason(pk.Git != "", "git", pk.Path != "", pk.URL != "", pk.Editable)
		res.Deps = append(res.Deps, d)
	}
	return nil
}

// parsePylock reads a PEP 751 lock file: [[packages]] name, version,
// marker, and vcs/directory/archive for non-index sources.
func parsePylock(res *Result, path string, data []byte) error {
	var lock struct {
		Packages []struct {
			Name      string         `toml:"name"`
			Version   string         `toml:"version"`
			Marker    string         `toml:"marker"`
			VCS       map[string]any `toml:"vcs"`
			Directory map[string]any `toml:"directory"`
			Archive   map[string]any `toml:"archive"`
		} `toml:"packages"`
	}
	if err := decodeTOMLInto(path, data, &lock); err != nil {
		return err
	}
	idx := newTOMLIndex(data)
	for i, pk := range lock.Packages {
		d, ok := lockDep(path, idx, "packages", i, pk.Name, pk.Version)
		if !ok {
			res.diag(path, d.Line, "invalid package name %q", pk.Name)
			continue
		}
		d.Marker = pk.Marker
		switch {
		case pk.VCS != nil:
			typ, _ := pk.VCS["type"].(string)
			if typ == "" {
				typ = "git"
			}
			d.Unresolvable = "VCS requirement (" + typ + ")"
		case pk.Directory != nil:
			d.Unresolvable = "local path requirement"
			if e, _ := pk.Directory["editable"].(bool); e {
				d.Unresolvable = "editable requirement (local path requirement)"
			}
		case pk.Archive != nil:
			if _, ok := pk.Archive["path"]; ok {
				d.Unresolvable = "local path requirement"
			} else {
				d.Unresolvable = "URL requirement"
			}
		}
		res.Deps = append(res.Deps, d)
	}
	return nil
}

// pipfileLockEntry is one package of Pipfile.lock.
type pipfileLockEntry struct {
	Version  string   `json:"version"`
	Extras   []string `json:"extras"`
	Markers  string   `json:"markers"`
	Git      string   `json:"git"`
	Path     string   `json:"path"`
	File     string   `json:"file"`
	Editable bool     `json:"editable"`
}

// parsePipfileLock reads Pipfile.lock (JSON: "default" and "develop" maps
// of name to {"version": "==1.2.3", ...}). The line is that of the
// package's key, found by streaming tokens with their input offsets.
func parsePipfileLock(res *Result, path string, data []byte) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	lines, err := jsonKeyLines(data)
	if err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	for _, sec := range []struct{ key, group string }{{"default", ""}, {"develop", "dev"}} {
		raw, ok := doc[sec.key]
		if !ok {
			continue
		}
		var entries map[string]pipfileLockEntry
		if err := json.Unmarshal(raw, &entries); err != nil {
			return fmt.Errorf("parsing %s: %q: %w", path, sec.key, err)
		}
		names := make([]string, 0, len(entries))
		for n := range entries {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool { return lines[sec.key+"\x00"+names[i]] < lines[sec.key+"\x00"+names[j]] })
		for _, n := range names {
			e := entries[n]
			line := lines[sec.key+"\x00"+n]
			if !nameRE.MatchString(n) {
				res.diag(path, line, "invalid package name %q", n)
				continue
			}
			d := Dependency{
				Name: pypi.CanonPackageName(n), Raw: n + e.Version, Locked: true,
				Extras: e.Extras, Marker: e.Markers, File: path, Line: line, Group: sec.group,
			}
			spec, err := normalizeSpecifier(e.Version)
			if err != nil {
				res.diag(path, line, "%s: %v", n, err)
				continue
			}
			d.Specifier = spec
			d.Version, d.Pinned = pinnedVersion(spec)
			d.Unresolvable = sourceReason(e.Git != "", "git", e.Path != "", e.File != "", e.Editable)
			res.Deps = append(res.Deps, d)
		}
	}
	return nil
}

// jsonKeyLines maps "section\x00key" to the 1-based line of each key of the
// top-level object's member objects (depth-2 keys).
func jsonKeyLines(data []byte) (map[string]int, error) {
	type frame struct{ obj, expectKey bool }
	out := map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []frame
	var section string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			key, _ := tok.(string)
			switch n {
			case 1:
				section = key
			case 2:
				out[section+"\x00"+key] = 1 + bytes.Count(data[:dec.InputOffset()], []byte("\n"))
			}
			stack[n-1].expectKey = false
			continue
		}
		// A value: in an object, the next token at this level is a key.
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].expectKey = true
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{obj: d == '{', expectKey: d == '{'})
		}
	}
}

// sourceReason says why a requirement from a VCS, a local path or a URL
// has no version to check ("" for a registry package); editable ones say so.
func sourceReason(vcs bool, vcsKind string, local, url, editable bool) string {
	reason := ""
	switch {
	case vcs:
		reason = "VCS requirement (" + vcsKind + ")"
	case local:
		reason = "local path requirement"
	case url:
		reason = "URL requirement"
	}
	switch {
	case editable && reason == "":
		return "editable requirement"
	case editable:
		return "editable requirement (" + reason + ")"
	}
	return reason
}
