package rules

import (
	"bufio"
	"math"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/source"
)

func init() {
	Register(&Rule{
		ID: "FA403", Name: "hard-coded-secret", Title: "Hard-coded secret",
		Category: "exposure", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{798}, OWASP: []string{apiMisconfig, webAuth},
		Remediation: "Read secrets from the environment or a secret manager at start-up, rotate the exposed value, and remove it from the repository history.",
		Doc: Doc{
			What: "String literals assigned to secret-looking names (`SECRET_KEY`, `password`, `api_key`, `client_secret`, " +
				"keyword arguments and dict keys included), connection URLs with an embedded password, values in a known " +
				"key format anywhere in the code (AWS, GitHub, Slack, Stripe, Google, OpenAI, SendGrid keys, private key " +
				"blocks, JSON Web Tokens), and secrets in `.env` files. Test files are skipped; reported values are " +
				"redacted in every output.",
			Why: "A secret in the repository is known to everyone with read access, now and in every clone and backup, " +
				"and to anyone the code leaks to. Signing keys let attackers mint valid tokens; passwords and API keys " +
				"give them the accounts they protect.",
			Example: "class Settings(BaseSettings):\n    SECRET_KEY: str = \"9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c\"\n",
			Fix: "```python\nclass Settings(BaseSettings):\n    SECRET_KEY: SecretStr  # required: read from the environment\n```\n\n" +
				"Then rotate the exposed secret: removing it from the code does not remove it from history.",
			References: []string{
				"https://cwe.mitre.org/data/definitions/798.html",
				"https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
			},
		},
		Check: checkSecrets,
	})
}

var (
	secretNameRE = namere.MustCompile(`(?i)(secret|passw(or)?d|passwd|(^|_)pwd$|token|api_?key|apikey|private_?key|access_?key|auth_?key|signing_?key|encryption_?key|session_?key|jwt_?key|credential|client_?secret|webhook_?key)`)
	// notSecretNameRE are names that mention a secret but hold something else.
	notSecretNameRE = namere.MustCompile(`(?i)((^|_)(path|endpoint|field|header|name|type|prefix|length|len|min|max|expire|expires|expiry|lifetime|ttl|algorithm|algorithms|scheme|hint|label|regex|pattern|file|cookie|policy|validator|strength|id|location|format|mode|style|chars?|count|tokenizer|tokens|hours|minutes|seconds|days)(_|$)|ur[li]$)`)
	placeholderRE   = namere.MustCompile(`(?i)^(x+|\*+|\.+|-+|<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s|your[-_ ].*|none|null|nil|undefined|example|placeholder|redacted|dummy|\[.*\])$`)
	credentialURLRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:([^@/\s]+)@`)
	// knownKeyRE are key formats; hint is a literal every match contains,
	// checked first because most strings contain none.
	knownKeyRE = []struct {
		name  string
		hints []string
		re    *regexp.Regexp
	}{
		{"an AWS access key id", []string{"AKIA", "ASIA"}, regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"a GitHub token", []string{"gh"}, regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{36,}\b`)},
		{"a Slack token", []string{"xox"}, regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
		{"a Stripe secret key", []string{"k_live_"}, regexp.MustCompile(`\b[rs]k_live_[0-9a-zA-Z]{16,}`)},
		{"a Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
		{"an OpenAI API key", []string{"T3BlbkFJ"}, regexp.MustCompile(`\bsk-(proj-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}`)},
		{"a SendGrid API key", []string{"SG."}, regexp.MustCompile(`\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b`)},
		{"a private key", []string{"PRIVATE KEY"}, regexp.MustCompile(`-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----`)},
		{"a JSON Web Token", []string{"eyJ"}, regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
	}
	testPathRE = namere.MustCompile(`(^|/)(tests?|testing|fixtures)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$`)
)

// secretWords are the cheap test before secretNameRE: every name it
// matches contains one of them.
var secretWords = []string{"secret", "passw", "pwd", "token", "key", "credential"}

// secretName reports a name that says it holds a secret.
func secretName(name string) bool {
	lower := strings.ToLower(name)
	return containsAny(lower, secretWords) && secretNameRE.MatchString(name) && !notSecretNameRE.MatchString(name)
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// secretValue reports whether a literal assigned to a secret-looking name
// is a real value rather than a placeholder, and what it is.
func secretValue(name, value string) (string, bool) {
	v := strings.TrimSpace(value)
	if len(v) < 4 || placeholderRE.MatchString(v) || strings.EqualFold(v, name) {
		return "", false
	}
	if strings.Contains(v, "://") {
		if m := credentialURLRE.FindStringSubmatch(v); m != nil && !placeholderRE.MatchString(m[1]) && !strings.HasPrefix(m[1], "$") {
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
	return describeSecret(v), true
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

func describeSecret(v string) string {
	n := len([]rune(v))
	if entropy(v) >= 3.5 && n >= 20 {
		return "a random-looking string of " + strconv.Itoa(n) + " characters"
	}
	return "a string literal of " + strconv.Itoa(n) + " characters"
}

// entropy is the Shannon entropy of a string in bits per character.
func entropy(s string) float64 {
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

// isTestPath reports test code by its path; rules ask for every node, so
// answers are kept per path.
func isTestPath(rel string) bool {
	if v, ok := testPaths.Load(rel); ok {
		return v.(bool)
	}
	test := testPathRE.MatchString(path.Clean("/" + rel)[1:])
	testPaths.Store(rel, test)
	return test
}

// testPaths caches isTestPath.
var testPaths sync.Map

func checkSecrets(p *Pass) {
	reported := map[string]bool{} // file:line:value, so a value is reported once
	mark := func(file string, line int, v string) bool {
		k := file + ":" + strconv.Itoa(line) + ":" + v
		if reported[k] {
			return false
		}
		reported[k] = true
		return true
	}
	testFiles := map[*semantic.Module]bool{}
	for _, m := range p.Prog.Modules {
		testFiles[m] = isTestPath(m.Rel)
	}
	for _, a := range p.Index.Assigns {
		v, ok := constStr(a.Value)
		if !ok || testFiles[a.Module] || !secretName(a.Name) {
			continue
		}
		what, ok := secretValue(a.Name, v)
		if !ok {
			continue
		}
		loc := Location(a.Module, a.Value)
		if !mark(loc.File, loc.Line, v) {
			continue
		}
		f := p.Report(a.Module, a.Value, "%s is hard-coded: %s", a.Name, what)
		f.Secrets = []string{v}
		if strings.HasPrefix(what, "a random-looking") || strings.HasPrefix(what, "a URL") {
			f.Confidence = finding.HighConfidence
		}
	}
	for _, s := range p.Index.Strings {
		if testFiles[s.Module] {
			continue
		}
		if !strings.Contains(s.Node.Value, "://") {
			// not a URL
		} else if m := credentialURLRE.FindStringSubmatch(s.Node.Value); m != nil && !placeholderRE.MatchString(m[1]) && !strings.HasPrefix(m[1], "$") {
			loc := Location(s.Module, s.Node)
			if mark(loc.File, loc.Line, s.Node.Value) {
				f := p.Report(s.Module, s.Node, "a connection URL embeds a password")
				f.Secrets = []string{m[1], s.Node.Value}
				f.Confidence = finding.HighConfidence
			}
			continue
		}
		for _, k := range knownKeyRE {
			if !containsAny(s.Node.Value, k.hints) {
				continue
			}
			m := k.re.FindString(s.Node.Value)
			if m == "" {
				continue
			}
			loc := Location(s.Module, s.Node)
			if !mark(loc.File, loc.Line, s.Node.Value) {
				break
			}
			f := p.Report(s.Module, s.Node, "the code holds %s", k.name)
			f.Secrets = []string{m, s.Node.Value}
			f.Confidence = finding.HighConfidence
			break
		}
	}
	for _, file := range p.Files {
		if file.Kind == source.Env && strings.HasPrefix(path.Base(file.Rel), ".env") {
			envSecrets(p, file)
		}
	}
}

// envSecrets reports KEY=value lines of a .env file whose key looks secret
// and whose value is real.
func envSecrets(p *Pass, file source.File) {
	fh, err := file.Open()
	if err != nil {
		return
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key = strings.TrimSpace(key)
		value = strings.TrimSpace(value)
		if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
		value = strings.Trim(value, `"'`)
		if !secretName(key) {
			continue
		}
		what, ok := secretValue(key, value)
		if !ok {
			continue
		}
		f := p.ReportFile(file, n, key+"="+value, "%s in %s is a committed secret: %s", key, path.Base(file.Rel), what)
		f.Secrets = []string{value}
	}
}
