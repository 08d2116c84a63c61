package parallel

import (
	"sync"
	"sync/atomic"
	"testing"
)

func TestForCallsEveryIndexOnce(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 64} {
		const n = 1000
		counts := make([]atomic.Int32, n)
		For(n, workers, nil, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("workers %d: index %d called %d times", workers, i, c)
			}
		}
	}
	For(0, 4, nil, func(int) { t.Fatal("called with n = 0") })
}

func TestForBoundsItsGoroutines(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	For(200, 3, nil, func(int) {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		for i := 0; i < 1000; i++ {
			_ = i * i
		}
		mu.Lock()
		running--
		mu.Unlock()
	})
	if most > 3 || most < 1 {
		t.Errorf("%d calls at once with 3 workers", most)
	}
}

func TestForStops(t *testing.T) {
	var calls atomic.Int32
	For(10000, 2, func() bool { return calls.Load() >= 10 }, func(int) { calls.Add(1) })
	if c := calls.Load(); c < 10 || c > 12 {
		t.Errorf("%d calls, want 10 (and at most one more per worker) once stop says so", c)
	}
}
