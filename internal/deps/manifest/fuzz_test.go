package manifest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"deps.dev/util/pypi"
)

// checkInvariants holds for every parse, whatever the input.
func checkInvariants(t *testing.T, r *Result, lines int) {
	t.Helper()
	for _, d := range r.Deps {
		if d.Name == "" && d.Unresolvable == "" {
			t.Errorf("dependency without a name is not marked unresolvable: %+v", d)
		}
		if d.Name != "" && pypi.CanonPackageName(d.Name) != d.Name {
			t.Errorf("name %q is not canonical", d.Name)
		}
		if d.Pinned && d.Version == "" {
			t.Errorf("pinned without a version: %+v", d)
		}
		if d.Line < 1 || d.Line > lines {
			t.Errorf("line %d outside 1..%d: %+v", d.Line, lines, d)
		}
	}
	for _, dg := range r.Diagnostics {
		if dg.Line < 0 || dg.Line > lines || dg.Message == "" {
			t.Errorf("bad diagnostic %+v", dg)
		}
	}
}

func seed(f *testing.F, files ...string) {
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzRequirements(f *testing.F) {
	seed(f, "testdata/req/requirements.txt", "testdata/fastapi-app/requirements.txt", "testdata/cycle/requirements-b.txt")
	dir := f.TempDir()
	path := filepath.Join(dir, "requirements.txt")
	b, err := openBoundary(path, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer b.close()
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Result{}
		parseRequirementsRoot(r, b, path, data, Options{})
		checkInvariants(t, r, bytes.Count(data, []byte("\n"))+1)
	})
}

func FuzzPyproject(f *testing.F) {
	seed(f, "testdata/pep621/pyproject.toml", "testdata/poetry/pyproject.toml", "testdata/pipenv/Pipfile")
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &Result{}
		if err := parsePyproject(r, "pyproject.toml", data); err != nil {
			return
		}
		checkInvariants(t, r, bytes.Count(data, []byte("\n"))+1)
		r = &Result{}
		if err := parsePipfile(r, "Pipfile", data); err == nil {
			checkInvariants(t, r, bytes.Count(data, []byte("\n"))+1)
		}
	})
}

// lockParsers are the lock-file parsers, by the file name they read.
var lockParsers = map[string]func(*Result, string, []byte) error{
	"poetry.lock":  parsePoetryLock,
	"uv.lock":      parseUVLock,
	"pdm.lock":     parsePDMLock,
	"pylock.toml":  parsePylock,
	"Pipfile.lock": parsePipfileLock,
}

// FuzzLockFiles feeds the same bytes to every lock-file parser (TOML and
// JSON ones alike) and to the setup.cfg reader: an error or dependencies
// that keep the invariants, never a panic.
func FuzzLockFiles(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		for name, parse := range lockParsers {
			r := &Result{}
			if err := parse(r, name, data); err != nil {
				continue
			}
			for _, d := range r.Deps {
				if !d.Locked {
					t.Errorf("%s: dependency not marked locked: %+v", name, d)
				}
			}
			checkInvariants(t, r, lines)
		}
		r := &Result{}
		parseSetupCfg(r, "setup.cfg", data)
		checkInvariants(t, r, lines)
	})
}
