package rules

import (
	"path"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// unmaintained maps security libraries no longer maintained to what
// replaces them.
var unmaintained = map[string]string{
	"python-jose":      "PyJWT or joserfc (python-jose went years without a release and has had algorithm-confusion and DoS advisories, CVE-2024-33663 and CVE-2024-33664)",
	"pycrypto":         "pycryptodome or cryptography (PyCrypto has been abandoned since 2013 with known memory-corruption bugs)",
	"passlib":          "pwdlib, argon2-cffi or bcrypt (passlib has had no release since 2020 and fails to read the version of current bcrypt releases)",
	"oauth2client":     "google-auth (oauth2client is deprecated by Google)",
	"fastapi-jwt-auth": "authx or PyJWT (fastapi-jwt-auth has been unmaintained since 2021)",
	"python-jwt":       "PyJWT or joserfc (python_jwt is deprecated by its author)",
	"flask-jwt":        "PyJWT (Flask-JWT has been abandoned since 2015)",
}

func init() {
	Register(&Rule{
		ID: "FA803", Name: "unmaintained-security-library", Title: "Unmaintained security library",
		Category: "dependencies", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{1104}, OWASP: []string{webComponents, apiAuth},
		Remediation: "Move to the maintained replacement named in the finding.",
		Doc: Doc{
			What: "A dependency on a security library that is no longer maintained: python-jose, pycrypto, passlib, " +
				"oauth2client, fastapi-jwt-auth, python-jwt, Flask-JWT; declared directly or locked as a transitive " +
				"dependency.",
			Why: "Token, password and cryptography code is where vulnerabilities matter most. An abandoned library gets " +
				"no fixes when its next flaw is published, and it pins its users to old versions of everything around it.",
			Example: "python-jose[cryptography]==3.3.0\npasslib[bcrypt]==1.7.4\n",
			Fix:     "```text\npyjwt==2.10.1\npwdlib[argon2]==0.2.1\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/1104.html",
				"https://pypi.org/project/python-jose/",
			},
		},
		Check: func(p *Pass) {
			done := map[string]bool{}
			direct := map[string][]string{} // name -> directories of manifests (not locks) declaring it
			for _, d := range p.Dependencies() {
				if !d.Locked {
					direct[d.Name] = append(direct[d.Name], path.Dir(d.Source.Rel))
				}
			}
			// declaredUnder reports a manifest in dir or below it (a
			// workspace member) that declares the package.
			declaredUnder := func(name, dir string) bool {
				for _, m := range direct[name] {
					if dir == "." || m == dir || strings.HasPrefix(m, dir+"/") {
						return true
					}
				}
				return false
			}
			for _, d := range p.Dependencies() {
				instead := unmaintained[d.Name]
				if instead == "" || d.Constraint || done[d.Source.Rel+"\x00"+d.Name] {
					continue
				}
				done[d.Source.Rel+"\x00"+d.Name] = true
				how := "depends on"
				if d.Locked {
					if declaredUnder(d.Name, path.Dir(d.Source.Rel)) {
						continue // reported where the manifest declares it
					}
					how = "locks, as a transitive dependency,"
				}
				p.ReportFile(d.Source, d.Line, d.Raw, "%s %s %s, which is no longer maintained: use %s", d.Source.Rel, how, d.Name, instead)
			}
		},
	})
}
