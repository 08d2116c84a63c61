// Package namere holds regular expressions matched against the names and
// short snippets of a program (function, parameter, field and setting
// names, called names, decorator text), with their answers remembered: a
// program repeats the same few thousand names hundreds of thousands of
// times, and a case-insensitive alternation costs a microsecond a match.
package namere

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
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
	re *regexp.Regexp
	// words are lower-case ASCII strings one of which every match
	// contains, whatever the case (nil when the expression has no such
	// set): most names contain none, and looking for them is far cheaper
	// than running the expression.
	words []string
	memo  sync.Map // string -> bool
	size  atomic.Int64
}

// MustCompile compiles expr (regexp syntax) or panics, like
// regexp.MustCompile: the expressions are the program's own constants.
func MustCompile(expr string) *RE {
	r := &RE{re: regexp.MustCompile(expr)}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		r.words, _ = required(tree.Simplify())
	}
	return r
}

// MatchString reports whether s contains a match of the expression.
func (r *RE) MatchString(s string) bool {
	if r.words != nil && !containsAny(s, r.words) {
		return false
	}
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

// required returns lower-case strings one of which any match of re
// contains (ASCII letters compared without case), and whether there is
// such a set: a literal, the union over the branches of an alternation
// that all have one, and in a concatenation the child whose shortest
// string is the longest.
func required(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		w := strings.ToLower(string(re.Rune))
		if w == "" || !isASCII(w) {
			return nil, false
		}
		return []string{w}, true
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			ws, ok := required(sub)
			if !ok {
				return nil, false
			}
			out = append(out, ws...)
		}
		return out, true
	case syntax.OpConcat:
		var best []string
		bestLen := 0
		for _, sub := range re.Sub {
			if ws, ok := required(sub); ok && shortest(ws) > bestLen {
				best, bestLen = ws, shortest(ws)
			}
		}
		return best, best != nil
	}
	return nil, false
}

func shortest(ws []string) int {
	n := -1
	for _, w := range ws {
		if n < 0 || len(w) < n {
			n = len(w)
		}
	}
	return n
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsAny reports whether s contains one of the lower-case words, ASCII
// letters compared without case. A string with a non-ASCII byte counts as
// containing them: Unicode case folding (the Kelvin sign is a k under
// (?i)) is the expression's to decide.
func containsAny(s string, words []string) bool {
	if !isASCII(s) {
		return true
	}
	for _, w := range words {
		for i := 0; i+len(w) <= len(s); i++ {
			j := 0
			for j < len(w) && lower(s[i+j]) == w[j] {
				j++
			}
			if j == len(w) {
				return true
			}
		}
	}
	return false
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
