package config

import (
	"strings"
	"testing"
)

// FuzzLoad decodes arbitrary settings files, as .fastapi-audit.toml and as
// pyproject.toml (the scanned repository's, so untrusted): an error or
// settings, never a panic; an unknown key is named in the error.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"/p/.fastapi-audit.toml", "/p/pyproject.toml"} {
			c, err := decode(name, data)
			switch {
			case err != nil && c != nil:
				t.Fatalf("%s: settings and error both returned", name)
			case err != nil:
				if !strings.HasPrefix(err.Error(), name+": ") {
					t.Fatalf("%s: error does not name the file: %v", name, err)
				}
			case c.Path != name:
				t.Fatalf("%s: Path %q", name, c.Path)
			}
		}
	})
}

// FuzzParseComment reads arbitrary comments (every comment of the scanned
// source is one) as suppressions.
func FuzzParseComment(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		ids, why, ok, missing := ParseComment(text)
		if ok && missing || !ok && (len(ids) > 0 || why != "") {
			t.Fatalf("ParseComment(%q) = %q, %q, %v, %v", text, ids, why, ok, missing)
		}
		for _, id := range ids {
			if id == "" || id != strings.ToUpper(id) || strings.TrimSpace(id) != id {
				t.Fatalf("ParseComment(%q): id %q", text, id)
			}
		}
		s := Suppression{Line: 3, IDs: ids}
		s.Covers("FA101", 1, 5)
	})
}
