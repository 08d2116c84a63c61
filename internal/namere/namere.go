// Package namere holds regular expressions matched against the names and
// short snippets of a program (function, parameter, field and setting
// names, called names, decorator text), with their answers remembered: a
// program repeats the same few thousand names hundreds of thousands of
// times, and a case-insensitive alternation costs a microsecond a match.
package namere

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// Bounds of the memo: long strings are matched every time (they rarely
// repeat), and past maxRemembered distinct strings new answers are no
// longer kept, so hostile input cannot grow the memo without bound.
const (
	maxRememberedLen = 96
	maxRemembered    = 1 << 17
)

// RE is a compiled regular expression whose MatchString answers are
// remembered. It is safe for concurrent use.
type RE struct {
	re   *regexp.Regexp
	memo sync.Map // string -> bool
	size atomic.Int64
}

// MustCompile compiles expr (regexp syntax) or panics, like
// regexp.MustCompile: the expressions are the program's own constants.
func MustCompile(expr string) *RE {
	return &RE{re: regexp.MustCompile(expr)}
}

// MatchString reports whether s contains a match of the expression.
func (r *RE) MatchString(s string) bool {
	if len(s) > maxRememberedLen {
		return r.re.MatchString(s)
	}
	if v, ok := r.memo.Load(s); ok {
		return v.(bool)
	}
	m := r.re.MatchString(s)
	if r.size.Load() < maxRemembered {
		if _, loaded := r.memo.LoadOrStore(s, m); !loaded {
			r.size.Add(1)
		}
	}
	return m
}

// Regexp returns the underlying expression, for the other methods of
// regexp.Regexp (their answers are not remembered).
func (r *RE) Regexp() *regexp.Regexp { return r.re }

// String returns the source text of the expression.
func (r *RE) String() string { return r.re.String() }
