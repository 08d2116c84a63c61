package gcpolicy

import (
	"bytes"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestFollowRaisesTheSoftLimit(t *testing.T) {
	orig := debug.SetMemoryLimit(32 << 20)
	defer debug.SetMemoryLimit(orig)
	stop := Follow()
	live := make([][]byte, 0, 96)
	for i := 0; i < 96; i++ { // 96 MiB held, three times the limit
		live = append(live, bytes.Repeat([]byte{byte(i)}, 1<<20))
	}
	runtime.GC()
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) < 2*96<<20 && time.Now().Before(deadline) {
		time.Sleep(sampleEvery)
	}
	if got := debug.SetMemoryLimit(-1); got < 2*96<<20 {
		t.Errorf("soft limit %d with a live heap of 96 MiB, want at least twice that", got)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != 32<<20 {
		t.Errorf("after stop the soft limit is %d, want the previous %d", got, 32<<20)
	}
	runtime.KeepAlive(live)
}

func TestFollowLeavesGOMEMLIMITAlone(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "64MiB")
	orig := debug.SetMemoryLimit(48 << 20)
	defer debug.SetMemoryLimit(orig)
	stop := Follow()
	live := bytes.Repeat([]byte{1}, 128<<20)
	runtime.GC()
	time.Sleep(3 * sampleEvery)
	if got := debug.SetMemoryLimit(-1); got != 48<<20 {
		t.Errorf("soft limit %d with GOMEMLIMIT set, want it untouched (%d)", got, 48<<20)
	}
	stop()
	runtime.KeepAlive(live)
}

// gcPercent reads GOGC's current value (-1: off) without changing it.
func gcPercent() int { return int(int64(readMetric("/gc/gogc:percent"))) }

// untuned clears GOGC and GOMEMLIMIT from the environment and sets GOGC to
// Percent for the test, restoring it after.
func untuned(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	orig := debug.SetGCPercent(Percent)
	t.Cleanup(func() { debug.SetGCPercent(orig) })
}

func TestFollowCollectsOnlyAtTheLimitUntilTheFirstCollection(t *testing.T) {
	untuned(t)
	stop := Follow()
	if got := gcPercent(); got != -1 {
		t.Errorf("GOGC %d after Follow, want off (-1)", got)
	}
	runtime.GC()
	deadline := time.Now().Add(5 * time.Second)
	for gcPercent() != Percent && time.Now().Before(deadline) {
		time.Sleep(sampleEvery)
	}
	if got := gcPercent(); got != Percent {
		t.Errorf("GOGC %d after a collection, want %d", got, Percent)
	}
	stop()
	if got := gcPercent(); got != Percent {
		t.Errorf("GOGC %d after stop, want the previous %d", got, Percent)
	}
	debug.SetGCPercent(250)
	t.Setenv("GOGC", "250")
	stop = Follow()
	if got := gcPercent(); got != 250 {
		t.Errorf("with GOGC set, Follow changed it to %d", got)
	}
	stop()
}

func TestConcurrentFollowersShareOneTuning(t *testing.T) {
	untuned(t)
	a := Follow()
	b := Follow()
	a()
	a() // stopping twice counts once
	if got := gcPercent(); got != -1 {
		t.Errorf("GOGC %d while a second scan still runs, want its tuning (-1)", got)
	}
	b()
	if got := gcPercent(); got != Percent {
		t.Errorf("GOGC %d once both ended, want the previous %d", got, Percent)
	}
}
