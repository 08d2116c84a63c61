package config

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// Selector decides which rules run, and where.
type Selector struct {
	Select  []string            // ids or prefixes; empty means all
	Ignore  []string            // ids or prefixes
	PerFile map[string][]string // file glob -> ids or prefixes ignored there
}

// Validate checks that every id or prefix is known: valid reports whether
// an id or prefix names rules.
func (s Selector) Validate(valid func(string) bool) error {
	check := func(where string, ids []string) error {
		for _, id := range ids {
			if !valid(id) {
				return fmt.Errorf("unknown rule id %q in %s", id, where)
			}
		}
		return nil
	}
	if err := check("--select", s.Select); err != nil {
		return err
	}
	if err := check("--ignore", s.Ignore); err != nil {
		return err
	}
	for glob, ids := range s.PerFile {
		if !doublestar.ValidatePattern(glob) {
			return fmt.Errorf("per-file-ignores: %q is not a valid glob", glob)
		}
		if err := check("per-file-ignores", ids); err != nil {
			return err
		}
	}
	return nil
}

func matchesAny(id string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(strings.ToUpper(id), strings.ToUpper(p)) {
			return true
		}
	}
	return false
}

// Enabled reports whether a rule runs at all.
func (s Selector) Enabled(id string) bool {
	if len(s.Select) > 0 && !matchesAny(id, s.Select) {
		return false
	}
	return !matchesAny(id, s.Ignore)
}

// EnabledIn reports whether a rule's findings in a file (slash path
// relative to the scan root) are kept.
func (s Selector) EnabledIn(id, file string) bool {
	_, dropped := s.DroppedBy(id, file)
	return !dropped
}

// DroppedBy returns the per-file glob that drops a rule's findings in a
// file (slash path relative to the scan root), the first in glob order
// when several do.
func (s Selector) DroppedBy(id, file string) (glob string, dropped bool) {
	for _, g := range slices.Sorted(maps.Keys(s.PerFile)) {
		ids := s.PerFile[g]
		if !matchesAny(id, ids) {
			continue
		}
		if ok, _ := doublestar.Match(g, file); ok {
			return g, true
		}
		if ok, _ := doublestar.Match(strings.TrimSuffix(g, "/")+"/**", file); ok {
			return g, true
		}
	}
	return "", false
}
