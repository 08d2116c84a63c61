package osv

import (
	"testing"
)

// FuzzParseVuln decodes arbitrary documents and runs every matching path
// over the result; nothing may panic.
func FuzzParseVuln(f *testing.F) {
	f.Add([]byte(validDoc("SEED-1", "foo")), "0.5", ">=0.1,<2")
	f.Add([]byte(`{"id":"S-2","affected":[{"package":{"name":"x","ecosystem":"PyPI"},"versions":["1.0rc1"],"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.2"},{"limit":"*"}]}]}]}`), "1.1", "~=1.0")
	f.Fuzz(func(t *testing.T, doc []byte, version, spec string) {
		v, err := ParseVuln(doc)
		if err != nil {
			return
		}
		if v.ID == "" || len(v.Affected) == 0 {
			t.Fatalf("ParseVuln accepted %+v", v)
		}
		db := newDB([]*Vuln{v}, nil)
		for _, a := range v.Affected {
			name := a.Package.Name
			for _, m := range db.Affecting(name, version) {
				if m.LowestFix != "" && version != "" {
					if fv, qv := parseVersion(m.LowestFix), parseVersion(version); fv != nil && qv != nil && fv.Compare(qv) <= 0 {
						t.Fatalf("LowestFix %q not above %q", m.LowestFix, version)
					}
				}
			}
			_, _ = db.AffectingConstraint(name, spec)
			for _, s := range a.Versions {
				_ = db.Affecting(name, s)
			}
			for _, r := range a.Ranges {
				for _, e := range r.Events {
					_ = db.Affecting(name, e.Introduced)
					_ = db.Affecting(name, e.Fixed)
				}
			}
		}
	})
}
