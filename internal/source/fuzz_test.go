package source

import (
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// FuzzGitignore parses arbitrary .gitignore content (it comes with the
// scanned code) and matches the patterns against a path, as discovery
// does: never a panic, never more patterns than the bound.
func FuzzGitignore(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		ps, _ := parseGitignore(data, []string{"sub"}, 50)
		if len(ps) > 50 {
			t.Fatalf("%d patterns kept, bound 50", len(ps))
		}
		m := gitignore.NewMatcher(ps)
		parts := strings.Split(strings.Trim(path, "/"), "/")
		m.Match(parts, false)
		m.Match(append([]string{"sub"}, parts...), true)
	})
}
