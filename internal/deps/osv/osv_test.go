package osv

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

const sharedZip = "testdata/PyPI-pysec.zip"

var (
	sharedOnce sync.Once
	sharedDB   *DB
	sharedErr  error
)

// requireZip returns the path of the advisory zip kept in testdata.
func requireZip(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(sharedZip); err != nil {
		tb.Fatalf("advisory zip missing: %v", err)
	}
	return sharedZip
}

func loadShared(t *testing.T) *DB {
	t.Helper()
	p := requireZip(t)
	sharedOnce.Do(func() { sharedDB, sharedErr = Open(p, Limits{}) })
	if sharedErr != nil {
		t.Fatalf("Open(%s): %v", p, sharedErr)
	}
	return sharedDB
}

func ids(ms []*Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Vuln.ID)
	}
	return out
}

func find(ms []*Match, id string) *Match {
	for _, m := range ms {
		if m.Vuln.ID == id {
			return m
		}
	}
	return nil
}

func TestOpenShared(t *testing.T) {
	db := loadShared(t)
	if db.Len() != 2661 {
		t.Errorf("Len = %d, want 2661", db.Len())
	}
	if len(db.Skipped()) != 0 {
		t.Errorf("Skipped = %v, want none", db.Skipped())
	}
	if n := db.NumPackages(); n < 600 || n > 700 {
		t.Errorf("NumPackages = %d, want about 664", n)
	}
	t.Logf("%v", db)
	if v := db.Get("PYSEC-2019-217"); v == nil || v.Modified.IsZero() || v.Published.IsZero() {
		t.Errorf("Get(PYSEC-2019-217) = %+v, want timestamps", v)
	}
}

func TestAffectingJinja2(t *testing.T) {
	db := loadShared(t)
	ms := db.Affecting("Jinja2", "2.10")
	if got, want := ids(ms), []string{"PYSEC-2019-217", "PYSEC-2021-66"}; !slices.Equal(got, want) {
		t.Fatalf("jinja2 2.10 advisories = %v, want %v", got, want)
	}
	m := find(ms, "PYSEC-2019-217")
	if !slices.Contains(m.Vuln.Aliases, "CVE-2019-10906") || !slices.Contains(m.Vuln.Aliases, "GHSA-462w-v97r-4m45") {
		t.Errorf("aliases = %v", m.Vuln.Aliases)
	}
	if m.LowestFix != "2.10.1" || !slices.Equal(m.Fixed, []string{"2.10.1"}) {
		t.Errorf("fix = %q %v, want 2.10.1", m.LowestFix, m.Fixed)
	}
	if m.Affected == nil || m.Affected.Package.Name != "jinja2" || m.Affected.Package.Purl != "pkg:pypi/jinja2" {
		t.Errorf("affected = %+v", m.Affected)
	}
	if m := find(ms, "PYSEC-2021-66"); m.LowestFix != "2.11.3" || !slices.Contains(m.Vuln.Aliases, "CVE-2020-28493") {
		t.Errorf("PYSEC-2021-66 = %q %v", m.LowestFix, m.Vuln.Aliases)
	}
	// Canonical equality: 2.10.0 is 2.10.
	if got := ids(db.Affecting("jinja2", "2.10.0")); !slices.Equal(got, []string{"PYSEC-2019-217", "PYSEC-2021-66"}) {
		t.Errorf("jinja2 2.10.0 = %v", got)
	}
	for _, v := range []string{"3.1.4", "2.11.3", "3.0.0"} {
		if got := db.Affecting("jinja2", v); len(got) != 0 {
			t.Errorf("jinja2 %s affected by %v, want none", v, ids(got))
		}
	}
	// Every early advisory applies to an old version.
	if got := ids(db.Affecting("JINJA2", "2.7")); len(got) != 5 {
		t.Errorf("jinja2 2.7 = %v, want 5 advisories", got)
	}
}

func TestAffectingPyYAML(t *testing.T) {
	db := loadShared(t)
	ms := db.Affecting("PyYAML", "5.3")
	m := find(ms, "PYSEC-2021-142")
	if m == nil {
		t.Fatalf("pyyaml 5.3 = %v, want PYSEC-2021-142", ids(ms))
	}
	if !slices.Contains(m.Vuln.Aliases, "CVE-2020-14343") || m.LowestFix != "5.4" {
		t.Errorf("PYSEC-2021-142 aliases %v fix %q", m.Vuln.Aliases, m.LowestFix)
	}
	if len(ms) != 2 {
		t.Errorf("pyyaml 5.3 = %v, want 2 (5.3.1 and 5.4 fixes)", ids(ms))
	}
	if got := db.Affecting("pyyaml", "6.0.1"); len(got) != 0 {
		t.Errorf("pyyaml 6.0.1 = %v", ids(got))
	}
}

func TestAffectingFastAPI(t *testing.T) {
	db := loadShared(t)
	ms := db.Affecting("fastapi", "0.65.1")
	if got := ids(ms); !slices.Equal(got, []string{"PYSEC-2021-100", "PYSEC-2024-38"}) {
		t.Fatalf("fastapi 0.65.1 = %v", got)
	}
	m := find(ms, "PYSEC-2021-100")
	if !slices.Contains(m.Vuln.Aliases, "CVE-2021-32677") || m.LowestFix != "0.65.2" {
		t.Errorf("PYSEC-2021-100 aliases %v fix %q", m.Vuln.Aliases, m.LowestFix)
	}
	// The GIT range's commit hash must not show up as a fixed version.
	if !slices.Equal(m.Fixed, []string{"0.65.2"}) {
		t.Errorf("Fixed = %v, want [0.65.2]", m.Fixed)
	}
	if got := ids(db.Affecting("fastapi", "0.65.2")); !slices.Equal(got, []string{"PYSEC-2024-38"}) {
		t.Errorf("fastapi 0.65.2 = %v", got)
	}
	if got := db.Affecting("fastapi", "0.109.1"); len(got) != 0 {
		t.Errorf("fastapi 0.109.1 = %v", ids(got))
	}
}

func TestLastAffected(t *testing.T) {
	db := loadShared(t)
	// PYSEC-2022-42969: py, introduced 0, last_affected 1.11.0 (inclusive).
	for v, want := range map[string]bool{"1.11.0": true, "1.11": true, "1.10.0": true, "1.11.0.post1": false, "1.11.1": false, "1.12.0": false} {
		got := find(db.Affecting("py", v), "PYSEC-2022-42969") != nil
		if got != want {
			t.Errorf("py %s affected by PYSEC-2022-42969 = %v, want %v", v, got, want)
		}
	}
	if m := find(db.Affecting("py", "1.11.0"), "PYSEC-2022-42969"); m == nil || m.LowestFix != "" || len(m.Fixed) != 0 {
		t.Errorf("last_affected advisory should have no fix, got %+v", m)
	}
}

func TestExplicitVersions(t *testing.T) {
	db := loadShared(t)
	// PYSEC-2024-1: gratient, versions ["0.5"] only, no ranges.
	for v, want := range map[string]bool{"0.5": true, "0.5.0": true, "0.6": false, "0.4": false, "not-a-version": false} {
		got := find(db.Affecting("gratient", v), "PYSEC-2024-1") != nil
		if got != want {
			t.Errorf("gratient %s = %v, want %v", v, got, want)
		}
	}
}

func TestPrereleaseOrdering(t *testing.T) {
	db := loadShared(t)
	cases := []struct {
		pkg, ver string
		want     []string
	}{
		{"jinja2", "2.10.1rc1", []string{"PYSEC-2019-217", "PYSEC-2021-66"}}, // rc1 < 2.10.1 fix
		{"jinja2", "2.10.1", []string{"PYSEC-2021-66"}},
		{"jinja2", "2.11.3.dev0", []string{"PYSEC-2021-66"}},
		{"jinja2", "2.11.3.post1", nil},
		{"pyyaml", "5.4b1", []string{"PYSEC-2021-142"}}, // after 5.3.1, before 5.4
	}
	for _, c := range cases {
		if got := ids(db.Affecting(c.pkg, c.ver)); !slices.Equal(got, c.want) {
			t.Errorf("%s %s = %v, want %v", c.pkg, c.ver, got, c.want)
		}
	}
}

func TestWithdrawnIgnored(t *testing.T) {
	db := loadShared(t)
	v := db.Get("PYSEC-2019-144")
	if v == nil || !v.IsWithdrawn() {
		t.Fatalf("PYSEC-2019-144 should be loaded and withdrawn: %+v", v)
	}
	if got := db.Affecting("arrayfire", "3.5.20170718"); len(got) != 0 {
		t.Errorf("withdrawn advisory matched: %v", ids(got))
	}
}

func TestUnparseableVersion(t *testing.T) {
	db := loadShared(t)
	for _, v := range []string{"", "garbage", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0", "*", "1.*", "99999999999999999999999999"} {
		_ = db.Affecting("jinja2", v) // must not panic
	}
	if got := db.Affecting("no-such-package", "1.0"); got != nil {
		t.Errorf("unknown package = %v", ids(got))
	}
}

func cids(ms []*ConstraintMatch) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Vuln.ID)
	}
	return out
}

func TestAffectingConstraint(t *testing.T) {
	db := loadShared(t)
	ms, err := db.AffectingConstraint("jinja2", ">=2.0,<3")
	if err != nil {
		t.Fatal(err)
	}
	if got := cids(ms); len(got) != 5 {
		t.Errorf("jinja2>=2.0,<3 = %v, want all 5", got)
	}
	for _, m := range ms {
		if len(m.Examples) == 0 || len(m.Examples) > MaxExamples {
			t.Errorf("%s examples = %v", m.Vuln.ID, m.Examples)
		}
		if m.Vuln.ID == "PYSEC-2019-217" && m.Examples[0] != "2.0" {
			t.Errorf("first example = %v, want 2.0 (2.0rc1 excluded by PEP 440 pre-release rules)", m.Examples)
		}
	}
	ms, err = db.AffectingConstraint("PyYAML", ">=6")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 0 {
		t.Errorf("pyyaml>=6 = %v, want none", cids(ms))
	}
	ms, _ = db.AffectingConstraint("pyyaml", ">=5.3.1,<6")
	if got := cids(ms); !slices.Equal(got, []string{"PYSEC-2021-142"}) {
		t.Errorf("pyyaml>=5.3.1,<6 = %v, want [PYSEC-2021-142]", got)
	}
	ms, _ = db.AffectingConstraint("fastapi", ">=0.60, <0.70")
	if got := cids(ms); !slices.Equal(got, []string{"PYSEC-2021-100", "PYSEC-2024-38"}) {
		t.Errorf("fastapi>=0.60,<0.70 = %v", got)
	}
	// Empty specifier: everything.
	ms, _ = db.AffectingConstraint("jinja2", "")
	if len(ms) != 5 {
		t.Errorf("jinja2 (any) = %v", cids(ms))
	}
	// Pinned specifier agrees with Affecting.
	ms, _ = db.AffectingConstraint("jinja2", "==2.10")
	if got := cids(ms); !slices.Equal(got, []string{"PYSEC-2019-217", "PYSEC-2021-66"}) {
		t.Errorf("jinja2==2.10 = %v", got)
	}
	ms, _ = db.AffectingConstraint("jinja2", "~=3.1")
	if len(ms) != 0 {
		t.Errorf("jinja2~=3.1 = %v", cids(ms))
	}
	if _, err := db.AffectingConstraint("jinja2", "=== what"); err == nil {
		t.Error("want error for invalid specifier")
	}
}

func TestAffectingConstraintIntervalOnly(t *testing.T) {
	// An advisory with a range but no explicit versions: only the interval
	// intersection can find it.
	dir := t.TempDir()
	doc := `{"id":"TEST-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"name":"Foo_Bar","ecosystem":"PyPI"},
	"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"1.5"},{"introduced":"2.0"},{"last_affected":"2.2"}]}]}]}`
	if err := os.WriteFile(filepath.Join(dir, "t.json"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := db.AffectingConstraint("foo.bar", ">1.1,<1.3")
	if len(ms) != 1 || len(ms[0].Examples) != 0 || !slices.Equal(ms[0].Intervals, []string{">=1.0, <1.5"}) {
		t.Errorf("got %+v", ms)
	}
	ms, _ = db.AffectingConstraint("foo-bar", ">=1.5,<2")
	if len(ms) != 0 {
		t.Errorf("gap between ranges matched: %+v", ms[0])
	}
	ms, _ = db.AffectingConstraint("foo-bar", ">=2.1")
	if len(ms) != 1 || !slices.Equal(ms[0].Examples, []string{"2.2"}) || !slices.Equal(ms[0].Intervals, []string{">=2.0, <=2.2"}) {
		t.Errorf("got %+v", ms)
	}
	for v, want := range map[string]string{"0.9": "", "1.0": "1.5", "1.4.9": "1.5", "1.5": "", "1.9": "", "2.0": "", "2.2": "", "2.2.1": ""} {
		ms := db.Affecting("FOO-bar", v)
		affected := v == "1.0" || v == "1.4.9" || v == "2.0" || v == "2.2"
		if (len(ms) == 1) != affected {
			t.Errorf("foo-bar %s affected = %v, want %v", v, len(ms) == 1, affected)
		}
		if len(ms) == 1 && ms[0].LowestFix != want {
			t.Errorf("foo-bar %s lowest fix %q, want %q", v, ms[0].LowestFix, want)
		}
	}
}
func TestCheckID(t *testing.T) {
	for _, id := range []string{"PYSEC-2021-100", "GHSA-8r8j-xvfj-36f9", "CVE-2021-32677", "a:b.c_d"} {
		if err := checkID(id); err != nil {
			t.Errorf("checkID(%q) = %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "../x", "a/b", `a\b`, "a b", "a%2f", strings.Repeat("a", 101), "é"} {
		if err := checkID(id); err == nil {
			t.Errorf("checkID(%q) accepted", id)
		}
	}
}
