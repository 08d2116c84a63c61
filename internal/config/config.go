// Package config reads fastapi-audit's settings from `[tool.fastapi-audit]`
// in pyproject.toml or from .fastapi-audit.toml, and holds rule selection,
// inline suppressions and baselines.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
	"github.com/fastapi-audit/fastapi-audit/internal/tomlsafe"
)

// Config is the settings file's content. Keys mirror the command-line
// flags; flags given on the command line override them.
type Config struct {
	Format           []string            `toml:"format"`
	Output           string              `toml:"output"`
	FailOn           string              `toml:"fail-on"`
	Select           []string            `toml:"select"`
	Ignore           []string            `toml:"ignore"`
	Exclude          []string            `toml:"exclude"`
	PerFileIgnores   map[string][]string `toml:"per-file-ignores"`
	PublicRoutes     []string            `toml:"public-routes"`
	AuthDependencies []string            `toml:"auth-dependencies"`
	Advisories       string              `toml:"advisories"`
	Baseline         string              `toml:"baseline"`
	Jobs             int                 `toml:"jobs"`
	Quiet            bool                `toml:"quiet"`
	NoColor          bool                `toml:"no-color"`
	MaxFileSize      int64               `toml:"max-file-size"`
	Timeout          string              `toml:"timeout"`    // a duration: "90s", "5m"
	MaxMemory        string              `toml:"max-memory"` // a size: "512MiB", "1GiB"

	// Path is the file the settings were read from ("" for none).
	Path string `toml:"-"`
}

// ErrNoConfig is returned by Find when no settings file exists.
var ErrNoConfig = errors.New("no configuration file")

// Find looks for .fastapi-audit.toml, then a pyproject.toml with a
// [tool.fastapi-audit] table, in dir and its parents.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if p := filepath.Join(d, ".fastapi-audit.toml"); fileExists(p) {
			return p, nil // Load refuses it if it is not a regular file
		}
		if p := filepath.Join(d, "pyproject.toml"); fileExists(p) {
			if mentionsSettings(p) {
				return p, nil
			}
		}
		if filepath.Dir(d) == d || fileExists(filepath.Join(d, ".git")) {
			return "", ErrNoConfig
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// mentionsSettings reports a pyproject.toml whose first
// tomlsafe.MaxConfigSize bytes name [tool.fastapi-audit] (Load then
// reports one that is larger). A file that is not regular is not read.
func mentionsSettings(p string) bool {
	f, err := fsguard.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, tomlsafe.MaxConfigSize))
	return err == nil && bytes.Contains(b, []byte("tool.fastapi-audit"))
}

// Load reads a settings file: the [tool.fastapi-audit] table of a
// pyproject.toml, or the whole of any other file. Unknown keys are errors
// that name the key. A file that is not a regular file, is over
// tomlsafe.MaxConfigSize or nests deeper than tomlsafe.MaxDepth is an
// error too.
func Load(path string) (*Config, error) {
	b, err := fsguard.ReadFile(path, tomlsafe.MaxConfigSize)
	if err != nil {
		if !errors.As(err, new(*fs.PathError)) {
			err = fmt.Errorf("%s: %w", path, err) // name the file
		}
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	return decode(path, b)
}

// decode reads the settings in b, the content of the file at path (whose
// base name says whether it is a pyproject.toml).
func decode(path string, b []byte) (*Config, error) {
	var c Config
	var md toml.MetaData
	prefix := ""
	err := tomlsafe.Check(b, tomlsafe.MaxConfigSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if filepath.Base(path) == "pyproject.toml" {
		var doc struct {
			Tool struct {
				FA Config `toml:"fastapi-audit"`
			} `toml:"tool"`
		}
		md, err = toml.Decode(string(b), &doc)
		c = doc.Tool.FA
		prefix = "tool.fastapi-audit."
	} else {
		md, err = toml.Decode(string(b), &c)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var unknown []string
	for _, k := range md.Undecoded() {
		key := k.String()
		if prefix != "" && !strings.HasPrefix(key, prefix) {
			continue // other tools' settings
		}
		if strings.HasPrefix(strings.TrimPrefix(key, prefix), "per-file-ignores.") {
			continue
		}
		unknown = append(unknown, strings.TrimPrefix(key, prefix))
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s: unknown key %q in the fastapi-audit settings", path, unknown[0])
	}
	c.Path = path
	return &c, nil
}
