package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

func init() {
	Register(&Rule{
		ID: "FA202", Name: "jwt-algorithms", Title: "JWT algorithms not pinned",
		Category: "authentication", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{327}, OWASP: []string{apiAuth, webCrypto},
		Remediation: "Pass algorithms=[\"<the one you sign with>\"] to decode; never allow \"none\" or mix HMAC with public-key algorithms.",
		Doc: Doc{
			What: "JWT decoding without an `algorithms` list, lists that allow `none`, lists that mix HMAC (`HS*`) with " +
				"public-key algorithms (`RS*`, `ES*`, `PS*`), and tokens signed with `algorithm=\"none\"`.",
			Why: "The token's header names its algorithm, and the attacker writes the header. Without a pinned list a " +
				"library may accept `none` (no signature) or verify an HS256 token with the RSA public key as the HMAC " +
				"secret (algorithm confusion): either way the attacker signs their own tokens.",
			Example: "payload = jwt.decode(token, PUBLIC_KEY, algorithms=[\"RS256\", \"HS256\"])\n",
			Fix:     "```python\npayload = jwt.decode(token, PUBLIC_KEY, algorithms=[\"RS256\"])\n```",
			References: []string{
				"https://pyjwt.readthedocs.io/en/stable/algorithms.html",
				"https://portswigger.net/web-security/jwt/algorithm-confusion",
			},
		},
		Check: func(p *Pass) {
			for _, c := range p.Index.CallsTo(jwtDecodes...) {
				if v := dictEntry(p, c.Scope, keyword(c.Call, "options"), "verify_signature"); v != nil && isFalse(v) {
					continue // FA201
				}
				algs := keyword(c.Call, "algorithms")
				if algs == nil && len(c.Call.Args) >= 3 {
					algs = c.Call.Args[2]
				}
				if algs == nil {
					if hasSplat(c.Call) {
						continue
					}
					p.Report(c.Module, c.Call, "%s() without algorithms= lets the token's header choose the algorithm", c.Callee)
					continue
				}
				list, _ := stringList(p.Prog, c.Scope, algs)
				sym, asym := false, false
				for _, a := range list {
					switch {
					case strings.EqualFold(a, "none"):
						p.Report(c.Module, algs, "%s() allows the \"none\" algorithm: unsigned tokens are accepted", c.Callee)
					case isSymmetric(a):
						sym = true
					case isAsymmetric(a):
						asym = true
					}
				}
				if sym && asym {
					p.Report(c.Module, algs, "%s() allows both HMAC and public-key algorithms (%s): algorithm confusion", c.Callee, strings.Join(list, ", "))
				}
			}
			for _, c := range p.Index.CallsTo(jwtEncodes...) {
				alg := keyword(c.Call, "algorithm")
				if alg == nil && len(c.Call.Args) >= 3 {
					alg = c.Call.Args[2]
				}
				if v, _ := resolveValue(p.Prog, c.Scope, alg); v != nil {
					if s, ok := constStr(v); ok && strings.EqualFold(s, "none") {
						p.Report(c.Module, alg, "%s() with algorithm \"none\" makes unsigned tokens", c.Callee)
					}
				}
			}
		},
	})
}
