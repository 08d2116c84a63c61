package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/gcpolicy"
)

// Bounds of a scan's --timeout and --max-memory.
const (
	// memorySampleEvery is how often the memory watchdog reads the heap.
	memorySampleEvery = 100 * time.Millisecond
)

// hardStopGrace is how long a stopped scan may take to reach its next check
// point (between files, stages and rules) before the process is ended
// anyway: one stage of a hostile input can run for long. A variable for
// tests.
var hardStopGrace = 2 * time.Second

// errStopped marks a scan stopped by --timeout or --max-memory.
var errStopped = errors.New("scan stopped")

// scanGuard enforces a scan's --timeout and --max-memory. The scan calls
// step at each stage boundary and passes context() to the loops that can
// stop early (parsing workers, the rules loop); when a limit is reached
// step returns an exit-3 error naming the limit and the stage, and no
// report is written. A scan that does not reach a check point within
// hardStopGrace is ended by exit(3) after the same message on stderr.
//
// A nil *scanGuard enforces nothing.
type scanGuard struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	limit  uint64 // --max-memory in bytes, or the default ceiling; 0 for none
	// byDefault is true when limit is the default ceiling rather than
	// --max-memory: the collector's own tuning (gcpolicy) then runs,
	// capped at the ceiling.
	byDefault bool
	stderr    io.Writer
	exit      func(code int) // ends the process on a hard stop

	mu       sync.Mutex
	stage    string
	inFlight func() string // the files the stage is working on, for the message
	atStop   string        // inFlight's answer when a limit was reached
	observed bool          // a check point saw the stop
	done     chan struct{}
	prevMem  int64 // the memory limit in force before the scan
	stopOnce sync.Once
}

// newScanGuard starts the timer and the memory watchdog of a scan; it
// returns nil when neither limit is set. byDefault says maxMemory is the
// default ceiling, not --max-memory.
func newScanGuard(parent context.Context, timeout time.Duration, maxMemory uint64, byDefault bool, stderr io.Writer) *scanGuard {
	if timeout <= 0 && maxMemory == 0 {
		return nil
	}
	if parent == nil {
		parent = context.Background()
	}
	g := &scanGuard{limit: maxMemory, byDefault: byDefault, stderr: stderr, exit: os.Exit, stage: "starting", done: make(chan struct{})}
	g.ctx, g.cancel = context.WithCancelCause(parent)
	if timeout > 0 {
		t := time.AfterFunc(timeout, func() {
			g.stop(fmt.Errorf("%w by --timeout %v", errStopped, timeout))
		})
		go func() { <-g.done; t.Stop() }()
	}
	switch {
	case maxMemory > 0 && byDefault:
		// gcpolicy tunes the collector under the ceiling; the watchdog
		// stops the scan when the live heap is over it.
		go g.watch()
	case maxMemory > 0:
		// The runtime collects harder as the limit nears; the watchdog
		// stops the scan when the live heap itself is over it. A first
		// collection now makes the live-heap figure current.
		g.prevMem = debug.SetMemoryLimit(int64(min(maxMemory, math.MaxInt64)))
		runtime.GC()
		g.checkMemory()
		go g.watch()
	}
	grace := hardStopGrace
	go func() {
		select {
		case <-g.done:
		case <-g.ctx.Done():
			select {
			case <-g.done:
			case <-time.After(grace):
				g.hardStop()
			}
		}
	}()
	return g
}

// liveHeap is the heap the last garbage collection found in use, in bytes.
var liveHeap = gcpolicy.LiveHeap

// checkMemory stops the scan when the live heap is over the limit.
func (g *scanGuard) checkMemory() {
	if live := liveHeap(); live > g.limit {
		by := "--max-memory " + formatBytes(g.limit)
		if g.byDefault {
			by = "the default memory ceiling of " + formatBytes(g.limit) + " (three quarters of this machine's memory; --max-memory sets another)"
		}
		g.stop(fmt.Errorf("%w by %s (live heap %s)", errStopped, by, formatBytes(live)))
	}
}

// watch samples the heap until the scan ends or stops.
func (g *scanGuard) watch() {
	tick := time.NewTicker(memorySampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-g.done:
			return
		case <-g.ctx.Done():
			return
		case <-tick.C:
			g.checkMemory()
		}
	}
}

// context is the scan's context: done once a limit is reached.
func (g *scanGuard) context() context.Context {
	if g == nil {
		return context.Background()
	}
	return g.ctx
}

// step records that the scan enters a stage and returns the exit-3 error
// when a limit was reached.
func (g *scanGuard) step(stage string) error {
	markStage(stage)
	if g == nil {
		return nil
	}
	if g.limit > 0 {
		g.checkMemory()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ctx.Err() == nil {
		g.stage = stage
		return nil
	}
	g.observed = true
	return &exitError{code: ExitNoRun, err: g.message()}
}

// stoppedDuring returns the exit-3 error of a stage that ended early
// because a limit was reached; stage says how far it got. It returns nil
// when no limit was reached.
func (g *scanGuard) stoppedDuring(stage string) error {
	if g == nil || g.ctx.Err() == nil {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stage, g.observed = stage, true
	return &exitError{code: ExitNoRun, err: g.message()}
}

// watching names the files the current stage is working on, for the
// message of a stop (nil for none).
func (g *scanGuard) watching(inFlight func() string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight = inFlight
}

// stop ends the scan for a limit reached, noting the files in work.
func (g *scanGuard) stop(cause error) {
	g.mu.Lock()
	if g.inFlight != nil && g.ctx.Err() == nil {
		g.atStop = g.inFlight()
	}
	g.mu.Unlock()
	g.cancel(cause)
}

// message explains the stop; the caller holds g.mu.
func (g *scanGuard) message() error {
	stage := g.stage
	files := g.atStop
	if files == "" && g.inFlight != nil {
		files = g.inFlight()
	}
	if files != "" {
		stage += " (at " + files + ")"
	}
	return fmt.Errorf("%w while %s; no report was written", context.Cause(g.ctx), stage)
}

// inFlight is the set of files a parallel stage is working on.
type inFlight struct {
	mu    sync.Mutex
	files map[string]int
}

func newInFlight() *inFlight { return &inFlight{files: map[string]int{}} }

func (f *inFlight) start(name string) {
	f.mu.Lock()
	f.files[name]++
	f.mu.Unlock()
}

func (f *inFlight) end(name string) {
	f.mu.Lock()
	if f.files[name]--; f.files[name] <= 0 {
		delete(f.files, name)
	}
	f.mu.Unlock()
}

// String lists the files in order, "" for none.
func (f *inFlight) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	names := make([]string, 0, len(f.files))
	for n := range f.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// hardStop ends a scan that did not reach a check point in time.
func (g *scanGuard) hardStop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.observed {
		return
	}
	fmt.Fprintln(g.stderr, "fastapi-audit:", g.message())
	g.exit(ExitNoRun)
}

// close ends the timer and the watchdog and restores the memory limit.
func (g *scanGuard) close() {
	markStage("")
	if g == nil {
		return
	}
	g.stopOnce.Do(func() {
		close(g.done)
		g.cancel(nil)
		if g.limit > 0 && !g.byDefault {
			debug.SetMemoryLimit(g.prevMem)
		}
	})
}

// byteUnits are the suffixes parseBytes accepts, upper-cased.
var byteUnits = map[string]uint64{
	"": 1, "B": 1,
	"K": 1 << 10, "KB": 1e3, "KIB": 1 << 10,
	"M": 1 << 20, "MB": 1e6, "MIB": 1 << 20,
	"G": 1 << 30, "GB": 1e9, "GIB": 1 << 30,
	"T": 1 << 40, "TB": 1e12, "TIB": 1 << 40,
}

// parseBytes reads a size such as 1073741824, 512MiB, 1GiB, 1.5G or 800MB
// (KiB, MiB, GiB and K, M, G are powers of 1024; KB, MB, GB of 1000).
func parseBytes(s string) (uint64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToUpper(strings.TrimSpace(t[i:]))
	mult, ok := byteUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("size %q: want bytes or a number with KiB, MiB, GiB (or KB, MB, GB)", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v*float64(mult) >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q: not a usable number of bytes", s)
	}
	return uint64(v * float64(mult)), nil
}

// formatBytes prints a size with a binary unit: 512 MiB, 1.5 GiB.
func formatBytes(n uint64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", v), "0"), ".") + " " + units[u]
}

// memoryCeiling is the default ceiling; a variable for tests.
var memoryCeiling = defaultMemoryCeiling

// defaultMemoryCeiling is the memory a scan may use without --max-memory:
// three quarters of the machine's memory, or of the control group's limit
// when that is lower (a container), and 4 GiB where neither can be read.
func defaultMemoryCeiling() uint64 {
	total := machineMemory()
	if total == 0 {
		return 4 << 30
	}
	return total / 4 * 3
}

// machineMemory is the memory this process may use: the lower of the
// machine's memory (/proc/meminfo) and the cgroup limit, 0 when unknown.
func machineMemory() uint64 {
	var total uint64
	if b, err := readSmall("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err == nil {
					total = kb << 10
				}
			}
		}
	}
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := readSmall(p)
		if err != nil {
			continue
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && (total == 0 || n < total) {
			total = n
		}
	}
	return total
}

// readSmall reads at most 64 KiB of a system file.
func readSmall(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 64<<10))
}
