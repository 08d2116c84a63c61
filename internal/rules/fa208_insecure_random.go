package rules

import (
	"regexp"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

var (
	randomCalls = map[string]bool{
		"random.random": true, "random.randint": true, "random.randrange": true, "random.choice": true,
		"random.choices": true, "random.sample": true, "random.getrandbits": true, "random.shuffle": true,
		"random.uniform": true, "random.randbytes": true,
	}
	securityValueRE = regexp.MustCompile(`(?i)token|secret|passw|otp|\bcode\b|_code|code_|nonce|salt|(api|secret|private|signing|access|session)_?key|session|reset|csrf|verification|verify|invite|magic|auth|\bpin\b`)
)

func init() {
	Register(&Rule{
		ID: "FA208", Name: "insecure-randomness", Title: "Insecure randomness for a security value",
		Category: "authentication", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{330}, OWASP: []string{apiAuth, webCrypto},
		Remediation: "Generate security values with the secrets module (secrets.token_urlsafe, secrets.choice, secrets.randbelow).",
		Doc: Doc{
			What: "Values from the `random` module used where the surrounding code names a security value: tokens, " +
				"passwords, one-time codes, nonces, salts, session or reset identifiers, API keys.",
			Why: "`random` is a Mersenne Twister: after observing 624 outputs an attacker can predict every later one, and " +
				"seeds are often guessable. Password-reset codes, invitation tokens and session identifiers made with it " +
				"can be predicted and account takeover follows.",
			Example: "def make_reset_code() -> str:\n    return \"\".join(random.choice(string.digits) for _ in range(6))\n",
			Fix:     "```python\nimport secrets\n\ndef make_reset_code() -> str:\n    return \"\".join(secrets.choice(string.digits) for _ in range(6))\n```",
			References: []string{
				"https://docs.python.org/3/library/secrets.html",
				"https://cwe.mitre.org/data/definitions/330.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(keys(randomCalls)...) {
				if isTestPath(c.Module.Rel) {
					continue
				}
				// The statement line names what the value is for.
				context := c.Module.File.LineText(c.Module.File.Line(c.Call.Pos()))
				if c.Func != nil {
					context += " " + c.Func.Node.Name.Name
				}
				if m := securityValueRE.FindString(context); m != "" {
					p.Report(c.Module, c.Call, "%s() is predictable but makes a security value (%q in the surrounding code)", c.Callee, m)
				}
			}
		},
	})
}
