package rules

import (
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/secrets"
)

// minComparedSecret is the shortest literal FA206 takes for a hard-coded
// secret when a secret is compared to one: shorter ones are markers.
const minComparedSecret = 10

var (
	// timingSecretRE are the secrets secrets.Name does not name:
	// signatures, MACs, one-time and reset codes, CSRF tokens.
	timingSecretRE = namere.MustCompile(`(^|_)(signature|hmac|otp|totp|hotp|csrf|xsrf|passcode|pin)(_|$)|(^|_)(reset|verification|verify|confirm|confirmation|activation|invite|invitation|recovery|backup|mfa|otp|sms|magic|login|auth)_code(_|$)`)
	// timingNotSecretRE are names that mention a secret but hold a flag, a
	// hash or metadata: comparing them leaks nothing worth having.
	timingNotSecretRE = namere.MustCompile(`hash|^(is|has|should|use|enable|enabled|allow|require|requires|verify|validate|check|valid|invalid|num|n)_|_(enabled|required|valid|verified|configured|exists|present|changed|at|date|time|version|status|state|kind|source|method|algo|alg|provider|backend|class|kid|size|address|addr|fingerprint|obj|object|func|fn)$`)
	// confirmationRE are values compared with their confirmation: both come
	// from the same user.
	confirmationRE = namere.MustCompile(`(^|_)(confirm|confirmation|confirmed|repeat|repeated|again|retype|retyped)(_|$)|^(password|passwd|pwd|pw|pass)_?2$`)
	// identifierRE are literals spelled as identifiers: token kinds, states.
	identifierRE = namere.MustCompile(`^([a-z]+(_[a-z]+)+|[A-Z]+(_[A-Z]+)+)$`)
	// producingVerbRE are the prefixes of functions that return the value
	// they name: get_api_key(), compute_signature().
	producingVerbRE = regexp.MustCompile(`^(get|compute|calc|calculate|make|generate|gen|create|build|sign|expected|load|read|fetch)_`)
	// passThroughMethods return their receiver's value in another form.
	passThroughMethods = map[string]bool{
		"encode": true, "decode": true, "strip": true, "lstrip": true, "rstrip": true, "lower": true,
		"upper": true, "casefold": true, "get_secret_value": true,
	}
	// keyedGetters read a value by the key of their first argument.
	keyedGetters = map[string]bool{"get": true, "getenv": true, "getheader": true, "get_header": true, "pop": true}
	// queryCalls build database queries: comparisons in their arguments are
	// SQL expressions, evaluated by the database.
	queryCalls = map[string]bool{
		"filter": true, "filter_by": true, "where": true, "having": true, "and_": true, "or_": true, "not_": true,
		"join": true, "outerjoin": true, "select": true, "exclude": true, "find": true, "find_one": true, "Q": true,
	}
)

func init() {
	Register(&Rule{
		ID: "FA206", Name: "timing-unsafe-compare", Title: "Timing-unsafe comparison of secrets",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{208}, OWASP: []string{apiAuth, webCrypto},
		Remediation: "Compare secrets with hmac.compare_digest or secrets.compare_digest, which take the same time wherever the values differ.",
		Doc: Doc{
			What: "`==` and `!=` comparisons in functions where one side is a secret (an API key, token, password, " +
				"signature, one-time or reset code, CSRF token: a name, attribute, `headers[\"X-API-Key\"]` lookup or " +
				"`get_api_key()` call that says so, or a digest made with the `hmac` module) and the other side is a value " +
				"that is not a constant, or a hard-coded secret. Comparisons with `None`, empty strings and other literals " +
				"that are not secrets, lengths, flags, password hashes, identifiers, names and types, password " +
				"confirmations, database query expressions, comparisons in `__eq__` methods and pydantic validators, and " +
				"test files are not reported.",
			Why: "String equality stops at the first byte that differs, so a wrong guess with a correct prefix takes a " +
				"little longer to reject than one without. Measuring response times over many requests, an attacker " +
				"recovers an API key, webhook signature or reset code one byte at a time instead of guessing it whole.",
			Example: "def verify_api_key(api_key: str = Security(api_key_header)) -> None:\n" +
				"    if api_key != settings.INTERNAL_API_KEY:\n" +
				"        raise HTTPException(status_code=401)\n",
			Fix: "```python\nimport hmac\n\ndef verify_api_key(api_key: str = Security(api_key_header)) -> None:\n" +
				"    if not hmac.compare_digest(api_key.encode(), settings.INTERNAL_API_KEY.encode()):\n" +
				"        raise HTTPException(status_code=401)\n```\n\n" +
				"Passwords are not compared at all: store a slow hash and check it with the hashing library " +
				"(`password_hash.verify(password, user.hashed_password)`).",
			References: []string{
				"https://docs.python.org/3/library/hmac.html#hmac.compare_digest",
				"https://cwe.mitre.org/data/definitions/208.html",
			},
		},
		Check: checkTimingCompare,
	})
}

func checkTimingCompare(p *Pass) {
	for _, mod := range p.Prog.Modules {
		if isTestPath(mod.Rel) {
			continue
		}
		var queries []syntax.Node // query calls seen so far, in source order
		syntax.InspectFile(mod.File, func(n syntax.Node) bool {
			switch n := n.(type) {
			case *syntax.Call:
				if queryCalls[n.CalleeName()] {
					queries = append(queries, n)
				}
			case *syntax.Compare:
				checkCompare(p, mod, n, queries)
			}
			return true
		})
	}
}

// checkCompare reports the == and != links of a comparison chain that
// compare a secret.
func checkCompare(p *Pass, mod *semantic.Module, cmp *syntax.Compare, queries []syntax.Node) {
	left := cmp.Left
	for i, op := range cmp.Ops {
		right := cmp.Comparators[i]
		if op == syntax.Eq || op == syntax.NotEq {
			checkSecretPair(p, mod, cmp, left, right, op, queries)
		}
		left = right
	}
}

func checkSecretPair(p *Pass, mod *semantic.Module, cmp *syntax.Compare, l, r syntax.Expr, op syntax.CmpOperator, queries []syntax.Node) {
	fn := p.enclosingFunc(mod, cmp.Pos())
	if fn == nil || skipsTimingCheck(fn) {
		return
	}
	ln, rn := secretOperand(p, fn.Scope, l), secretOperand(p, fn.Scope, r)
	ls, rs := timingSecret(ln), timingSecret(rn)
	if !ls && !rs {
		return
	}
	for _, q := range queries {
		if q.Pos() <= cmp.Pos() && cmp.End() <= q.End() {
			return // a SQL expression
		}
	}
	if hashOrConfirmation(ln) || hashOrConfirmation(rn) {
		return
	}
	opText := "=="
	if op == syntax.NotEq {
		opText = "!="
	}
	// A secret against a literal: only a hard-coded secret is worth reporting.
	for _, side := range [][2]syntax.Expr{{l, r}, {r, l}} {
		secret, other := side[0], side[1]
		v, isConst := constOperand(p, fn.Scope, other)
		if !isConst {
			continue
		}
		name := ln
		if secret == r {
			name = rn
		}
		if !timingSecret(name) {
			return
		}
		if _, real := secrets.Value(name, v); !real || len(v) < minComparedSecret || identifierRE.MatchString(v) {
			return
		}
		f := p.Report(mod, cmp, "%s is compared to a hard-coded secret with %s, which returns at the first differing byte: an attacker can recover the value byte by byte from response times",
			exprSummary(mod.File, secret), opText)
		f.Secrets = []string{v}
		return
	}
	if constantName(l) && !ls || constantName(r) && !rs {
		return // SIGINT, _ffi.NULL, Token.Literal: a constant or a class
	}
	if lr, rr := rootName(l), rootName(r); lr != "" && lr == rr && !isName(l) && !isName(r) {
		return // two fields of one object: whoever supplied one knows the other
	}
	if classRooted(p, fn.Scope, l) || classRooted(p, fn.Scope, r) {
		return // an ORM column expression
	}
	// The side the attacker does not supply is the one they recover.
	input, stored := l, r
	if paramRooted(fn, r) && !paramRooted(fn, l) {
		input, stored = r, l
	}
	p.Report(mod, cmp, "%s is compared to %s with %s, which returns at the first differing byte: an attacker can recover %s byte by byte from response times",
		exprSummary(mod.File, input), exprSummary(mod.File, stored), opText, exprSummary(mod.File, stored))
}

// skipsTimingCheck reports functions whose comparisons check no credential:
// __eq__ and kin, and pydantic validators (both sides come from one input).
func skipsTimingCheck(fn *semantic.Function) bool {
	name := fn.Node.Name.Name
	if strings.HasPrefix(name, "__") && strings.HasSuffix(name, "__") {
		return true
	}
	for _, d := range fn.Node.Decorators {
		dn := exprName(d)
		if c, ok := d.(*syntax.Call); ok {
			dn = c.CalleeName()
		}
		if strings.HasSuffix(strings.ToLower(dn), "validator") {
			return true
		}
	}
	return false
}

// timingSecret reports a name that says its value is a secret.
func timingSecret(name string) bool {
	if name == "" {
		return false
	}
	n := snakeName(name)
	if timingNotSecretRE.MatchString(n) {
		return false
	}
	return secrets.Name(n) || timingSecretRE.MatchString(n) && !secrets.NotName(n)
}

// hashOrConfirmation reports names of password hashes and of confirmation
// fields.
func hashOrConfirmation(name string) bool {
	n := snakeName(name)
	return strings.Contains(n, "hash") || confirmationRE.MatchString(n)
}

// snakeName lowers a name and spells it with underscores: apiKey,
// X-API-Key -> api_key, x_api_key.
func snakeName(s string) string {
	var b strings.Builder
	prevLower := false
	for _, c := range s {
		switch {
		case c >= 'A' && c <= 'Z':
			if prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(c + 'a' - 'A')
			prevLower = false
		case c == '-' || c == ' ' || c == '.':
			b.WriteByte('_')
			prevLower = false
		default:
			b.WriteRune(c)
			prevLower = c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
		}
	}
	return b.String()
}

// secretOperand is operandName, or for a variable whose name says nothing,
// what its value says: expected for expected = hmac.new(...).hexdigest().
func secretOperand(p *Pass, s *semantic.Scope, e syntax.Expr) string {
	n := operandName(e)
	if _, isName := e.(*syntax.Name); !isName || timingSecret(n) {
		return n
	}
	if v, _ := resolveValue(p.Prog, s, e); v != e {
		if c, ok := v.(*syntax.Call); ok && producingVerbRE.MatchString(strings.ToLower(c.CalleeName())) {
			return n // word = lexer.get_token(): too weak a sign at one remove
		}
		if vn := operandName(v); timingSecret(vn) {
			return vn
		}
	}
	return n
}

// operandName is the name that says what a compared value holds: a
// variable's or attribute's name, the constant key of a subscript or get(),
// what a call computes (get_api_key(), hmac....hexdigest()), the secret
// part of a concatenation or f-string. It is "" when nothing says.
func operandName(e syntax.Expr) string {
	for range 8 {
		switch x := e.(type) {
		case *syntax.Name:
			return x.ID
		case *syntax.Attribute:
			return x.Attr.Name
		case *syntax.Await:
			e = x.Value
			continue
		case *syntax.Subscript:
			if k, ok := constStr(x.Slice); ok {
				return k
			}
			if _, ok := x.Slice.(*syntax.Slice); ok {
				return "" // a prefix or a part, as parsers compare
			}
			e = x.Value
			continue
		case *syntax.BinOp:
			if n := operandName(x.Left); timingSecret(n) {
				return n
			}
			return operandName(x.Right)
		case *syntax.JoinedStr:
			for _, v := range x.Values {
				if fv, ok := v.(*syntax.FormattedValue); ok {
					if n := operandName(fv.Value); timingSecret(n) {
						return n
					}
				}
			}
			return ""
		case *syntax.Call:
			name := x.CalleeName()
			switch {
			case passThroughMethods[name]:
				if a, ok := x.Func.(*syntax.Attribute); ok {
					e = a.Value
					continue
				}
				return ""
			case name == "str" || name == "bytes":
				if len(x.Args) == 1 {
					e = x.Args[0]
					continue
				}
				return ""
			case keyedGetters[name]:
				if k, ok := constStr(arg(x, 0, "key")); ok {
					return k
				}
				return ""
			case name == "digest" || name == "hexdigest":
				if a, ok := x.Func.(*syntax.Attribute); ok && macChain(a.Value) {
					return "hmac" // a MAC; plain hashes are checksums
				}
				return ""
			}
			if m := producingVerbRE.FindString(strings.ToLower(name)); m != "" {
				return name[len(m):]
			}
			return ""
		}
		return ""
	}
	return ""
}

// macChain reports an expression built by the hmac module: hmac.new(...),
// hmac.HMAC(...) or a name bound to one.
func macChain(e syntax.Expr) bool {
	if rootName(e) == "hmac" {
		return true
	}
	if c, ok := e.(*syntax.Call); ok {
		return strings.EqualFold(c.CalleeName(), "hmac")
	}
	return false
}

// constOperand reports a compared value that is a constant (None, a
// number, a string, a display, or a name bound once to one), with its text
// when it is a string.
func constOperand(p *Pass, s *semantic.Scope, e syntax.Expr) (string, bool) {
	if _, ok := e.(*syntax.Name); ok {
		e, _ = resolveValue(p.Prog, s, e)
		if c, ok := e.(*syntax.Call); ok && c.CalleeName() == "intern" && len(c.Args) == 1 {
			e = c.Args[0] // TOKEN_DATA = intern("data")
		}
	}
	switch x := e.(type) {
	case *syntax.Constant:
		if x.Kind == syntax.ConstStr || x.Kind == syntax.ConstBytes {
			return x.Value, true
		}
		return "", true
	case *syntax.List, *syntax.Tuple, *syntax.Set, *syntax.Dict:
		return "", true
	}
	return "", false
}

// rootName is the variable a dotted, subscripted or called expression
// starts from: request for request.headers["X-API-Key"].
func rootName(e syntax.Expr) string {
	for range 16 {
		switch x := e.(type) {
		case *syntax.Name:
			return x.ID
		case *syntax.Attribute:
			e = x.Value
		case *syntax.Subscript:
			e = x.Value
		case *syntax.Call:
			e = x.Func
		case *syntax.Await:
			e = x.Value
		default:
			return ""
		}
	}
	return ""
}

func isName(e syntax.Expr) bool {
	_, ok := e.(*syntax.Name)
	return ok
}

// classRooted reports an attribute of a class (User.api_key, models.User.token):
// a column in a query expression, not a value.
func classRooted(p *Pass, s *semantic.Scope, e syntax.Expr) bool {
	a, ok := e.(*syntax.Attribute)
	if !ok {
		return false
	}
	for x := a.Value; x != nil; {
		switch v := x.(type) {
		case *syntax.Name:
			if sym := p.Prog.Resolve(s, v); sym != nil && sym.Kind == semantic.ClassSym {
				return true
			}
			return camelCase(v.ID)
		case *syntax.Attribute:
			if sym := p.Prog.Resolve(s, v); sym != nil && sym.Kind == semantic.ClassSym {
				return true
			}
			if camelCase(v.Attr.Name) {
				return true
			}
			x = v.Value
		default:
			return false
		}
	}
	return false
}

// constantName reports a name or attribute spelled as a constant
// (UPPER_CASE) or a class (CamelCase).
func constantName(e syntax.Expr) bool {
	n := exprName(e)
	if n == "" {
		return false
	}
	return camelCase(n) || strings.ToUpper(n) == n && strings.ToLower(n) != n
}

// camelCase reports a CamelCase name (a class by convention), not an
// UPPER_CASE constant.
func camelCase(s string) bool {
	return s != "" && s[0] >= 'A' && s[0] <= 'Z' && strings.ToUpper(s) != s
}

// paramRooted reports a value read from a parameter of the function: what
// the caller, and so the client, supplies.
func paramRooted(fn *semantic.Function, e syntax.Expr) bool {
	root := rootName(e)
	if root == "" || root == "self" || root == "cls" {
		return false
	}
	for _, a := range fn.Node.Args.All() {
		if a.Name.Name == root {
			return true
		}
	}
	return false
}
