package osv

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validDoc(id, pkg string) string {
	return fmt.Sprintf(`{"id":%q,"modified":"2024-01-01T00:00:00Z","affected":[{"package":{"name":%q,"ecosystem":"PyPI"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}]}`, id, pkg)
}

type zipEntry struct {
	name string
	body string
}

func writeZip(t *testing.T, entries []zipEntry, extra func(w *zip.Writer)) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "db.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for _, e := range entries {
		fw, err := w.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if extra != nil {
		extra(w)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func skippedReason(db *DB, entry string) string {
	for _, s := range db.Skipped() {
		if s.Entry == entry {
			return s.Reason
		}
	}
	return ""
}

func TestHostileDeclaredHuge(t *testing.T) {
	p := writeZip(t, []zipEntry{{"ok.json", validDoc("OK-1", "foo")}}, func(w *zip.Writer) {
		body := []byte(validDoc("HUGE-1", "foo"))
		fw, err := w.CreateRaw(&zip.FileHeader{
			Name: "huge.json", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(len(body)), UncompressedSize64: 1 << 40,
		})
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(body)
	})
	db, err := Open(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() != 1 || db.Get("HUGE-1") != nil {
		t.Errorf("Len = %d, want only OK-1", db.Len())
	}
	if r := skippedReason(db, "huge.json"); !strings.Contains(r, "declared size") {
		t.Errorf("huge.json reason = %q, skipped = %v", r, db.Skipped())
	}
}

// deflate compresses data.
func deflate(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

func TestHostileZipBomb(t *testing.T) {
	bomb := bytes.Repeat([]byte(" "), 32<<20) // 32 MiB of spaces, ~32 KiB compressed
	comp := deflate(t, bomb)
	p := writeZip(t, []zipEntry{{"ok.json", validDoc("OK-1", "foo")}}, func(w *zip.Writer) {
		// Honest header: rejected from the declared size.
		fw, _ := w.CreateRaw(&zip.FileHeader{Name: "bomb.json", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(bomb),
			CompressedSize64: uint64(len(comp)), UncompressedSize64: uint64(len(bomb))})
		fw.Write(comp)
		// Lying header: declares 100 bytes; the capped reader stops it.
		fw, _ = w.CreateRaw(&zip.FileHeader{Name: "liar.json", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(bomb),
			CompressedSize64: uint64(len(comp)), UncompressedSize64: 100})
		fw.Write(comp)
	})
	db, err := Open(p, Limits{MaxEntryBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() != 1 {
		t.Errorf("Len = %d", db.Len())
	}
	for _, name := range []string{"bomb.json", "liar.json"} {
		if r := skippedReason(db, name); r == "" {
			t.Errorf("%s not skipped: %v", name, db.Skipped())
		} else {
			t.Logf("%s: %s", name, r)
		}
	}
	// Lying headers against the total budget: the real bytes read are counted.
	_, err = Open(p, Limits{MaxEntryBytes: 64 << 20, MaxTotalBytes: 16 << 20})
	if err == nil || !errors.Is(err, ErrLimit) {
		t.Errorf("total limit: err = %v, want ErrLimit", err)
	}
}

func TestHostileTooManyEntries(t *testing.T) {
	var es []zipEntry
	for i := range 20 {
		es = append(es, zipEntry{fmt.Sprintf("e%d.json", i), validDoc(fmt.Sprintf("E-%d", i), "foo")})
	}
	p := writeZip(t, es, nil)
	_, err := Open(p, Limits{MaxEntries: 10})
	if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "20 entries") {
		t.Errorf("err = %v, want entry limit error", err)
	}
	db, err := Open(p, Limits{MaxEntries: 20})
	if err != nil || db.Len() != 20 {
		t.Errorf("at the limit: %v %v", db, err)
	}
	// Directory form.
	dir := t.TempDir()
	for _, e := range es {
		os.WriteFile(filepath.Join(dir, e.name), []byte(e.body), 0o600)
	}
	if _, err := Open(dir, Limits{MaxEntries: 10}); !errors.Is(err, ErrLimit) {
		t.Errorf("dir err = %v, want ErrLimit", err)
	}
	// Total bytes.
	if _, err := Open(p, Limits{MaxTotalBytes: 1000}); !errors.Is(err, ErrLimit) {
		t.Errorf("total bytes err = %v, want ErrLimit", err)
	}
}

func TestHostileMalformed(t *testing.T) {
	p := writeZip(t, []zipEntry{
		{"ok.json", validDoc("OK-1", "foo")},
		{"trunc.json", `{"id":"X-1","affected":[`},
		{"notjson.json", "\x00\x01PK binary"},
		{"array.json", `[1,2,3]`},
		{"wrongtype.json", `{"id":"X-2","affected":"jinja2"}`},
		{"noid.json", `{"affected":[{"package":{"name":"foo","ecosystem":"PyPI"}}]}`},
		{"npm.json", `{"id":"X-3","affected":[{"package":{"name":"foo","ecosystem":"npm"}}]}`},
		{"deep.json", strings.Repeat("[", 100000) + strings.Repeat("]", 100000)},
		{"README.md", "hello"},
		{"dir/", ""},
		{"badversions.json", `{"id":"X-4","affected":[{"package":{"name":"foo","ecosystem":"PyPI"},"versions":["", "*", "@@"],"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"garbage"},{"fixed":"1.*"},{"limit":"x"}]}]}]}`},
	}, nil)
	db, err := Open(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"trunc.json", "notjson.json", "array.json", "wrongtype.json", "noid.json", "npm.json", "deep.json", "README.md"} {
		if r := skippedReason(db, name); r == "" {
			t.Errorf("%s not skipped", name)
		} else {
			t.Logf("%s: %s", name, r)
		}
	}
	if skippedReason(db, "dir/") != "" {
		t.Error("directory entry reported")
	}
	if db.Len() != 2 {
		t.Errorf("Len = %d, want 2 (OK-1, X-4)", db.Len())
	}
	// Unparseable events are skipped safely.
	for _, v := range []string{"0.5", "2.0", "garbage", "@@"} {
		_ = db.Affecting("foo", v)
	}
	if got := ids(db.Affecting("foo", "@@")); len(got) != 1 || got[0] != "X-4" {
		t.Errorf("exact-spelling match of explicit version = %v", got)
	}
	if _, err := db.AffectingConstraint("foo", ">=0.1"); err != nil {
		t.Error(err)
	}
}

func TestHostilePathNames(t *testing.T) {
	work := t.TempDir()
	t.Chdir(work)
	p := writeZip(t, []zipEntry{
		{"../../evil.json", validDoc("EVIL-1", "foo")},
		{"/abs/evil2.json", validDoc("EVIL-2", "foo")},
		{`..\..\evil3.json`, validDoc("EVIL-3", "foo")},
	}, nil)
	db, err := Open(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	// The names are only names: the documents load, nothing is written.
	if db.Len() != 3 {
		t.Errorf("Len = %d, skipped %v", db.Len(), db.Skipped())
	}
	for _, f := range []string{"evil.json", "../evil.json", "../../evil.json", "/abs/evil2.json", "evil3.json"} {
		if _, err := os.Lstat(filepath.Join(work, f)); err == nil {
			t.Errorf("%s written to disk", f)
		}
	}
	ents, _ := os.ReadDir(work)
	if len(ents) != 0 {
		t.Errorf("working directory not empty: %v", ents)
	}
}

func TestNotAZip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "db.zip")
	os.WriteFile(p, []byte("this is not a zip archive at all"), 0o600)
	_, err := Open(p, Limits{})
	if err == nil || !strings.Contains(err.Error(), "not a zip archive or directory") {
		t.Errorf("err = %v", err)
	}
	empty := filepath.Join(dir, "empty.zip")
	os.WriteFile(empty, nil, 0o600)
	if _, err := Open(empty, Limits{}); err == nil {
		t.Error("empty file: want error")
	}
	if _, err := Open(filepath.Join(dir, "missing.zip"), Limits{}); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: err = %v", err)
	}
	// A truncated copy of a real zip.
	if src, err := os.ReadFile(sharedZip); err == nil {
		tr := filepath.Join(dir, "trunc.zip")
		os.WriteFile(tr, src[:len(src)/2], 0o600)
		if _, err := Open(tr, Limits{}); err == nil {
			t.Error("truncated zip: want error")
		}
	}
}

func TestDirectorySymlinks(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret.json"), []byte(validDoc("OUT-1", "foo")), 0o600)
	os.MkdirAll(filepath.Join(outside, "sub"), 0o700)
	os.WriteFile(filepath.Join(outside, "sub", "s.json"), []byte(validDoc("OUT-2", "foo")), 0o600)

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o700)
	os.MkdirAll(filepath.Join(dir, ".git"), 0o700)
	os.WriteFile(filepath.Join(dir, "a", "b", "in.json"), []byte(validDoc("IN-1", "foo")), 0o600)
	os.WriteFile(filepath.Join(dir, ".git", "x.json"), []byte(validDoc("GIT-1", "foo")), 0o600)
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o600)
	if err := os.Symlink(filepath.Join(outside, "secret.json"), filepath.Join(dir, "link.json")); err != nil {
		t.Fatalf("symlink: %v", err)
	}
	os.Symlink(filepath.Join(outside, "sub"), filepath.Join(dir, "linkdir"))
	os.Symlink("../../../", filepath.Join(dir, "a", "up"))

	db, err := Open(dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Len() != 1 || db.Get("IN-1") == nil {
		t.Errorf("loaded %v, want only IN-1; skipped %v", db, db.Skipped())
	}
	if r := skippedReason(db, "link.json"); !strings.Contains(r, "symbolic link") {
		t.Errorf("link.json reason %q", r)
	}
	if r := skippedReason(db, "bad.json"); r == "" {
		t.Error("bad.json not skipped")
	}
}
