package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestProgressOnlyOnTerminals: a buffer or a pipe gets no status line, and
// a scan writing to them leaves no carriage return in its output.
func TestProgressOnlyOnTerminals(t *testing.T) {
	var buf bytes.Buffer
	if newProgress(&buf, false) != nil {
		t.Error("progress on a buffer")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if newProgress(w, false) != nil {
		t.Error("progress on a pipe")
	}
	var p *progress // nil: every method is a no-op
	p.Set(true, "x")
	p.Done()
	out, errOut, _ := run(t, "scan", "../../examples/vulnerable-app")
	if strings.Contains(out+errOut, "\r") {
		t.Error("a scan into buffers wrote a progress line")
	}
}
