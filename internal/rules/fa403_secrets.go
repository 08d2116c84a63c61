package rules

import (
	"bufio"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
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

// testPathRE is test code by its path.
var testPathRE = namere.MustCompile(`(^|/)(tests?|testing|fixtures)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$`)

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
		if !ok || testFiles[a.Module] || !secrets.Name(a.Name) {
			continue
		}
		what, ok := secrets.Value(a.Name, v)
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
		if strings.Contains(s.Node.Value, "://") {
			if pw, ok := secrets.URLPassword(s.Node.Value); ok {
				loc := Location(s.Module, s.Node)
				if mark(loc.File, loc.Line, s.Node.Value) {
					f := p.Report(s.Module, s.Node, "a connection URL embeds a password")
					f.Secrets = []string{pw}
					f.Confidence = finding.HighConfidence
				}
				continue
			}
		}
		name, m := secrets.Known(s.Node.Value)
		if m == "" {
			continue
		}
		loc := Location(s.Module, s.Node)
		if !mark(loc.File, loc.Line, s.Node.Value) {
			continue
		}
		f := p.Report(s.Module, s.Node, "the code holds %s", name)
		f.Secrets = []string{m}
		if secrets.PrivateKeyHeader(m) {
			f.Secrets = append(f.Secrets, s.Node.Value) // the key is the block, not its header
		}
		f.Confidence = finding.HighConfidence
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
		key, value, ok := secrets.EnvLine(sc.Text())
		if !ok || !secrets.Name(key) {
			continue
		}
		what, ok := secrets.Value(key, value)
		if !ok {
			continue
		}
		f := p.ReportFile(file, n, key+"="+value, "%s in %s is a committed secret: %s", key, path.Base(file.Rel), what)
		f.Secrets = []string{value}
	}
}
