package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// minHMACKey is the shortest HMAC key, in bytes, that FA203 accepts: the
// length of SHA-256's output, as RFC 7518 requires for HS256.
const minHMACKey = 32

func init() {
	Register(&Rule{
		ID: "FA203", Name: "jwt-weak-key", Title: "Hard-coded, default or short JWT signing key",
		Category: "authentication", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{321}, OWASP: []string{apiAuth, webCrypto},
		Remediation: "Load a random key of at least 32 bytes from the environment (no default), e.g. secrets.token_urlsafe(32) generated once and stored as a secret.",
		Doc: Doc{
			What: "The key given to `jwt.encode`/`jwt.decode` (PyJWT, python-jose) is a string literal, a constant, or " +
				"the default value of a settings field, or it is shorter than 32 bytes.",
			Why: "Whoever knows the signing key can mint tokens for any user and role. Keys in the code are known to " +
				"everyone who can read it; default keys in settings classes silently stay in production when the " +
				"environment variable is missing; short HMAC keys are brute-forced offline from a single token.",
			Example: "SECRET_KEY = \"secret\"\ntoken = jwt.encode(claims, SECRET_KEY, algorithm=\"HS256\")\n",
			Fix:     "```python\nclass Settings(BaseSettings):\n    SECRET_KEY: SecretStr  # required, no default\n\ntoken = jwt.encode(claims, settings.SECRET_KEY.get_secret_value(), algorithm=\"HS256\")\n```",
			References: []string{
				"https://www.rfc-editor.org/rfc/rfc7518#section-3.2",
				"https://cwe.mitre.org/data/definitions/321.html",
			},
		},
		Check: func(p *Pass) {
			calls := append(p.Index.CallsTo(jwtEncodes...), p.Index.CallsTo(jwtDecodes...)...)
			seen := map[string]bool{} // one finding per key: its first use
			for _, c := range calls {
				key := arg(c.Call, 1, "key")
				if key == nil {
					continue
				}
				val, ok := p.Model.ConstString(c.Scope, key)
				if !ok {
					continue
				}
				if seen[val] {
					continue
				}
				seen[val] = true
				kind := "hard-coded"
				if _, isAttr := key.(*syntax.Attribute); isAttr {
					if dm := p.Model.ModelOf(p.Prog.TypeOf(c.Scope, key.(*syntax.Attribute).Value)); dm != nil && dm.Settings {
						kind = "the settings default"
					}
				}
				var f *finding.Finding
				switch {
				case len(val) < minHMACKey && kind == "hard-coded":
					f = p.Report(c.Module, key, "%s() uses a hard-coded key of %d bytes (under %d): anyone who reads the code, or brute-forces a token, can mint tokens", c.Callee, len(val), minHMACKey)
				case len(val) < minHMACKey:
					f = p.Report(c.Module, key, "%s() uses %s as its key, a constant of %d bytes (under %d), used whenever the environment does not set it", c.Callee, kind, len(val), minHMACKey)
				case kind == "hard-coded":
					f = p.Report(c.Module, key, "%s() uses a hard-coded key: anyone who reads the code can mint tokens", c.Callee)
				default:
					f = p.Report(c.Module, key, "%s() uses %s as its key, a constant used whenever the environment does not set it", c.Callee, kind)
				}
				f.Secrets = []string{val}
			}
		},
	})
}
