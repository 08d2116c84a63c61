package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The rate-limit check sends a burst of failed logins to the login
// operation (POST, so only with --allow-unsafe) and reports FA911 when the
// API takes them all the same way: no 429 or 423, no Retry-After or
// RateLimit headers, no lockout message. The user name is made up for the
// run ("fastapi-audit-probe-" and random hex), never a real user's: an API
// that locks accounts after failures would otherwise lock the people who
// use it. The check runs last, as the burst may trip a per-client throttle
// that would spoil the answers of later checks.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA911", Name: "login-burst-not-throttled", Title: "Login accepts a burst of failed attempts without throttling",
		Category: "authentication", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{307}, OWASP: []string{"API4:2023", "A07:2021"},
		Remediation: "Limit failed logins per client and per account (slowapi's @limiter.limit(\"5/minute\"), fastapi-limiter, or the proxy), answer 429 with Retry-After once the limit is reached, and lock or slow down accounts after repeated failures.",
		Doc: rules.Doc{
			What: "The live login operation (the OAuth2 password flow's `tokenUrl`, or a POST to a login, token or " +
				"sign-in path whose form or JSON body has a user name or email and a password) answers a quick burst " +
				"of failed logins (12 by default, at the probe's rate) all the same way: no `429 Too Many Requests` or " +
				"`423 Locked`, no `Retry-After`, `RateLimit-*` or `X-RateLimit-*` header, and no change to a lockout " +
				"message. Found by `probe` with `--allow-unsafe`, with a made-up user name and a wrong password, so no " +
				"real account is locked. The static FA506 looks for the same gap in the source.",
			Why: "Without throttling an attacker tries passwords as fast as the server answers: credential stuffing with " +
				"leaked password lists and guessing weak passwords both scale to millions of attempts. A slow password " +
				"hash does not stop them, and turns the endpoint into an easy CPU denial of service.",
			Example: "@app.post(\"/token\")\ndef login(form: OAuth2PasswordRequestForm = Depends()):\n" +
				"    user = authenticate(form.username, form.password)  # any number of tries\n" +
				"    if not user:\n        raise HTTPException(401, \"Incorrect username or password\")\n" +
				"    return issue_token(user)\n",
			Fix: "```python\nfrom slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n" +
				"limiter = Limiter(key_func=get_remote_address)\napp.state.limiter = limiter\n\n" +
				"@app.post(\"/token\")\n@limiter.limit(\"5/minute\")\n" +
				"def login(request: Request, form: OAuth2PasswordRequestForm = Depends()):\n    ...\n```\n\n" +
				"Count failures per account too (lock or delay after a few), and answer 429 with `Retry-After`.",
			References: []string{"https://cwe.mitre.org/data/definitions/307.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
				"https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#protect-against-automated-attacks"},
		},
	})
	register(&Check{Name: "ratelimit", Rules: []string{"FA911"}, Order: 90, Run: checkRateLimit})
}

// burstSize is the number of failed logins the check sends.
const burstSize = 12

// probeUserPrefix starts the made-up user names of the burst.
const probeUserPrefix = "fastapi-audit-probe-"

// loginTarget is the login operation and how to fill its body.
type loginTarget struct {
	op        *openapi.Operation
	form      bool   // form-encoded (else JSON)
	userField string // username, email, ...
	passField string // password, ...
	example   map[string]any
}

// userFields and passwordFields are body property names of logins.
var (
	userFields     = []string{"username", "email", "login", "user", "user_name", "userName", "email_address", "identifier"}
	passwordFields = []string{"password", "passwd", "pass", "pwd"}
)

// findLogin returns the login operation: --login-url or the OAuth2
// password flow's tokenUrl, else a POST to a login, token or sign-in path whose body has a
// user and a password field; nil when there is none.
func findLogin(s *Session) *loginTarget {
	var tokenURLs []string
	if s.Opts.LoginURL != "" {
		tokenURLs = append(tokenURLs, s.Opts.LoginURL) // --login-url
	}
	if s.Spec != nil {
		for _, name := range slices.Sorted(maps.Keys(s.Spec.SecuritySchemes)) {
			if sch := s.Spec.SecuritySchemes[name]; sch != nil && sch.Type == "oauth2" && sch.TokenURL != "" {
				tokenURLs = append(tokenURLs, sch.TokenURL)
			}
		}
	}
	for _, tokenURL := range tokenURLs {
		path := tokenPath(s, tokenURL)
		if path == "" {
			continue
		}
		for _, op := range s.Operations() {
			if op.Method == http.MethodPost && op.Path == path {
				if t := loginBody(op); t != nil {
					return t
				}
			}
		}
		// The flow's endpoint without an operation in the document: it
		// takes the standard form.
		return &loginTarget{op: &openapi.Operation{Method: http.MethodPost, Path: path},
			form: true, userField: "username", passField: "password"}
	}
	for _, op := range s.Operations() {
		p := strings.ToLower(op.Path)
		if op.Method != http.MethodPost || !(strings.Contains(p, "login") || strings.Contains(p, "token") ||
			strings.Contains(p, "signin") || strings.Contains(p, "sign-in") || strings.Contains(p, "sign_in")) {
			continue
		}
		if t := loginBody(op); t != nil {
			return t
		}
	}
	return nil
}

// tokenPath turns a tokenUrl into a path on the target ("" when it is on
// another host): relative URLs are relative to the API's base, as the
// probe's --login resolves them.
func tokenPath(s *Session, tokenURL string) string {
	u, err := s.Client.Resolve(tokenURL)
	if err != nil {
		return ""
	}
	base := s.Client.Base().Path
	return "/" + strings.TrimPrefix(strings.TrimPrefix(u.Path, base), "/")
}

// loginBody reads the user and password fields of an operation's body;
// nil when it has none.
func loginBody(op *openapi.Operation) *loginTarget {
	if op.Body == nil || op.Body.Schema == nil {
		return nil
	}
	props := op.Body.Schema.Properties
	t := &loginTarget{op: op, form: strings.Contains(op.Body.ContentType, "form")}
	if !t.form && !strings.Contains(op.Body.ContentType, "json") {
		return nil
	}
	for _, f := range userFields {
		if props[f] != nil {
			t.userField = f
			break
		}
	}
	for _, f := range passwordFields {
		if props[f] != nil {
			t.passField = f
			break
		}
	}
	if t.userField == "" || t.passField == "" {
		return nil
	}
	// Keep the example's required fields only: optional ones such as
	// client_id and client_secret are better left out than sent as "string".
	if ex, ok := op.Body.Schema.Example().(map[string]any); ok {
		t.example = map[string]any{}
		for _, name := range op.Body.Schema.Required {
			if v, ok := ex[name]; ok {
				t.example[name] = v
			}
		}
		if v, ok := ex["grant_type"]; ok {
			t.example["grant_type"] = v
		}
	}
	return t
}

// request builds one failed login.
func (t *loginTarget) request(user, password string) *Request {
	if strings.Contains(strings.ToLower(t.userField), "email") {
		user += "@example.com"
	}
	r := &Request{Method: http.MethodPost, Path: fillPath(t.op, nil), Operation: opName(t.op), OperationID: t.op.ID, Header: http.Header{}}
	if t.form {
		form := url.Values{}
		for k, v := range t.example {
			form.Set(k, fmt.Sprint(v))
		}
		form.Set(t.userField, user)
		form.Set(t.passField, password)
		if _, ok := t.example["grant_type"]; ok || t.example == nil {
			form.Set("grant_type", "password")
		}
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Body = []byte(form.Encode())
		return r
	}
	body := map[string]any{}
	for k, v := range t.example {
		body[k] = v
	}
	body[t.userField] = user
	body[t.passField] = password
	r.Header.Set("Content-Type", "application/json")
	r.Body, _ = json.Marshal(body)
	return r
}

func checkRateLimit(ctx context.Context, s *Session) {
	t := findLogin(s)
	if t == nil {
		return
	}
	if !s.mayCall(t.op) {
		s.Diag("safety", "%s not tested for throttling: it takes a POST (give --allow-unsafe)", opName(t.op))
		return
	}
	if s.Client.Remaining() < burstSize {
		s.Diag("budget", "%s not tested for throttling: %d requests left, the burst needs %d", opName(t.op), s.Client.Remaining(), burstSize)
		return
	}
	user, password := probeUserPrefix+randomHex(6), "wrong-"+randomHex(8)
	start := time.Now()
	var answers []*Response
	for i := 0; i < burstSize; i++ {
		resp := s.Do(ctx, t.request(user, password))
		if resp == nil {
			return // not sent: no conclusion
		}
		answers = append(answers, resp)
		if v := burstVerdict(answers); v.throttled || v.inconclusive != "" {
			if v.inconclusive != "" {
				s.Diag("login", "%s: %s", opName(t.op), v.inconclusive)
			}
			return
		}
	}
	v := burstVerdict(answers)
	if v.throttled || v.inconclusive != "" {
		return
	}
	last := answers[len(answers)-1]
	s.Report("FA911", opName(t.op), last,
		"%s answered %d to all %d failed logins sent in %.1f s, with no 429, no Retry-After or RateLimit header and no lockout",
		opName(t.op), last.Status, len(answers), time.Since(start).Seconds())
}

// verdict is what a burst of failed logins shows.
type verdict struct {
	throttled    bool   // the API limits or locks
	inconclusive string // why the answers say nothing about throttling
}

// lockoutRE matches answers that announce throttling or a lockout.
var lockoutRE = regexp.MustCompile(`(?i)too many|locked|lockout|try again (?:later|in)|temporar|throttl|rate.?limit|slow down|blocked|suspended|captcha`)

// volatileRE matches parts of a body that change between identical
// requests: numbers, hex ids, UUIDs.
var volatileRE = regexp.MustCompile(`[0-9a-fA-F-]{8,}|\d+`)

// burstVerdict reads the answers of a burst so far: throttled as soon as
// one is 429 or 423, carries Retry-After or a RateLimit header, or
// announces a lockout, or when the answer changes along the burst; and
// inconclusive when a login succeeded or the body was rejected.
func burstVerdict(answers []*Response) verdict {
	if len(answers) == 0 {
		return verdict{inconclusive: "no answers"}
	}
	first := answers[0]
	for _, r := range answers {
		if r.Status == http.StatusTooManyRequests || r.Status == http.StatusLocked || throttleHeader(r.Header) != "" {
			return verdict{throttled: true}
		}
		if lockoutRE.Match(r.Body) {
			return verdict{throttled: true}
		}
		switch {
		case r.OK():
			return verdict{inconclusive: fmt.Sprintf("a made-up user and password got %d: not a login that fails", r.Status)}
		case r.Status == http.StatusUnprocessableEntity:
			return verdict{inconclusive: "the login body was rejected (422); throttling not tested"}
		case r.Status >= 500, r.Status < 400:
			return verdict{inconclusive: fmt.Sprintf("failed logins got %d; throttling not tested", r.Status)}
		}
		if r.Status != first.Status || volatileRE.ReplaceAllString(r.Text(), "0") != volatileRE.ReplaceAllString(first.Text(), "0") {
			return verdict{throttled: true} // the answer changed: a delay, lockout or challenge of some kind
		}
	}
	return verdict{}
}

// throttleHeader returns the first header that shows rate limiting.
func throttleHeader(h http.Header) string {
	for k := range h {
		lk := strings.ToLower(k)
		if lk == "retry-after" || strings.HasPrefix(lk, "ratelimit") || strings.HasPrefix(lk, "x-ratelimit") ||
			strings.HasPrefix(lk, "x-rate-limit") {
			return k
		}
	}
	return ""
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
