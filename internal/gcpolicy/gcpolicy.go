// Package gcpolicy holds the garbage-collector settings of a scan: a scan
// allocates many small syntax nodes that live until it ends, so the
// collector runs less often than Go's default (GOGC=400 instead of 100,
// and not at all until the heap reaches a soft limit of 2 GiB), under a
// limit that follows the live heap once the program itself is larger.
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
func LiveHeap() uint64 { return readMetric("/gc/heap/live:bytes") }

// gcCycles is the number of collections so far.
func gcCycles() uint64 { return readMetric("/gc/cycles/total:gc-cycles") }

// readMetric reads one of the runtime's counters, 0 when it has none.
func readMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Follow tunes the collector for one scan until the returned function is
// called, which restores the settings in force before:
//
//   - Until the first collection, the heap only grows: GOGC is off and the
//     soft limit (2 GiB) is the only trigger. A scan's heap is nearly all
//     syntax trees and models that live to its end, so the collections
//     GOGC=400 runs while they are built (four at 500k lines) find little
//     to free; without them a 500k-line scan is 13% faster and no larger.
//   - From the first collection on (a program whose heap reaches the
//     limit), GOGC is back to 400 and the soft limit is kept at least twice
//     the live heap: with a fixed limit the collector would run back to
//     back once the live heap nears it (half of a 5M-line scan's CPU).
//
// GOGC and GOMEMLIMIT in the environment are left alone: with GOMEMLIMIT
// set Follow does nothing, with GOGC set it only follows the live heap.
// The settings are the process's: concurrent callers (scans run by tests)
// share one tuning, started by the first and ended by the last.
func Follow() (stop func()) { return FollowUnder(0) }

// FollowUnder is Follow with the soft limit never raised above ceiling
// bytes (0 for no ceiling), so that the collector works harder as a scan
// nears the memory it may use instead of letting garbage take it. With
// concurrent callers the first one's ceiling holds.
func FollowUnder(ceiling uint64) (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	following.mu.Lock()
	defer following.mu.Unlock()
	if following.users++; following.users == 1 {
		following.stop = follow(int64(min(ceiling, math.MaxInt64)))
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			following.mu.Lock()
			defer following.mu.Unlock()
			if following.users--; following.users == 0 {
				following.stop()
			}
		})
	}
}

// following is the tuning in force and how many scans use it.
var following struct {
	mu    sync.Mutex
	users int
	stop  func()
}

func follow(ceiling int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	prevLimit := debug.SetMemoryLimit(-1)
	ownPercent := os.Getenv("GOGC") == ""
	prevPercent := 0
	if ownPercent {
		prevPercent = debug.SetGCPercent(-1)
	}
	startCycles := gcCycles()
	go func() {
		defer wg.Done()
		tick := time.NewTicker(sampleEvery)
		defer tick.Stop()
		limit, growing := prevLimit, ownPercent
		if ceiling > 0 && ceiling < limit {
			limit = ceiling
			debug.SetMemoryLimit(limit)
		}
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if growing && gcCycles() > startCycles {
					debug.SetGCPercent(Percent)
					growing = false
				}
				if live := LiveHeap(); live < math.MaxInt64/2 && int64(2*live) > limit {
					limit = int64(2 * live)
					if ceiling > 0 {
						limit = min(limit, ceiling)
					}
					debug.SetMemoryLimit(limit)
				}
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
		debug.SetMemoryLimit(prevLimit)
		if ownPercent {
			debug.SetGCPercent(prevPercent)
		}
	}
}
