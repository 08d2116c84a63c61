package syntax

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Pos is a byte offset into File.Src.
type Pos int32

// NoPos is the zero Pos of an absent node.
const NoPos Pos = -1

// Position is a resolved location as people and editors count it.
type Position struct {
	Offset int // byte offset into the (decoded) source
	Line   int // 1-based
	Column int // 1-based, in Unicode code points
}

func (p Position) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Comment is a `#` comment; Text includes the `#`.
type Comment struct {
	Span
	Text string
}

// File is a parsed Python module.
type File struct {
	Name     string
	Src      []byte // UTF-8 source the positions refer to (BOM removed, other encodings converted)
	Body     []Stmt
	Comments []Comment
	Errors   ErrorList // syntax errors, in source order; the tree holds what could be read

	lines []Pos // offset of the first byte of each line
}

// Text returns the source text of a node.
func (f *File) Text(n Node) string {
	a, b := n.Pos(), n.End()
	if a < 0 || b > Pos(len(f.Src)) || a > b {
		return ""
	}
	return string(f.Src[a:b])
}

// LineCount returns the number of lines in the file.
func (f *File) LineCount() int { return len(f.lines) }

// Line returns the 1-based line holding offset p.
func (f *File) Line(p Pos) int {
	return sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > p })
}

// LineStart returns the offset of the first byte of 1-based line n.
func (f *File) LineStart(n int) Pos {
	if n < 1 || n > len(f.lines) {
		return NoPos
	}
	return f.lines[n-1]
}

// Position resolves an offset to line and column.
func (f *File) Position(p Pos) Position {
	line := f.Line(p)
	start := f.lines[line-1]
	end := min(p, Pos(len(f.Src)))
	col := 1
	if start < end {
		col += utf8.RuneCount(f.Src[start:end])
	}
	return Position{Offset: int(p), Line: line, Column: col}
}

// ByteColumn is the 0-based byte offset of p within its line, as CPython's
// col_offset counts it.
func (f *File) ByteColumn(p Pos) int {
	return int(p - f.lines[f.Line(p)-1])
}

// LineText returns the text of 1-based line n without its line ending.
func (f *File) LineText(n int) string {
	if n < 1 || n > len(f.lines) {
		return ""
	}
	a := f.lines[n-1]
	b := Pos(len(f.Src))
	if n < len(f.lines) {
		b = f.lines[n]
	}
	return strings.TrimRight(string(f.Src[a:b]), "\r\n")
}

// Error is a syntax error at a position.
type Error struct {
	Pos  Position
	Msg  string
	File string
}

func (e *Error) Error() string {
	name := e.File
	if name == "" {
		name = "<input>"
	}
	return fmt.Sprintf("%s:%d:%d: %s", name, e.Pos.Line, e.Pos.Column, e.Msg)
}

// ErrorList is the syntax errors of a file; it is an error when not empty.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns the list as an error, or nil when it is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
