package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress writes a one-line status to a terminal (stderr), rewritten in
// place at most ten times a second and erased at the end. On anything but
// a terminal it writes nothing.
type progress struct {
	w    io.Writer
	mu   sync.Mutex
	last time.Time
	used bool
}

// newProgress returns a progress line on w when w is a terminal and quiet
// is off; otherwise nil, whose methods do nothing.
func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progress{w: w}
}

// Set shows a status; updates closer than 100 ms apart are dropped unless
// force is set.
func (p *progress) Set(force bool, format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !force && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.used = time.Now(), true
	fmt.Fprintf(p.w, "\r\x1b[K"+format, args...)
}

// Done erases the line.
func (p *progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
