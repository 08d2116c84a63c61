package osv

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestOpenCached(t *testing.T) {
	zp := requireZip(t)
	cache := t.TempDir()
	cold, err := OpenCached(zp, cache, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if cold.FromCache() {
		t.Error("first open claims to be from cache")
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*.gob"))
	if len(files) != 1 {
		t.Fatalf("cache files = %v", files)
	}
	warm, err := OpenCached(zp, cache, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !warm.FromCache() {
		t.Error("second open not served from cache")
	}
	if warm.Len() != cold.Len() || warm.NumPackages() != cold.NumPackages() {
		t.Errorf("warm %v != cold %v", warm, cold)
	}
	a, b := warm.Affecting("jinja2", "2.10"), cold.Affecting("jinja2", "2.10")
	if !slices.Equal(ids(a), ids(b)) || a[0].LowestFix != b[0].LowestFix {
		t.Errorf("warm %v cold %v", ids(a), ids(b))
	}
	if w, c := warm.Get("PYSEC-2019-217"), cold.Get("PYSEC-2019-217"); !w.Modified.Equal(c.Modified) || w.Details != c.Details || len(w.References) != len(c.References) {
		t.Error("cached advisory differs")
	}

	// Corrupt cache: ignored and rebuilt.
	if err := os.WriteFile(files[0], []byte("garbage, not gob"), 0o600); err != nil {
		t.Fatal(err)
	}
	re, err := OpenCached(zp, cache, Limits{})
	if err != nil || re.FromCache() || re.Len() != cold.Len() {
		t.Fatalf("corrupt cache: %v %v", re, err)
	}
	again, _ := OpenCached(zp, cache, Limits{})
	if !again.FromCache() {
		t.Error("cache not rewritten after corruption")
	}
	// Truncated cache.
	data, _ := os.ReadFile(files[0])
	os.WriteFile(files[0], data[:len(data)/3], 0o600)
	if re, err := OpenCached(zp, cache, Limits{}); err != nil || re.FromCache() || re.Len() != cold.Len() {
		t.Fatalf("truncated cache: %v %v", re, err)
	}
	// Different limits give a different key.
	other, _ := OpenCached(zp, cache, Limits{MaxEntries: 100_000})
	if other.FromCache() {
		t.Error("cache hit despite different limits")
	}
}

func TestOpenCachedDirectoryInvalidation(t *testing.T) {
	dir := t.TempDir()
	cache := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(validDoc("A-1", "foo")), 0o600)
	db, err := OpenCached(dir, cache, Limits{})
	if err != nil || db.Len() != 1 {
		t.Fatal(db, err)
	}
	if db, _ := OpenCached(dir, cache, Limits{}); !db.FromCache() {
		t.Error("want cache hit")
	}
	os.WriteFile(filepath.Join(dir, "b.json"), []byte(validDoc("B-1", "foo")), 0o600)
	future := time.Now().Add(time.Hour)
	os.Chtimes(filepath.Join(dir, "b.json"), future, future)
	db, err = OpenCached(dir, cache, Limits{})
	if err != nil || db.FromCache() || db.Len() != 2 {
		t.Errorf("after change: %v fromCache=%v err=%v", db, db.FromCache(), err)
	}
	// Errors still surface through the cache path.
	if _, err := OpenCached(filepath.Join(dir, "missing"), cache, Limits{}); err == nil {
		t.Error("want error for missing path")
	}
}
