package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

var (
	fastHashes = map[string]bool{
		"hashlib.md5": true, "hashlib.sha1": true, "hashlib.sha224": true, "hashlib.sha256": true,
		"hashlib.sha384": true, "hashlib.sha512": true, "hashlib.sha3_256": true, "hashlib.sha3_512": true,
		"hashlib.blake2b": true, "hashlib.blake2s": true, "hashlib.new": true,
	}
	passwordWordRE = namere.MustCompile(`(?i)passw(or)?d|passwd|\bpwd\b|\bpw\b|passphrase`)
	// weakPasslibSchemes are passlib schemes unfit for storing passwords.
	weakPasslibSchemes = map[string]bool{
		"md5_crypt": true, "des_crypt": true, "bsdi_crypt": true, "bigcrypt": true, "crypt16": true,
		"plaintext": true, "ldap_md5": true, "ldap_sha1": true, "ldap_plaintext": true, "hex_md5": true,
		"hex_sha1": true, "hex_sha256": true, "hex_sha512": true, "mysql323": true, "mysql41": true,
		"postgres_md5": true, "oracle10": true, "lmhash": true, "nthash": true, "apr_md5_crypt": true,
		"sun_md5_crypt": true,
	}
)

func init() {
	Register(&Rule{
		ID: "FA205", Name: "weak-password-hash", Title: "Weak password hashing",
		Category: "authentication", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{916}, OWASP: []string{apiAuth, webCrypto},
		Remediation: "Hash passwords with a slow, salted algorithm: argon2 (argon2-cffi, pwdlib) or bcrypt.",
		Doc: Doc{
			What: "Passwords hashed with a fast general-purpose hash (`hashlib.md5`, `sha1`, `sha256`, ... applied to a " +
				"value whose name says it is a password), and passlib `CryptContext` configurations whose schemes are " +
				"obsolete or not hashes at all (`md5_crypt`, `des_crypt`, `plaintext`, `ldap_sha1`, ...).",
			Why: "Fast hashes are built to be computed billions of times a second on a GPU. A leaked table of MD5 or " +
				"unsalted SHA-256 password hashes is cracked in hours; most users' passwords are recovered. Password " +
				"hashing needs a deliberately slow, salted, memory-hard function.",
			Example: "def hash_password(password: str) -> str:\n    return hashlib.md5(password.encode()).hexdigest()\n",
			Fix:     "```python\nfrom pwdlib import PasswordHash\n\npassword_hash = PasswordHash.recommended()  # argon2\nhashed = password_hash.hash(password)\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
				"https://cwe.mitre.org/data/definitions/916.html",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(keys(fastHashes)...) {
				data := arg(c.Call, 0, "data")
				name := shortQual(c.Callee)
				if c.Callee == "hashlib.new" {
					algo, _ := constStr(arg(c.Call, 0, "name"))
					name, data = algo, arg(c.Call, 1, "data")
				}
				if data == nil || !passwordWordRE.MatchString(c.Module.File.Text(data)) {
					continue
				}
				p.Report(c.Module, c.Call, "%s is computed over %s: a fast hash, cracked quickly if the hashes leak", name, exprSummary(c.Module.File, data))
			}
			for _, c := range p.Index.CallsNamed("CryptContext") {
				if !strings.HasPrefix(c.Callee, "passlib.") {
					continue
				}
				schemes, _ := stringList(p.Prog, c.Scope, keyword(c.Call, "schemes"))
				var weak []string
				for _, s := range schemes {
					if weakPasslibSchemes[s] {
						weak = append(weak, s)
					}
				}
				if len(weak) > 0 {
					var at syntax.Node = c.Call
					if v := keyword(c.Call, "schemes"); v != nil {
						at = v
					}
					p.Report(c.Module, at, "CryptContext accepts %s, unfit for storing passwords", strings.Join(weak, ", "))
				}
			}
		},
	})
}
