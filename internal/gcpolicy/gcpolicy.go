// Package gcpolicy holds the garbage-collector settings of a scan: a scan
// allocates many small syntax nodes that live until it ends, so the
// collector runs less often than Go's default (GOGC=400 instead of 100),
// under a soft memory limit of 2 GiB that follows the live heap once the
// program itself is larger than that.
package gcpolicy

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"time"
)

// Settings of the collector.
const (
	// Percent is GOGC: collecting less often saves a third of the parse
	// time.
	Percent = 400
	// Limit is the soft memory limit: it keeps GOGC=400 from letting a
	// large scan's heap grow to five times what it holds.
	Limit = 2 << 30
	// sampleEvery is how often Follow reads the live heap.
	sampleEvery = 100 * time.Millisecond
)

// Apply sets GOGC and the soft memory limit unless the environment sets
// them (GOGC, GOMEMLIMIT).
func Apply() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(Limit)
	}
}

// LiveHeap is the heap the last garbage collection found in use, in bytes.
func LiveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Follow keeps the soft memory limit at least twice the live heap until the
// returned function is called, which restores the limit in force before.
// Once the live heap itself nears a fixed limit the collector would run
// back to back (half of a 5M-line scan's CPU) and the scan would slow down
// faster than it grows; past the limit the heap may grow to twice the live
// heap, as with the default GOGC=100. It does nothing (but return a no-op)
// when GOMEMLIMIT is set.
func Follow() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	prev := debug.SetMemoryLimit(-1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		limit := prev
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if live := LiveHeap(); live < math.MaxInt64/2 && int64(2*live) > limit {
					limit = int64(2 * live)
					debug.SetMemoryLimit(limit)
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		debug.SetMemoryLimit(prev)
	}
}
