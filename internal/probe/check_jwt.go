package probe

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed" // the weak-key wordlist
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The JWT check takes the bearer token of the first user that has one, if
// it is a JWT, and forges variants of it: an unsigned token (alg none,
// FA904), a token re-signed with a key found offline in a wordlist (FA905),
// a token with a signature that does not match and, when the key is known,
// an expired one (FA906). A forged token counts as accepted when an
// operation that answers 2xx to the real token, and rejects a malformed one,
// answers it 2xx with a body like the real token's.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA904", Name: "jwt-alg-none-accepted", Title: "JWT with alg none accepted",
		Category: "authentication", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{347}, OWASP: []string{"API2:2023", "A07:2021"},
		Remediation: "Decode with a pinned algorithms list (algorithms=[\"HS256\"]) and never let the token's own header choose the algorithm or disable verification.",
		Doc: rules.Doc{
			What: "A live operation that requires a bearer token accepts a copy of the user's token whose header says " +
				"`\"alg\": \"none\"` (or `None`, `NONE`, `nOnE`) and whose signature is empty or meaningless, and answers " +
				"as it does to the real token. Found by `probe` with `--token` or `--login`: it first checks that the " +
				"operation answers 2xx to the real token and 401/403 to a malformed one.",
			Why: "An unsigned token is text anyone can write: with alg none accepted, a client sets `sub` to any user " +
				"or `role` to admin and the API believes it, which is a complete authentication bypass. It happens when " +
				"the code reads the algorithm from the token's header (`jwt.get_unverified_header(token)[\"alg\"]`), " +
				"passes it back to `decode`, or turns verification off when it is `none`.",
			Example: "def current_user(token: str = Depends(oauth2)):\n" +
				"    alg = jwt.get_unverified_header(token)[\"alg\"]\n" +
				"    if alg.lower() == \"none\":\n" +
				"        claims = jwt.decode(token, options={\"verify_signature\": False})\n" +
				"    else:\n" +
				"        claims = jwt.decode(token, SECRET_KEY, algorithms=[alg])\n" +
				"    return get_user(claims[\"sub\"])\n",
			Fix: "Pin the algorithms your API issues and always verify:\n\n```python\n" +
				"def current_user(token: str = Depends(oauth2)):\n" +
				"    try:\n" +
				"        claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[\"HS256\"])\n" +
				"    except jwt.PyJWTError:\n" +
				"        raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})\n" +
				"    return get_user(claims[\"sub\"])\n```\n",
			References: []string{
				"https://cwe.mitre.org/data/definitions/347.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
				"https://datatracker.ietf.org/doc/html/rfc8725#section-3.1",
			},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA905", Name: "jwt-weak-hmac-key", Title: "JWT signed with a key from a wordlist",
		Category: "authentication", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{321, 798}, OWASP: []string{"API2:2023", "A02:2021", "A07:2021"},
		Remediation: "Sign with a random key of at least 32 bytes (secrets.token_urlsafe(32)) kept outside the code, rotate it now, and invalidate the tokens signed with the old one.",
		Doc: rules.Doc{
			What: "The user's token is an HMAC JWT (HS256, HS384 or HS512) whose signature verifies with a well-known " +
				"key: a tutorial or template placeholder (`secret`, `changeme`, `your-secret-key`, the FastAPI tutorial's " +
				"example key), a default, a common password, or the API's own name. Found by `probe` offline, with no " +
				"request per guess; one request with a token re-signed with the key confirms that the API accepts it. " +
				"The key is masked in reports.",
			Why: "Whoever knows the signing key mints tokens for any user, with any role and any expiry, and the API " +
				"cannot tell them from its own. The wordlist holds keys attackers try first; finding one takes " +
				"milliseconds once a single token has been seen.",
			Example: "SECRET_KEY = \"secret\"  # copied from a tutorial\n\n" +
				"def create_token(user):\n" +
				"    return jwt.encode({\"sub\": user.username}, SECRET_KEY, algorithm=\"HS256\")\n",
			Fix: "Generate a random key, load it from the environment or a secret store, and rotate it:\n\n```python\n" +
				"# once: python -c \"import secrets; print(secrets.token_urlsafe(32))\"\n" +
				"SECRET_KEY = os.environ[\"JWT_SECRET_KEY\"]\n```\n",
			References: []string{
				"https://cwe.mitre.org/data/definitions/321.html",
				"https://cwe.mitre.org/data/definitions/798.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://datatracker.ietf.org/doc/html/rfc8725#section-3.5",
			},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA906", Name: "jwt-tampered-or-expired-accepted", Title: "Expired or tampered JWT accepted",
		Category: "authentication", Severity: finding.High, Confidence: finding.HighConfidence,
		CWE: []int{347}, OWASP: []string{"API2:2023", "A07:2021"},
		Remediation: "Verify the signature and the exp claim on every route: one shared dependency that calls jwt.decode with the key and a pinned algorithms list, without verify_signature or verify_exp turned off.",
		Doc: rules.Doc{
			What: "A live operation that requires a bearer token accepts the user's token with a signature that does not " +
				"match (random bytes in place of the real signature), or a token that has expired: one signed with the " +
				"cracked key (FA905) whose `exp` is an hour in the past, or the user's own token after its `exp`. Found " +
				"by `probe` with `--token` or `--login` on up to eight GET operations that document security, each " +
				"checked first to reject a malformed token.",
			Why: "An operation that does not verify the signature trusts claims the client wrote: any `sub`, any role. " +
				"Often one route family uses its own decoding helper with `verify_signature: False` while the rest of " +
				"the API is correct. An operation that ignores `exp` turns every token ever leaked, logged or cached " +
				"into a permanent credential.",
			Example: "def current_user_fast(token: str = Depends(oauth2)):\n" +
				"    claims = jwt.decode(token, options={\"verify_signature\": False})  # \"the gateway checked it\"\n" +
				"    return get_user(claims[\"sub\"])\n\n" +
				"def current_user(token: str = Depends(oauth2)):\n" +
				"    claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"], options={\"verify_exp\": False})\n" +
				"    return get_user(claims[\"sub\"])\n",
			Fix: "Use one dependency for every route, verifying signature and expiry:\n\n```python\n" +
				"def current_user(token: str = Depends(oauth2)):\n" +
				"    try:\n" +
				"        claims = jwt.decode(token, SECRET_KEY, algorithms=[\"HS256\"], options={\"require\": [\"exp\", \"sub\"]})\n" +
				"    except jwt.PyJWTError:\n" +
				"        raise HTTPException(401, headers={\"WWW-Authenticate\": \"Bearer\"})\n" +
				"    return get_user(claims[\"sub\"])\n```\n",
			References: []string{
				"https://cwe.mitre.org/data/definitions/347.html",
				"https://cwe.mitre.org/data/definitions/613.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
				"https://pyjwt.readthedocs.io/en/stable/usage.html#expiration-time-claim-exp",
			},
		},
	})
	register(&Check{Name: "jwt", Rules: []string{"FA904", "FA905", "FA906"}, Order: 50, Run: checkJWT})
}

// Bounds of the JWT check; it sends at most about 2 + 8 + 2 + 3*maxJWTOps
// requests.
const (
	maxJWTOps       = 8                               // GET operations that document security the tampered token is tried on
	maxJWTBaselines = 3                               // operations tried to find one that accepts the real token
	malformedJWT    = "fastapi-audit.malformed-token" // a bearer value no JWT library parses
	forgedLifetime  = 10 * time.Minute                // lifetime of the token re-signed with a cracked key
	expiredBy       = time.Hour                       // how long ago the forged expired token expired
)

//go:embed jwt_wordlist.txt
var jwtWordlistText string

// jwtWordlist is the built-in list of weak HMAC keys.
func jwtWordlist() []string {
	var out []string
	for _, line := range strings.Split(jwtWordlistText, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// jwtCandidates are the keys tried offline: the empty key, the wordlist,
// and keys made from the API's title ("shop", "shop-secret", ...).
func jwtCandidates(title string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	add("")
	for _, k := range jwtWordlist() {
		add(k)
	}
	words := strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	if len(words) > 0 {
		for _, base := range []string{strings.Join(words, "-"), strings.Join(words, "_"), strings.Join(words, "")} {
			for _, suffix := range []string{"", "-secret", "_secret", "secret", "-key", "_key", "-jwt-secret", "_jwt_secret", "-secret-key", "_secret_key"} {
				add(base + suffix)
			}
		}
	}
	return out
}

// jwtToken is a parsed compact JWS: three base64url segments.
type jwtToken struct {
	Header  map[string]any
	Claims  map[string]any // nil when the payload is not a JSON object
	Sig     []byte
	header  string // the encoded segments as received
	payload string
}

// errNotJWT is returned for a string that is not a compact JWS.
var errNotJWT = errors.New("not a JWT")

// parseJWT reads a compact JWS without verifying it.
func parseJWT(s string) (*jwtToken, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %d segments, want 3", errNotJWT, len(parts))
	}
	t := &jwtToken{header: parts[0], payload: parts[1]}
	hb, err := b64decode(parts[0])
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", errNotJWT, err)
	}
	if err := decodeJSONObject(hb, &t.Header); err != nil || t.Header == nil {
		return nil, fmt.Errorf("%w: header is not a JSON object", errNotJWT)
	}
	if _, ok := t.Header["alg"].(string); !ok {
		return nil, fmt.Errorf("%w: header has no alg", errNotJWT)
	}
	pb, err := b64decode(parts[1])
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", errNotJWT, err)
	}
	if decodeJSONObject(pb, &t.Claims) != nil {
		t.Claims = nil
	}
	if t.Sig, err = b64decode(parts[2]); err != nil {
		return nil, fmt.Errorf("%w: signature: %v", errNotJWT, err)
	}
	return t, nil
}

// decodeJSONObject decodes a JSON object keeping numbers exact.
func decodeJSONObject(b []byte, v *map[string]any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("decoding JSON: %w", err)
	}
	return nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64decode(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("base64url: %w", err)
	}
	return b, nil
}

// Alg is the algorithm the token's header names.
func (t *jwtToken) Alg() string { a, _ := t.Header["alg"].(string); return a }

// signingInput is what the signature covers.
func (t *jwtToken) signingInput() string { return t.header + "." + t.payload }

// withSignature is the token with another signature.
func (t *jwtToken) withSignature(sig []byte) string { return t.signingInput() + "." + b64(sig) }

// withAlg is the token with its header's alg replaced, the payload
// unchanged, and the given signature (nil: empty).
func (t *jwtToken) withAlg(alg string, sig []byte) string {
	h := make(map[string]any, len(t.Header))
	for k, v := range t.Header {
		h[k] = v
	}
	h["alg"] = alg
	hb, _ := json.Marshal(h)
	return b64(hb) + "." + t.payload + "." + b64(sig)
}

// expiry is the token's exp claim, if it has one.
func (t *jwtToken) expiry() (time.Time, bool) {
	n, ok := t.Claims["exp"].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// hmacHash is the hash of an HMAC JWS algorithm; nil for others.
func hmacHash(alg string) func() hash.Hash {
	switch alg {
	case "HS256":
		return sha256.New
	case "HS384":
		return sha512.New384
	case "HS512":
		return sha512.New
	}
	return nil
}

// signHMAC signs input with an HMAC algorithm.
func signHMAC(alg, key, input string) []byte {
	m := hmac.New(hmacHash(alg), []byte(key))
	m.Write([]byte(input))
	return m.Sum(nil)
}

// crackHMAC returns the candidate key the token's HMAC signature verifies
// with, without sending anything.
func crackHMAC(t *jwtToken, candidates []string) (string, bool) {
	if hmacHash(t.Alg()) == nil || len(t.Sig) == 0 {
		return "", false
	}
	input := t.signingInput()
	for _, k := range candidates {
		if hmac.Equal(signHMAC(t.Alg(), k, input), t.Sig) {
			return k, true
		}
	}
	return "", false
}

// resign builds a token with the original header, the original claims
// changed by edit, signed with key.
func resign(t *jwtToken, key string, edit func(claims map[string]any)) (string, error) {
	if hmacHash(t.Alg()) == nil {
		return "", fmt.Errorf("re-signing: %s is not an HMAC algorithm", t.Alg())
	}
	claims := make(map[string]any, len(t.Claims)+2)
	for k, v := range t.Claims {
		claims[k] = v
	}
	edit(claims)
	pb, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("re-signing: %w", err)
	}
	input := t.header + "." + b64(pb)
	return input + "." + b64(signHMAC(t.Alg(), key, input)), nil
}

// randomBytes are n random bytes (32 when n is 0): a signature that matches
// nothing and, unlike a flipped copy, reveals nothing of the real one.
func randomBytes(n int) []byte {
	if n <= 0 {
		n = 32
	}
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// sameAnswer reports whether a forged token's answer looks like the real
// token's: both 2xx, and the same JSON shape (object keys, or both arrays),
// or the same media type and a similar length for other bodies.
func sameAnswer(real, forged *Response) bool {
	if real == nil || forged == nil || !real.OK() || !forged.OK() {
		return false
	}
	rj, fj := real.JSON(), forged.JSON()
	if rj != nil || fj != nil {
		return rj != nil && fj != nil && sameShape(rj, fj)
	}
	if real.MediaType() != forged.MediaType() {
		return false
	}
	a, b := len(real.Body), len(forged.Body)
	return a == b || (a > 0 && b > 0 && min(a, b)*10 >= max(a, b)*8)
}

// sameShape compares two decoded JSON values: objects by their keys (at
// least 80% shared), arrays by their first element, scalars by type.
func sameShape(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		if len(x) == 0 || len(y) == 0 {
			return len(x) == len(y)
		}
		shared := 0
		for k := range x {
			if _, ok := y[k]; ok {
				shared++
			}
		}
		return shared*10 >= max(len(x), len(y))*8
	case []any:
		y, ok := b.([]any)
		if !ok {
			return false
		}
		if len(x) == 0 || len(y) == 0 {
			return true
		}
		return sameShape(x[0], y[0])
	default:
		return fmt.Sprintf("%T", a) == fmt.Sprintf("%T", b)
	}
}

// rejected reports a status that refuses credentials.
func rejected(r *Response) bool {
	return r != nil && (r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden || r.Status == http.StatusBadRequest)
}

// meRE matches paths that describe the caller, the best baseline.
var meRE = regexp.MustCompile(`(?i)/(me|self|whoami|profile|account|current[-_]?user|userinfo)(/|$)`)

// jwtOperations are the GET operations that document security, those
// about the caller and without path parameters first.
func jwtOperations(s *Session) []*openapi.Operation {
	var ops []*openapi.Operation
	for _, op := range s.Operations() {
		if op.Method == http.MethodGet && requiresAuth(op) && s.mayCall(op) {
			ops = append(ops, op)
		}
	}
	rank := func(op *openapi.Operation) int {
		r := 0
		if !meRE.MatchString(op.Path) {
			r++
		}
		if len(op.PathParams()) > 0 {
			r += 2
		}
		return r
	}
	sort.SliceStable(ops, func(i, j int) bool { return rank(ops[i]) < rank(ops[j]) })
	if len(ops) > maxJWTOps {
		ops = ops[:maxJWTOps]
	}
	return ops
}

// jwtUser is the first user whose bearer token is a JWT, with the exact
// Authorization value its requests carry.
func jwtUser(s *Session) (*User, string, *jwtToken, error) {
	var firstErr error
	for _, u := range s.Users {
		auth := u.Header.Get("Authorization")
		raw := u.Token
		if raw == "" {
			scheme, v, ok := strings.Cut(auth, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				continue
			}
			raw = strings.TrimSpace(v)
		}
		if auth == "" {
			auth = "Bearer " + raw
		}
		t, err := parseJWT(raw)
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("the token of %s: %w", u.Name, err)
			}
			continue
		}
		return u, auth, t, nil
	}
	return nil, "", nil, firstErr
}

// jwtProbe is the state of one JWT check.
type jwtProbe struct {
	s    *Session
	user *User
	auth string // the real Authorization value
	tok  *jwtToken
	real map[*openapi.Operation]*Response // answers to the real token
	bad  map[*openapi.Operation]*Response // answers to a malformed token
}

// send calls an operation with an Authorization value and no other
// credentials, so that only the token decides.
func (p *jwtProbe) send(ctx context.Context, op *openapi.Operation, auth string) *Response {
	r := operationRequest(op, nil)
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set("Authorization", auth)
	return p.s.Do(ctx, r)
}

// realAnswer is the operation's answer to the real token, sent once.
func (p *jwtProbe) realAnswer(ctx context.Context, op *openapi.Operation) *Response {
	if r, ok := p.real[op]; ok {
		return r
	}
	r := p.send(ctx, op, p.auth)
	p.real[op] = r
	return r
}

// badAnswer is the operation's answer to a malformed token, sent once.
func (p *jwtProbe) badAnswer(ctx context.Context, op *openapi.Operation) *Response {
	if r, ok := p.bad[op]; ok {
		return r
	}
	r := p.send(ctx, op, "Bearer "+malformedJWT)
	p.bad[op] = r
	return r
}

// accepted sends a forged token to an operation and returns the answer
// when it is accepted like the real token.
func (p *jwtProbe) accepted(ctx context.Context, op *openapi.Operation, forged string) *Response {
	resp := p.send(ctx, op, "Bearer "+forged)
	if resp == nil || !sameAnswer(p.real[op], resp) {
		return nil
	}
	return resp
}

// baseline finds an operation that answers 2xx to the real token and
// 401/403 to a malformed one.
func (p *jwtProbe) baseline(ctx context.Context, ops []*openapi.Operation) *openapi.Operation {
	tries := 0
	for _, op := range ops {
		if tries >= maxJWTBaselines || p.s.Exhausted() || ctx.Err() != nil {
			return nil
		}
		tries++
		if r := p.realAnswer(ctx, op); r == nil || !r.OK() {
			continue
		}
		if rejected(p.badAnswer(ctx, op)) {
			return op
		}
	}
	return nil
}

func checkJWT(ctx context.Context, s *Session) {
	if len(s.Users) == 0 {
		s.Diag("users", "no credentials (give --token or --login): FA904, FA905 and FA906 need a user's JWT")
		return
	}
	u, auth, tok, err := jwtUser(s)
	if u == nil {
		if err != nil {
			s.Diag("users", "%v: FA904, FA905 and FA906 need a JWT", err)
		} else {
			s.Diag("users", "no user has a bearer token: FA904, FA905 and FA906 need a JWT")
		}
		return
	}
	p := &jwtProbe{s: s, user: u, auth: auth, tok: tok,
		real: map[*openapi.Operation]*Response{}, bad: map[*openapi.Operation]*Response{}}

	title := ""
	if s.Spec != nil {
		title = s.Spec.Title
	}
	key, cracked := "", false
	if s.Enabled("FA905") || s.Enabled("FA906") {
		key, cracked = crackHMAC(tok, jwtCandidates(title))
	}

	ops := jwtOperations(s)
	base := p.baseline(ctx, ops)
	if base == nil {
		s.Diag("jwt", "no GET operation that documents security answered 2xx to the token of %s and 401/403 to a malformed token (tried %d): the JWT checks sent no forged token",
			u.Name, min(len(ops), maxJWTBaselines))
		if cracked && s.Enabled("FA905") {
			f := s.Report("FA905", "", nil, "the %s signature of the token of %s verifies with the key %q (%d characters) from the built-in wordlist of weak keys (not confirmed by a request: no operation could be used)",
				tok.Alg(), u.Name, key, len(key))
			f.Secrets = []string{key}
			f.Confidence = finding.MediumConfidence
			f.SetCode("FA905 " + tok.Alg())
		}
		return
	}
	name := opName(base)

	if s.Enabled("FA904") {
		p.algNone(ctx, base)
	}
	if cracked {
		p.weakKey(ctx, base, key)
	} else if exp, ok := tok.expiry(); ok && time.Now().After(exp) && s.Enabled("FA906") {
		f := s.Report("FA906", name, p.real[base], "%s accepted the token of %s, which expired at %s (answered %d)",
			name, u.Name, exp.UTC().Format(time.RFC3339), p.real[base].Status)
		f.SetCode("FA906 expired " + name)
	}
	if s.Enabled("FA906") {
		p.tampered(ctx, ops)
	}
}

// algNone sends the token with alg none in its header, an empty signature
// and then a meaningless one, to the baseline operation.
func (p *jwtProbe) algNone(ctx context.Context, op *openapi.Operation) {
	name := opName(op)
	if strings.EqualFold(p.tok.Alg(), "none") {
		p.s.Report("FA904", name, p.real[op], "the token of %s is unsigned (alg %q) and %s accepts it (answered %d)",
			p.user.Name, p.tok.Alg(), name, p.real[op].Status)
		return
	}
	for _, sig := range [][]byte{nil, randomBytes(len(p.tok.Sig))} {
		for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
			if p.s.Exhausted() || ctx.Err() != nil {
				return
			}
			if resp := p.accepted(ctx, op, p.tok.withAlg(alg, sig)); resp != nil {
				what := "an empty signature"
				if sig != nil {
					what = "a meaningless signature"
				}
				p.s.Report("FA904", name, resp, "%s accepted the token of %s rewritten with header alg %q and %s (answered %d like the real token): anyone can forge a token for any user",
					name, p.user.Name, alg, what, resp.Status)
				return
			}
		}
	}
}

// weakKey confirms a cracked key with one token re-signed with it (FA905)
// and sends one signed with it that expired an hour ago (FA906).
func (p *jwtProbe) weakKey(ctx context.Context, op *openapi.Operation, key string) {
	name := opName(op)
	now := time.Now()
	if p.s.Enabled("FA905") {
		forged, err := resign(p.tok, key, func(c map[string]any) {
			c["iat"] = now.Unix()
			c["jti"] = hex.EncodeToString(randomBytes(8))
			if _, ok := c["exp"]; ok {
				c["exp"] = now.Add(forgedLifetime).Unix()
			}
			if _, ok := c["nbf"]; ok {
				c["nbf"] = now.Add(-time.Minute).Unix()
			}
		})
		if err != nil {
			p.s.Diag("jwt", "%v", err)
			return
		}
		var f *finding.Finding
		if resp := p.accepted(ctx, op, forged); resp != nil {
			f = p.s.Report("FA905", name, resp, "the %s signing key is %q (%d characters), from the built-in wordlist of weak keys: %s accepted a token re-signed with it with new iat and jti claims (answered %d)",
				p.tok.Alg(), key, len(key), name, resp.Status)
		} else {
			f = p.s.Report("FA905", name, p.real[op], "the %s signature of the token of %s verifies with the key %q (%d characters) from the built-in wordlist of weak keys, but %s did not accept a token re-signed with it: the API may check more than the signature",
				p.tok.Alg(), p.user.Name, key, len(key), name)
			f.Confidence = finding.MediumConfidence
		}
		f.Secrets = []string{key}
		f.SetCode("FA905 " + p.tok.Alg())
	}
	if p.s.Enabled("FA906") && !p.s.Exhausted() && ctx.Err() == nil {
		exp := now.Add(-expiredBy)
		forged, err := resign(p.tok, key, func(c map[string]any) {
			c["iat"] = exp.Add(-forgedLifetime).Unix()
			c["exp"] = exp.Unix()
			c["jti"] = hex.EncodeToString(randomBytes(8))
			delete(c, "nbf")
		})
		if err != nil {
			p.s.Diag("jwt", "%v", err)
			return
		}
		if resp := p.accepted(ctx, op, forged); resp != nil {
			f := p.s.Report("FA906", name, resp, "%s accepted a correctly signed token of %s that expired an hour ago (exp %s, answered %d): exp is not checked",
				name, p.user.Name, exp.UTC().Format(time.RFC3339), resp.Status)
			f.SetCode("FA906 expired " + name)
		}
	}
}

// tampered sends the token with random bytes for a signature to each
// operation; one that accepts it, while it answers 2xx to the real token
// and rejects a malformed one, does not verify signatures. Operations that
// reject the tampered token cost one request.
func (p *jwtProbe) tampered(ctx context.Context, ops []*openapi.Operation) {
	forged := p.tok.withSignature(randomBytes(len(p.tok.Sig)))
	for _, op := range ops {
		if p.s.Exhausted() || ctx.Err() != nil {
			return
		}
		resp := p.send(ctx, op, "Bearer "+forged)
		if resp == nil || !resp.OK() {
			continue
		}
		name := opName(op)
		if bad := p.badAnswer(ctx, op); !rejected(bad) {
			if bad != nil {
				p.s.Diag("jwt", "%s answered %d to a malformed token: not a signature check (FA907 covers operations that ignore credentials)", name, bad.Status)
			}
			continue
		}
		if real := p.realAnswer(ctx, op); !sameAnswer(real, resp) {
			continue
		}
		f := p.s.Report("FA906", name, resp, "%s accepted the token of %s with its signature replaced by random bytes (answered %d like the real token, %d to a malformed token): the signature is not verified, so any claim can be forged",
			name, p.user.Name, resp.Status, p.bad[op].Status)
		f.SetCode("FA906 tampered " + name)
	}
}
