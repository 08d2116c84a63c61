// Package tomlsafe bounds TOML documents from the scanned tree before a
// TOML library decodes them. BurntSushi/toml spends time and memory
// growing with the square of nesting: an 800 KB file of nested inline
// tables ran it out of memory after a minute, and 40 KB of one dotted key
// (a.a.a...) took 55 s and 15 GB of allocations. Check refuses a document
// over a size or nested deeper than MaxDepth, counting brackets, braces and
// the components of dotted keys and table headers, outside strings and
// comments, in one linear pass.
package tomlsafe

import (
	"errors"
	"fmt"

	"github.com/fastapi-audit/fastapi-audit/internal/fsguard"
)

// MaxDepth is the deepest nesting Check accepts: brackets and braces plus
// the components of the key being defined and of its table header. Real
// files stay under 10 (a pyproject.toml's
// [tool.poetry.group.dev.dependencies] with an inline table is 6).
const MaxDepth = 32

// MaxConfigSize is the largest settings file read, in bytes.
const MaxConfigSize = 1 << 20

// MaxManifestSize is the largest TOML dependency file (pyproject.toml,
// poetry.lock, uv.lock, pdm.lock, pylock.toml) decoded, in bytes: real
// lock files of large projects are 1 to 3 MB, and at MaxDepth the worst
// shapes decode at about 2.5 s a megabyte.
const MaxManifestSize = 4 << 20

// ErrTooDeep is matched by Check's error for a document nested deeper
// than MaxDepth.
var ErrTooDeep = errors.New("TOML nested too deeply")

// Check returns an error when data is over maxSize bytes (maxSize > 0),
// wrapping fsguard.ErrTooLarge, or nested deeper than MaxDepth, a
// *DepthError matching ErrTooDeep and naming the line; nil otherwise.
// Malformed TOML is left to the decoder.
func Check(data []byte, maxSize int64) error {
	if maxSize > 0 && int64(len(data)) > maxSize {
		return fmt.Errorf("%w (%d bytes; the limit is %d)", fsguard.ErrTooLarge, len(data), maxSize)
	}
	if line, depth := deepest(data, MaxDepth); depth > MaxDepth {
		return &DepthError{Line: line}
	}
	return nil
}

// DepthError is Check's error for a document nested deeper than MaxDepth;
// it matches ErrTooDeep with errors.Is.
type DepthError struct {
	Line int // 1-based line where the nesting goes past MaxDepth
}

func (e *DepthError) Error() string {
	return fmt.Sprintf("%v: more than %d levels at line %d (brackets, braces and dotted-key components)", ErrTooDeep, MaxDepth, e.Line)
}

// Is makes errors.Is(err, ErrTooDeep) true.
func (e *DepthError) Is(target error) bool { return target == ErrTooDeep }

// deepest scans data and returns the first line where the nesting exceeds
// limit, with that depth, or (0, the deepest nesting seen) when it never
// does. The depth of a point is what the decoder keeps as the key path
// there: the components of the table header, then for each open bracket
// or brace the components of the key it is the value of (one level for an
// array's element), then the components of the dotted key being read. Strings, multi-line
// strings and comments are skipped; a single-line string also ends at a
// newline (malformed TOML then fails in the decoder, and counting on errs
// towards refusing).
func deepest(data []byte, limit int) (line, depth int) {
	line = 1
	var (
		header    int   // components of the last table header
		open      []int // per open bracket or brace: the components of its key, at least 1
		total     int   // sum of open
		key       int   // components of the key just assigned (before "="), 0 when none
		run       int   // components of the dotted key being read, 0 outside one
		inHeader  bool  // reading a [table] or [[array]] header
		lineStart = true
		most      int
	)
	over := func() bool {
		d := header + total + run
		if inHeader {
			d = run
		}
		most = max(most, d)
		return d > limit
	}
	n := len(data)
	for i := 0; i < n; i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
			run, key = 0, 0
			lineStart = len(open) == 0
			continue
		case c == ' ' || c == '\t' || c == '\r':
			continue
		case c == '#':
			for i+1 < n && data[i+1] != '\n' {
				i++
			}
			continue
		case c == '"' || c == '\'':
			end, lines := skipString(data, i)
			line += lines
			i = end
			run = max(run, 1)
		case c == '.':
			if run > 0 {
				run++
			}
		case bareKey(c):
			for i+1 < n && bareKey(data[i+1]) {
				i++
			}
			run = max(run, 1)
		case c == '[' && lineStart:
			inHeader, run = true, 0
			if i+1 < n && data[i+1] == '[' {
				i++ // [[array of tables]]
			}
		case c == ']' && inHeader:
			header, inHeader, run = run, false, 0
			if i+1 < n && data[i+1] == ']' {
				i++
			}
		case c == '[' || c == '{':
			open = append(open, max(key, 1))
			total += max(key, 1)
			run, key = 0, 0
		case c == ']' || c == '}':
			if len(open) > 0 {
				total -= open[len(open)-1]
				open = open[:len(open)-1]
			}
			run, key = 0, 0
		case c == '=':
			key, run = run, 0
		default: // ",", or a byte the decoder will refuse
			run, key = 0, 0
		}
		lineStart = false
		if over() {
			return line, most
		}
	}
	return 0, most
}

// bareKey reports a byte of a bare key, or of a number or date (which
// may hold dots too, and are never long dotted runs).
func bareKey(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '+' || c == ':'
}

// skipString returns the index of the last byte of the string starting at
// data[i] (a quote) and the newlines it holds.
func skipString(data []byte, i int) (end, lines int) {
	q := data[i]
	n := len(data)
	if i+2 < n && data[i+1] == q && data[i+2] == q {
		// Multi-line: ends at the first unescaped triple quote, which may
		// be followed by up to two more quotes of the content.
		for j := i + 3; j < n; j++ {
			switch {
			case data[j] == '\n':
				lines++
			case data[j] == '\\' && q == '"':
				if j+1 < n && data[j+1] == '\n' {
					lines++
				}
				j++
			case data[j] == q && j+2 < n && data[j+1] == q && data[j+2] == q:
				j += 2
				for k := 0; k < 2 && j+1 < n && data[j+1] == q; k++ {
					j++
				}
				return j, lines
			}
		}
		return n - 1, lines
	}
	for j := i + 1; j < n; j++ {
		switch {
		case data[j] == '\n':
			return j - 1, lines // unterminated: the newline is counted by the caller
		case data[j] == '\\' && q == '"':
			if j+1 < n && data[j+1] == '\n' {
				return j, lines
			}
			j++
		case data[j] == q:
			return j, lines
		}
	}
	return n - 1, lines
}
