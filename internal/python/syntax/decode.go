package syntax

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
)

// decodeError is a problem with the bytes of a file, before any token.
type decodeError struct {
	offset int
	msg    string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// codingRE matches a PEP 263 encoding declaration.
var codingRE = regexp.MustCompile(`^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`)

// decodeSource turns the bytes of a Python file into UTF-8: it removes a
// UTF-8 byte order mark and converts other encodings named by a PEP 263
// declaration on the first or second line. Invalid UTF-8 is an error, as it
// is for CPython.
func decodeSource(src []byte) ([]byte, *decodeError) {
	bom := bytes.HasPrefix(src, utf8BOM)
	if bom {
		src = src[len(utf8BOM):]
	}
	name, at := codingDeclaration(src)
	if name != "" {
		enc, utf, err := lookupEncoding(name)
		switch {
		case err != nil:
			return nil, &decodeError{at, err.Error()}
		case bom && !isUTF8Name(name):
			// CPython accepts a BOM only with a declaration that spells utf-8.
			return nil, &decodeError{at, "encoding problem: " + name + " with BOM"}
		case !utf:
			return decodeWith(enc, name, src)
		}
	}
	if !utf8.Valid(src) {
		off := invalidUTF8(src)
		return nil, &decodeError{off, fmt.Sprintf("(unicode error) 'utf-8' codec can't decode byte 0x%02x in position %d: invalid start byte", src[off], off)}
	}
	return src, nil
}

// decodeWith converts src from a legacy encoding to UTF-8. Single-byte
// charmaps are decoded byte by byte so that the C1 range 0x80-0x9F, which
// Python's ISO-8859 codecs map to U+0080-U+009F, is not lost.
func decodeWith(enc encoding.Encoding, name string, src []byte) ([]byte, *decodeError) {
	if cm, ok := enc.(*charmap.Charmap); ok {
		out := make([]byte, 0, len(src)+len(src)/8)
		for _, b := range src {
			r := cm.DecodeByte(b)
			if r == utf8.RuneError && b >= 0x80 && b <= 0x9F {
				r = rune(b)
			}
			out = utf8.AppendRune(out, r)
		}
		return out, nil
	}
	out, err := enc.NewDecoder().Bytes(src)
	if err != nil {
		return nil, &decodeError{0, fmt.Sprintf("(unicode error) cannot decode the file as %s: %v", name, err)}
	}
	return out, nil
}

// isUTF8Name reports whether a declaration names UTF-8 the way CPython
// requires next to a BOM: "utf-8" or "utf-8-...", any case, '_' for '-'.
func isUTF8Name(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	return n == "utf-8" || strings.HasPrefix(n, "utf-8-")
}

// invalidUTF8 returns the offset of the first byte that is not valid UTF-8.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// codingDeclaration returns the encoding named on the first or second line
// (the second only when the first is blank or a comment) and its offset.
func codingDeclaration(src []byte) (string, int) {
	off := 0
	for line := 0; line < 2 && off < len(src); line++ {
		end := off
		for end < len(src) && src[end] != '\n' && src[end] != '\r' {
			end++
		}
		text := src[off:end]
		if m := codingRE.FindSubmatch(text); m != nil {
			return string(m[1]), off
		}
		trimmed := bytes.TrimLeft(text, " \t\f")
		if len(trimmed) > 0 && trimmed[0] != '#' {
			break
		}
		off = end
		if off < len(src) && src[off] == '\r' {
			off++
		}
		if off < len(src) && src[off] == '\n' {
			off++
		}
	}
	return "", 0
}

// lookupEncoding finds a decoder for a Python codec name. utf reports a
// UTF-8 alias, which needs no conversion.
func lookupEncoding(name string) (enc encoding.Encoding, utf bool, err error) {
	n := strings.ReplaceAll(strings.ToLower(name), "_", "-")
	switch {
	case n == "utf-8" || n == "utf8" || strings.HasPrefix(n, "utf-8-"):
		return nil, true, nil
	case n == "latin-1" || n == "latin1" || n == "iso-latin-1" || n == "l1" ||
		n == "iso-8859-1" || n == "iso8859-1" || n == "8859" || n == "cp819":
		return charmap.ISO8859_1, false, nil
	case n == "ascii" || n == "us-ascii" || n == "646":
		// ASCII is a subset of UTF-8; non-ASCII bytes fail the UTF-8 check
		// or decode to the same characters, which CPython would reject.
		return nil, true, nil
	}
	enc, e := ianaindex.IANA.Encoding(n)
	if (e != nil || enc == nil) && strings.HasPrefix(n, "cp") {
		enc, e = ianaindex.IANA.Encoding("windows-" + n[2:])
	}
	if e != nil || enc == nil {
		return nil, false, fmt.Errorf("unknown encoding: %s", name)
	}
	return enc, false, nil
}
