package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

// JWT libraries' entry points, by qualified name.
var (
	jwtDecodes = []string{"jwt.decode", "jwt.api_jwt.decode", "jwt.decode_complete", "jwt.PyJWT.decode", "jose.jwt.decode", "jose.jws.verify"}
	jwtEncodes = []string{"jwt.encode", "jwt.api_jwt.encode", "jwt.PyJWT.encode", "jose.jwt.encode", "jose.jws.sign"}
)

// dictEntry returns the value of a string key in a dict display (following
// a name bound once), or nil.
func dictEntry(p *Pass, s *semantic.Scope, e syntax.Expr, key string) syntax.Expr {
	e, _ = resolveValue(p.Prog, s, e)
	switch d := e.(type) {
	case *syntax.Dict:
		for i, k := range d.Keys {
			if v, ok := constStr(k); ok && v == key {
				return d.Values[i]
			}
		}
	case *syntax.Call:
		// dict(verify_signature=False)
		if p.Prog.Qualify(s, d.Func) == "dict" {
			return keyword(d, key)
		}
	}
	return nil
}

// isSymmetric reports HMAC algorithms, whose key is a shared secret.
func isSymmetric(alg string) bool { return strings.HasPrefix(strings.ToUpper(alg), "HS") }

// isAsymmetric reports public-key algorithms.
func isAsymmetric(alg string) bool {
	a := strings.ToUpper(alg)
	return strings.HasPrefix(a, "RS") || strings.HasPrefix(a, "ES") || strings.HasPrefix(a, "PS") || a == "EDDSA"
}
