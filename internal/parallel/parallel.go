// Package parallel runs independent pieces of work on several goroutines:
// the files a scan parses, the modules it binds, the rules it runs.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls f(i) for every i in [0, n) on up to workers goroutines
// (GOMAXPROCS when workers < 1), each taking the next index in turn, so
// that long and short pieces balance. Once stop (when not nil) reports
// true no further index is handed out. For returns when every call made
// has returned.
func For(n, workers int, stop func() bool, f func(i int)) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := min(workers, n); w > 0; w-- {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || stop != nil && stop() {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
