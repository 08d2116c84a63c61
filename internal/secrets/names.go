package secrets

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"
)

var (
	// nameRE are names that say they hold a secret.
	nameRE = namere.MustCompile(`(?i)(secret|passw(or)?d|passwd|(^|_)pwd$|token|api_?key|apikey|private_?key|access_?key|auth_?key|signing_?key|encryption_?key|session_?key|jwt_?key|credential|client_?secret|webhook_?key)`)
	// notNameRE are names that mention a secret but hold something else.
	notNameRE = namere.MustCompile(`(?i)((^|_)(path|endpoint|field|header|name|type|prefix|length|len|min|max|expire|expires|expiry|lifetime|ttl|algorithm|algorithms|scheme|hint|label|regex|pattern|file|cookie|policy|validator|strength|id|location|format|mode|style|chars?|count|tokenizer|tokens|hours|minutes|seconds|days)(_|$)|ur[li]$)`)
	// placeholderRE are values that stand for a secret without being one.
	placeholderRE = namere.MustCompile(`(?i)^(x+|\*+|\.+|-+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|your[-_ ].*|none|null|nil|undefined|example|placeholder|redacted|dummy|\[.*\])$`)
	// credentialURLRE is a URL with a password: its group 1.
	credentialURLRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:([^@/\s]+)@`)
)

// nameWords are the cheap test before nameRE: every name it matches
// contains one of them.
var nameWords = []string{"secret", "passw", "pwd", "token", "key", "credential"}

// Name reports a name that says it holds a secret: SECRET_KEY, password,
// api_key, client_secret; not token_url or password_min_length.
func Name(name string) bool {
	lower := strings.ToLower(name)
	return containsAny(lower, nameWords) && nameRE.MatchString(name) && !notNameRE.MatchString(name)
}

// NotName reports a name that mentions a secret but holds something else
// (its length, its header's name, its URL): the exceptions Name makes, for
// rules that recognise further secret names of their own.
func NotName(name string) bool { return notNameRE.MatchString(name) }

// Placeholder reports a value that stands for a secret without being one:
// "xxx", "<your key>", "${SECRET}", "changeme"-like markers are not, but
// "none", "example" and "redacted" are.
func Placeholder(v string) bool { return placeholderRE.MatchString(v) }

// URLPassword returns the password a URL embeds (scheme://user:pass@host),
// unless it is a placeholder or a variable reference.
func URLPassword(url string) (string, bool) {
	if !strings.Contains(url, "://") {
		return "", false
	}
	m := credentialURLRE.FindStringSubmatch(url)
	if m == nil || placeholderRE.MatchString(m[1]) || strings.HasPrefix(m[1], "$") {
		return "", false
	}
	return m[1], true
}

// Value reports whether a string value given to a secret-looking name is
// a real secret rather than a placeholder, a path, a word or the name of
// an environment variable, and describes it ("a random-looking string of
// 32 characters", "a URL with an embedded password").
func Value(name, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if len(v) < 4 || placeholderRE.MatchString(v) || strings.EqualFold(v, name) {
		return "", false
	}
	if strings.Contains(v, "://") {
		if _, ok := URLPassword(v); ok {
			return "a URL with an embedded password", true
		}
		return "", false // a URL without credentials
	}
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || isEnvName(v) {
		return "", false // a path, or the name of an environment variable
	}
	if len(v) < 8 || wordLike(v) {
		return "", false // "LDAP", "mealie", "changethis": markers, defaults and dummies, not keys
	}
	return describe(v), true
}

// Random reports a value Value describes as random-looking: long and of
// high entropy.
func Random(v string) bool {
	return len([]rune(v)) >= 20 && Entropy(v) >= 3.5
}

// wordLike reports short values made of letters only (and separators): the
// markers and dummies that secret-named fields hold in real code.
func wordLike(v string) bool {
	if len(v) >= 16 {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == ' ') {
			return false
		}
	}
	return true
}

// isEnvName reports values like "SECRET_KEY": the name of a variable to
// read, not a secret.
func isEnvName(v string) bool {
	for _, c := range v {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return strings.Contains(v, "_")
}

func describe(v string) string {
	n := len([]rune(v))
	if Random(v) {
		return "a random-looking string of " + strconv.Itoa(n) + " characters"
	}
	return "a string literal of " + strconv.Itoa(n) + " characters"
}

// Entropy is the Shannon entropy of a string in bits per character.
func Entropy(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	var h float64
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// EnvLine reads one line of a .env file: KEY=value, with `export `, quotes
// and a trailing ` # comment` removed. ok is false for blank lines,
// comments and lines without "=".
func EnvLine(line string) (key, value string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", "", false
	}
	line = strings.TrimPrefix(line, "export ")
	key, value, ok = strings.Cut(line, "=")
	if !ok {
		return "", "", false
	}
	value = strings.TrimSpace(value)
	if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	return strings.TrimSpace(key), strings.Trim(value, `"'`), true
}
