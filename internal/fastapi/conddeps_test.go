package fastapi

import (
	"path/filepath"
	"testing"
)

// TestConditionalDependencies: dependencies written as a conditional
// expression are the union of both branches, each marked with the
// condition of its branch; a dependency in both branches is unconditional,
// and a route with none stays unauthenticated. A list variable appended to
// under an if before the router is made reads the same way; appends after
// it do not count.
func TestConditionalDependencies(t *testing.T) {
	m := loadModel(t, filepath.Join("testdata", "conddeps"))
	for _, c := range []struct {
		method, path string
		auth         string // the authenticating dependency, "" for none
		cond         string
	}{
		{"GET", "/guarded", "get_current_user", "settings.auth_enabled"},
		{"GET", "/included", "get_current_user", "AUTH_ENABLED"},
		{"GET", "/always", "get_current_user", ""},
		{"POST", "/inverted", "get_current_user", "not settings.dev_mode"},
		{"GET", "/open", "", ""},
		{"GET", "/built", "get_current_user", "authentication_enabled"},
		{"GET", "/late", "", ""},
	} {
		e := endpoint(t, m, c.method, c.path)
		if c.auth == "" {
			if e.Auth != nil {
				t.Errorf("%s %s: authenticated by %s", c.method, c.path, e.AuthText())
			}
			continue
		}
		// The chain goes on to oauth2, get_current_user's own dependency.
		if len(e.Auth) == 0 || e.Auth[0].Name() != c.auth || e.Auth[0].Cond != c.cond {
			var got []string
			for _, d := range e.Auth {
				got = append(got, d.Name()+" if "+d.Cond)
			}
			t.Errorf("%s %s: auth %v, want %s if %q", c.method, c.path, got, c.auth, c.cond)
		}
	}
	if got, want := endpoint(t, m, "GET", "/guarded").AuthText(), "get_current_user (if settings.auth_enabled) > oauth2"; got != want {
		t.Errorf("auth chain %q, want %q", got, want)
	}
	for _, d := range m.Diagnostics {
		t.Errorf("diagnostic: %v", d)
	}
}
