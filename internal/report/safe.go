package report

import (
	"fmt"
	"strings"
)

// Printable makes a string from scanned code, a file name or a server
// safe to print on one line of a terminal or a line-based format: control
// characters (C0 and C1, so escape sequences, BEL, CR, newlines and tabs,
// and DEL), bidirectional-text marks (U+202A-U+202E, U+2066-U+2069,
// U+200E, U+200F, U+061C) and line separators (U+2028, U+2029) are shown
// as escapes (\x1b, \x0a, \u202e) the way git and ls quote names, rather
// than acting on the terminal (Trojan Source, forged lines, OSC 8 links);
// invalid UTF-8 becomes U+FFFD. Every text writer (the text report, GitHub
// annotations, JUnit, the routes listing) prints through it.
func Printable(s string) string { return escapeText(s, false) }

// escapeText is Printable, keeping newlines and tabs when layout is true
// (CRLF then becomes LF).
func escapeText(s string, layout bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	needs := func(c rune) bool { return needsEscape(c, layout) }
	if strings.IndexFunc(s, needs) < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		switch {
		case layout && c == '\r' && strings.HasPrefix(s[i+1:], "\n"):
		case c < 0x80 && needs(c):
			fmt.Fprintf(&b, `\x%02x`, c)
		case needs(c):
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// needsEscape reports a character escapeText shows as an escape.
func needsEscape(c rune, layout bool) bool {
	switch {
	case c == '\n' || c == '\t':
		return !layout
	case c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0):
		return true
	case c >= 0x202a && c <= 0x202e, c >= 0x2066 && c <= 0x2069, c == 0x200e, c == 0x200f, c == 0x061c,
		c == 0x2028, c == 0x2029:
		return true
	}
	return false
}
