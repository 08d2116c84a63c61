package syntax

import (
	"strings"
	"testing"
)

// TestErrorLimit checks files made of bad lines: the errors stop at
// maxErrors with a last one saying so, and the recovery from a line of
// errors after another does not recurse (4 MB of unmatched brackets used
// to overflow the stack: a crash, not a diagnostic).
func TestErrorLimit(t *testing.T) {
	for _, src := range []string{
		strings.Repeat(")\n", 2<<20),
		strings.Repeat("x =\n", 1<<20),
		strings.Repeat("def f():\n", 1<<19),
		strings.Repeat("if x:\n  ", 1<<19),
		strings.Repeat("  x\n\ty\n", 1<<19),
	} {
		f, err := ParseFile("bad.py", []byte(src), nil)
		if err == nil {
			t.Errorf("%.20q...: no error", src)
			continue
		}
		n := len(f.Errors)
		if n != maxErrors+1 || !strings.Contains(f.Errors[n-1].Msg, "too many syntax errors (over 100)") {
			t.Errorf("%.20q...: %d errors, the last %q", src, n, f.Errors[n-1].Msg)
		}
	}
	// Under the limit every bad line is still reported.
	f, _ := ParseFile("some.py", []byte(strings.Repeat(")\nx = 1\n", 50)), nil)
	if len(f.Errors) != 50 {
		t.Errorf("50 bad lines: %d errors", len(f.Errors))
	}
}
