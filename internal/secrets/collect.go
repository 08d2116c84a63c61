package secrets

import (
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/parallel"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

// MinLength is the length under which a value is not collected: masking a
// short value everywhere would hide ordinary words and paths, and Value
// takes none shorter.
const MinLength = 8

// maxRead bounds how much of a file that is not Python is read.
const maxRead = 4 << 20

// urlCredentialRE is a URL with a user and password, anywhere in a line:
// group 1 is the password.
var urlCredentialRE = regexp.MustCompile("[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s\"'`]+:([^@/\\s\"'`]+)@")

// Maskable reports a secret value worth masking wherever it appears in a
// report: MinLength long or more, not a placeholder, and not a plain word
// ("password", "changethis"), which would hide the same word in every
// message.
func Maskable(v string) bool {
	return len(v) >= MinLength && !Placeholder(v) && !wordLike(v)
}

// Collect lists the secret values in the scanned files, sorted and without
// repeats: keys in a known format and private-key bodies in every file,
// string values given to secret-looking names in Python, passwords in
// connection URLs, and the values of secret-looking keys in .env files.
// Files are read from disk, but for the Python files whose parsed source
// is given (a file that cannot be read is skipped, as the rules skip it: nothing of
// it can be quoted). Test files are included: a secret is one wherever it
// is committed.
func Collect(files []source.File, parsed []*source.Parsed) []string {
	src := make(map[string][]byte, len(parsed))
	for _, p := range parsed {
		if p != nil && p.Syntax != nil {
			src[p.Path] = p.Syntax.Src
		}
	}
	found := make([][]string, len(files))
	parallel.For(len(files), 0, nil, func(i int) {
		f := files[i]
		add := func(v string) {
			if Maskable(v) {
				found[i] = append(found[i], v)
			}
		}
		text, ok := src[f.Path]
		if !ok {
			b, err := readHead(f)
			if err != nil {
				return
			}
			text = b
		}
		Scan(string(text), f.Kind, path.Base(f.Rel), add)
	})
	var out []string
	for _, vs := range found {
		out = append(out, vs...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Scan calls add with the secret values in the text of one file of the
// given kind and base name (duplicates included).
func Scan(text string, kind source.Kind, base string, add func(string)) {
	knownValues(text, add)
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if strings.Contains(line, "://") {
			for _, m := range urlCredentialRE.FindAllStringSubmatch(line, -1) {
				if pw := m[1]; !Placeholder(pw) && !strings.HasPrefix(pw, "$") && !strings.HasPrefix(pw, "{") {
					add(pw)
					add(m[0])
				}
			}
		}
		switch {
		case kind == source.Python:
			pythonLine(line, add)
		case kind == source.Env && strings.HasPrefix(base, ".env"):
			if key, value, ok := EnvLine(line); ok && Name(key) {
				if _, ok := Value(key, value); ok {
					add(value)
				}
			}
		}
	}
}

// pythonLine adds the string values a line of Python gives to
// secret-looking names: NAME = "v", NAME: str = "v", name="v" (a keyword
// argument), "name": "v" (a dict entry), self.name == "v".
func pythonLine(line string, add func(string)) {
	if !strings.ContainsAny(line, `"'`) {
		return
	}
	for i := 0; i < len(line); {
		if !isIdentStart(line[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(line) && (isIdentStart(line[j]) || line[j] >= '0' && line[j] <= '9') {
			j++
		}
		name := line[i:j]
		i = j
		if !containsFoldAny(name, nameWords) || !Name(name) {
			continue
		}
		if v, ok := valueAfter(line[j:]); ok {
			if _, ok := Value(name, v); ok {
				add(v)
			}
		}
	}
}

// valueAfter reads what follows a name: an optional closing quote (of a
// dict key), an optional annotation, "=", "==" or ":", and a string
// literal on the same line without escapes, whose text it returns.
func valueAfter(rest string) (string, bool) {
	k := 0
	skip := func() {
		for k < len(rest) && (rest[k] == ' ' || rest[k] == '\t') {
			k++
		}
	}
	if k < len(rest) && (rest[k] == '"' || rest[k] == '\'') {
		k++
	}
	skip()
	switch {
	case k < len(rest) && rest[k] == ':':
		k++
		skip()
		if k < len(rest) && rest[k] != '"' && rest[k] != '\'' && !isQuotePrefix(rest[k:]) {
			// An annotation: NAME: str = "v".
			for k < len(rest) && rest[k] != '=' && strings.IndexByte(annotationChars, rest[k]) >= 0 {
				k++
			}
			if k == len(rest) || rest[k] != '=' {
				return "", false
			}
			k++
		}
	case k < len(rest) && rest[k] == '=':
		k++
		if k < len(rest) && rest[k] == '=' {
			k++
		}
	default:
		return "", false
	}
	skip()
	for n := 0; n < 2 && k < len(rest) && strings.IndexByte("rRbBuU", rest[k]) >= 0; n++ {
		k++
	}
	if k == len(rest) || rest[k] != '"' && rest[k] != '\'' {
		return "", false
	}
	q := rest[k]
	k++
	end := strings.IndexByte(rest[k:], q)
	if end < 0 {
		return "", false
	}
	v := rest[k : k+end]
	if strings.ContainsAny(v, "\\\r\n\"'") {
		return "", false
	}
	return v, true
}

// annotationChars may appear in the annotation between a name and "=".
const annotationChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.[], |"

// isQuotePrefix reports a string prefix (r, b, u, rb...) and its quote.
func isQuotePrefix(s string) bool {
	for n := 0; n < 2 && n < len(s) && strings.IndexByte("rRbBuU", s[n]) >= 0; n++ {
		if n+1 < len(s) && (s[n+1] == '"' || s[n+1] == '\'') {
			return true
		}
	}
	return false
}

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

// containsFoldAny reports whether s contains one of the lower-case ASCII
// words, whatever the case of s.
func containsFoldAny(s string, words []string) bool {
	for _, w := range words {
		for i := 0; i+len(w) <= len(s); i++ {
			j := 0
			for j < len(w) && s[i+j]|0x20 == w[j] {
				j++
			}
			if j == len(w) {
				return true
			}
		}
	}
	return false
}

// readHead reads the first maxRead bytes of a file, opened through its
// scan root (regular files only).
func readHead(f source.File) ([]byte, error) {
	fh, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("reading secrets: %w", err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, maxRead))
	if err != nil {
		return nil, fmt.Errorf("reading secrets from %s: %w", f.Path, err)
	}
	return b, nil
}
