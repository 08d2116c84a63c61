package manifest

import (
	"regexp"
	"strings"
)

// tomlIndex recovers line numbers that TOML decoders do not report.
//
// The approach: scan the raw text once for table headers ([a.b] and
// [[a.b]]), skipping multi-line strings, which splits the file into
// sections named by their dotted, unquoted header ("" for the top level).
// A value is then located by searching its section's lines for the quoted
// string as written (requirement strings) or for a line starting with the
// key (table forms). Each hit is claimed so that repeated strings map to
// successive lines. When the text is not found (escapes, unusual quoting,
// dotted keys defined in a parent table) the search widens to parent
// sections, then to the whole file, and finally falls back to the section
// header line, or line 1.
type tomlIndex struct {
	lines   []string
	headers []tomlHeader
	claimed map[string]map[int]bool
}

type tomlHeader struct {
	name  string
	array bool
	line  int // 0-based
	end   int // exclusive: the next header's line or len(lines)
}

var headerRE = regexp.MustCompile(`^\s*(\[\[?)\s*([A-Za-z0-9_\-."' ]+?)\s*(\]\]?)\s*(?:#.*)?$`)

func newTOMLIndex(data []byte) *tomlIndex {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	x := &tomlIndex{lines: strings.Split(text, "\n"), claimed: map[string]map[int]bool{}}
	inML := ""
	for i, l := range x.lines {
		if inML != "" {
			if strings.Count(l, inML)%2 == 1 {
				inML = ""
			}
			continue
		}
		if m := headerRE.FindStringSubmatch(l); m != nil && len(m[1]) == len(m[3]) {
			x.headers = append(x.headers, tomlHeader{name: normalizeKey(m[2]), array: len(m[1]) == 2, line: i})
			continue
		}
		for _, q := range []string{`"""`, `'''`} {
			if strings.Count(l, q)%2 == 1 {
				inML = q
				break
			}
		}
	}
	for i := range x.headers {
		if i+1 < len(x.headers) {
			x.headers[i].end = x.headers[i+1].line
		} else {
			x.headers[i].end = len(x.lines)
		}
	}
	return x
}

// normalizeKey turns a dotted header such as tool.poetry.group."dev".dependencies
// into tool.poetry.group.dev.dependencies.
func normalizeKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

// ranges returns the [start,end) line ranges of the sections named name
// (the top level for "").
func (x *tomlIndex) ranges(name string) [][2]int {
	var out [][2]int
	if name == "" {
		end := len(x.lines)
		if len(x.headers) > 0 {
			end = x.headers[0].line
		}
		return [][2]int{{0, end}}
	}
	for _, h := range x.headers {
		if h.name == name {
			out = append(out, [2]int{h.line, h.end})
		}
	}
	return out
}

// parentRanges returns the ranges of the sections that are proper
// ancestors of name, nearest first, ending with the top level.
func (x *tomlIndex) parentRanges(name string) [][2]int {
	var out [][2]int
	for name != "" {
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			name = ""
		} else {
			name = name[:i]
		}
		out = append(out, x.ranges(name)...)
	}
	return out
}

// headerLine is the 1-based line of the first header named name, or 1.
func (x *tomlIndex) headerLine(name string) int {
	for _, h := range x.headers {
		if h.name == name {
			return h.line + 1
		}
	}
	return 1
}

// search returns the first unclaimed 0-based line in rs matching, or -1.
func (x *tomlIndex) search(rs [][2]int, claimKey string, match func(string) bool) int {
	for _, r := range rs {
		for i := r[0]; i < r[1] && i < len(x.lines); i++ {
			if !x.claimed[claimKey][i] && match(x.lines[i]) {
				return i
			}
		}
	}
	return -1
}

func (x *tomlIndex) locate(section, claimKey string, match func(string) bool) int {
	all := [][2]int{{0, len(x.lines)}}
	for _, rs := range [][][2]int{x.ranges(section), x.parentRanges(section), all} {
		if i := x.search(rs, claimKey, match); i >= 0 {
			if x.claimed[claimKey] == nil {
				x.claimed[claimKey] = map[int]bool{}
			}
			x.claimed[claimKey][i] = true
			return i + 1
		}
	}
	return x.headerLine(section)
}

// stringLine locates the line of the string value s in section.
func (x *tomlIndex) stringLine(section, s string) int {
	needles := []string{`"` + s + `"`, `'` + s + `'`, `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`}
	return x.locate(section, "s\x00"+s, func(l string) bool {
		for _, n := range needles {
			if strings.Contains(l, n) {
				return true
			}
		}
		return false
	})
}

// keyLine locates the line defining key in section: "key =", a quoted key,
// or a sub-table header [section.key].
func (x *tomlIndex) keyLine(section, key string) int {
	sub := section + "." + key
	if section == "" {
		sub = key
	}
	for _, h := range x.headers {
		if h.name == sub {
			return h.line + 1
		}
	}
	lk := strings.ToLower(key)
	return x.locate(section, "k\x00"+section+"\x00"+key, func(l string) bool {
		t := strings.ToLower(strings.TrimSpace(l))
		for _, k := range []string{lk, `"` + lk + `"`, `'` + lk + `'`} {
			if rest, ok := strings.CutPrefix(t, k); ok {
				rest = strings.TrimSpace(rest)
				if strings.HasPrefix(rest, "=") || strings.HasPrefix(rest, ".") {
					return true
				}
			}
		}
		return false
	})
}

// arrayEntryLine is the 1-based line of key ("name") inside the n-th (0-based)
// [[table]] entry, or that entry's header line when the key is not found.
func (x *tomlIndex) arrayEntryLine(table string, n int, key string) int {
	k := 0
	for _, h := range x.headers {
		if h.name != table || !h.array {
			continue
		}
		if k == n {
			for i := h.line + 1; i < h.end; i++ {
				t := strings.TrimSpace(x.lines[i])
				if rest, ok := strings.CutPrefix(t, key); ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
					return i + 1
				}
			}
			return h.line + 1
		}
		k++
	}
	return 1
}
