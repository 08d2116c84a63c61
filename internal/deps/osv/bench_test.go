package osv

import (
	"testing"
)

// BenchmarkOpen compares a cold load of the shared zip with a warm
// OpenCached load; the ratio of the two is the cache's benefit.
func BenchmarkOpen(b *testing.B) {
	zp := requireZip(b)
	b.Run("zip", func(b *testing.B) {
		for b.Loop() {
			if _, err := Open(zp, Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached-warm", func(b *testing.B) {
		cache := b.TempDir()
		if _, err := OpenCached(zp, cache, Limits{}); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			db, err := OpenCached(zp, cache, Limits{})
			if err != nil || !db.FromCache() {
				b.Fatal("cache miss", err)
			}
		}
	})
}

// BenchmarkAffecting measures a lookup for a package with many advisories.
func BenchmarkAffecting(b *testing.B) {
	zp := requireZip(b)
	db, err := Open(zp, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		db.Affecting("django", "3.2.1")
	}
}
