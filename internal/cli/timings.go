package cli

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"time"
)

// stageClock prints how long each stage of a scan took, on stderr, when
// FASTAPI_AUDIT_TIMINGS is set: a developer's aid for benchmarks (see
// bench/README.md), like FASTAPI_AUDIT_CPUPROFILE.
var stageClock struct {
	mu    sync.Mutex
	stage string
	start time.Time
}

// markStage ends the current stage, printing its duration, and starts the
// next; "" ends the last one.
func markStage(next string) {
	if path := os.Getenv("FASTAPI_AUDIT_MEMPROFILE"); path != "" && next == "collecting findings" {
		// For developers: the heap once the rules have run, while the
		// program and its models are still live (go tool pprof).
		if f, err := os.Create(path); err == nil {
			runtime.GC()
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
	if os.Getenv("FASTAPI_AUDIT_TIMINGS") == "" {
		return
	}
	c := &stageClock
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.stage != "" {
		fmt.Fprintf(os.Stderr, "fastapi-audit: %-28s %8.3f s\n", c.stage, now.Sub(c.start).Seconds())
	}
	c.stage, c.start = next, now
}

// ruleTimes collects each rule's time for printing after the rules stage,
// slowest first; nil unless FASTAPI_AUDIT_TIMINGS is set.
type ruleTimes struct {
	mu    sync.Mutex
	times map[string]time.Duration
}

func newRuleTimes() *ruleTimes {
	if os.Getenv("FASTAPI_AUDIT_TIMINGS") == "" {
		return nil
	}
	return &ruleTimes{times: map[string]time.Duration{}}
}

// took is rules.Options.Took, or nil.
func (t *ruleTimes) took() func(string, time.Duration) {
	if t == nil {
		return nil
	}
	return func(rule string, d time.Duration) {
		t.mu.Lock()
		t.times[rule] += d
		t.mu.Unlock()
	}
}

// print writes the slowest rules to stderr.
func (t *ruleTimes) print(top int) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := make([]string, 0, len(t.times))
	var sum time.Duration
	for id, d := range t.times {
		ids = append(ids, id)
		sum += d
	}
	sort.Slice(ids, func(i, j int) bool { return t.times[ids[i]] > t.times[ids[j]] })
	fmt.Fprintf(os.Stderr, "fastapi-audit:   rules' own time, summed     %8.3f s\n", sum.Seconds())
	for _, id := range ids[:min(top, len(ids))] {
		fmt.Fprintf(os.Stderr, "fastapi-audit:   %-26s %8.3f s\n", id, t.times[id].Seconds())
	}
}
