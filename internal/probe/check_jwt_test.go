package probe

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// Tokens made with PyJWT 2.6 for {"sub": "alice", "iat": 1700000000, "exp": 1700001800}.
const (
	pyjwtHS256Secret   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAxODAwfQ.j4NdjniiFWchzfNHe_LgC8_Y04_rsdKONMS3wFjAjU4"
	pyjwtHS384Changeme = "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAxODAwfQ.8zUzqpT8jlXrA-yawcgddBXI98303cdaFfSly9JFITY9aOA3ieVPBhoHuOOLLsp_"
	pyjwtHS512Tutorial = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAxODAwfQ.M4rxIvGipBSuRkXGCxZLIA4ZtXDezZ-d2IR3N8zJ5y7j0qjtCcyE5k51ThXtw9GdJ3kwNERgI41XvEZfqhy8CA"
	pyjwtHS256Strong   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDAxODAwfQ.3qOd6zJQGL49rYDnJrlT06le6Orudb3f2QbTgpRy870"
	fastapiTutorialKey = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
)

func mustParseJWT(t *testing.T, s string) *jwtToken {
	t.Helper()
	tok, err := parseJWT(s)
	if err != nil {
		t.Fatalf("parseJWT(%q): %v", s, err)
	}
	return tok
}

func TestParseJWT(t *testing.T) {
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name, token string
		alg, sub    string
		sigLen      int
		wantErr     bool
	}{
		{"pyjwt HS256", pyjwtHS256Secret, "HS256", "alice", 32, false},
		{"pyjwt HS512", pyjwtHS512Tutorial, "HS512", "alice", 64, false},
		{"padded segments", seg(`{"alg":"HS256"}`) + "==." + seg(`{"sub":"bob"}`) + "." + seg("sig") + "=", "HS256", "bob", 3, false},
		{"unsigned", seg(`{"alg":"none"}`) + "." + seg(`{"sub":"bob"}`) + ".", "none", "bob", 0, false},
		{"payload not an object", seg(`{"alg":"HS256"}`) + "." + seg(`[1,2]`) + ".c2ln", "HS256", "", 3, false},
		{"opaque token", "8f14e45fceea167a5a36dedd4bea2543", "", "", 0, true},
		{"two segments", seg(`{"alg":"HS256"}`) + "." + seg(`{}`), "", "", 0, true},
		{"header not JSON", seg(`alg`) + "." + seg(`{}`) + ".c2ln", "", "", 0, true},
		{"header without alg", seg(`{"typ":"JWT"}`) + "." + seg(`{}`) + ".c2ln", "", "", 0, true},
		{"bad base64", "e30!.e30.c2ln", "", "", 0, true},
		{"malformed probe value", malformedJWT, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := parseJWT(tt.token)
			if tt.wantErr {
				if err == nil || !errors.Is(err, errNotJWT) {
					t.Fatalf("err = %v, want errNotJWT", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.Alg() != tt.alg || len(tok.Sig) != tt.sigLen {
				t.Errorf("alg %q sig %d bytes, want %q %d", tok.Alg(), len(tok.Sig), tt.alg, tt.sigLen)
			}
			if sub, _ := tok.Claims["sub"].(string); sub != tt.sub {
				t.Errorf("sub = %q, want %q", sub, tt.sub)
			}
		})
	}
	tok := mustParseJWT(t, pyjwtHS256Secret)
	if exp, ok := tok.expiry(); !ok || !exp.Equal(time.Unix(1700001800, 0)) {
		t.Errorf("expiry = %v %v", exp, ok)
	}
}

func TestForgeAlgNone(t *testing.T) {
	tok := mustParseJWT(t, pyjwtHS256Secret)
	payload := strings.Split(pyjwtHS256Secret, ".")[1]
	for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
		for _, sig := range [][]byte{nil, randomBytes(len(tok.Sig))} {
			forged := tok.withAlg(alg, sig)
			parts := strings.Split(forged, ".")
			if len(parts) != 3 || parts[1] != payload {
				t.Fatalf("%s: %q does not keep the payload", alg, forged)
			}
			if (sig == nil) != (parts[2] == "") {
				t.Errorf("%s: signature segment %q", alg, parts[2])
			}
			back := mustParseJWT(t, forged)
			if back.Alg() != alg || back.Header["typ"] != "JWT" {
				t.Errorf("%s: header %v", alg, back.Header)
			}
			if strings.Contains(forged, strings.Split(pyjwtHS256Secret, ".")[2]) {
				t.Errorf("%s: the forged token carries the real signature", alg)
			}
		}
	}
	tampered := tok.withSignature(randomBytes(len(tok.Sig)))
	back := mustParseJWT(t, tampered)
	if back.Alg() != "HS256" || len(back.Sig) != len(tok.Sig) || bytes.Equal(back.Sig, tok.Sig) {
		t.Errorf("tampered token %q", tampered)
	}
	if !strings.HasPrefix(tampered, tok.signingInput()+".") {
		t.Errorf("tampered token changed the signed part")
	}
}

func TestCrackHMAC(t *testing.T) {
	words := jwtCandidates("Vulnerable shop")
	tests := []struct {
		name, token, key string
		found            bool
	}{
		{"HS256 secret", pyjwtHS256Secret, "secret", true},
		{"HS384 changeme", pyjwtHS384Changeme, "changeme", true},
		{"HS512 FastAPI tutorial key", pyjwtHS512Tutorial, fastapiTutorialKey, true},
		{"strong key", pyjwtHS256Strong, "", false},
		{"alg none", mustParseJWT(t, pyjwtHS256Secret).withAlg("none", nil), "", false},
		{"RS256 header", mustParseJWT(t, pyjwtHS256Secret).withAlg("RS256", []byte("x")), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := crackHMAC(mustParseJWT(t, tt.token), words)
			if ok != tt.found || key != tt.key {
				t.Errorf("crackHMAC = %q %v, want %q %v", key, ok, tt.key, tt.found)
			}
		})
	}
	// The API's title gives candidates too.
	tok := mustParseJWT(t, pyjwtHS256Secret)
	titled, err := resign(tok, "acme-billing-secret", func(map[string]any) {})
	if err != nil {
		t.Fatal(err)
	}
	if key, ok := crackHMAC(mustParseJWT(t, titled), jwtCandidates("ACME Billing")); !ok || key != "acme-billing-secret" {
		t.Errorf("title key: %q %v", key, ok)
	}
}

func TestJWTWordlist(t *testing.T) {
	words := jwtWordlist()
	if len(words) < 100 || len(words) > 400 {
		t.Errorf("%d words", len(words))
	}
	seen := map[string]bool{}
	for _, w := range words {
		if w == "" || strings.TrimSpace(w) != w || seen[w] {
			t.Errorf("wordlist entry %q: empty, padded or repeated", w)
		}
		seen[w] = true
	}
	for _, w := range []string{"secret", "changeme", "your-secret-key", "supersecret", "jwt_secret", "password", "123456", fastapiTutorialKey, "keyboard cat"} {
		if !seen[w] {
			t.Errorf("wordlist lacks %q", w)
		}
	}
}

func TestResign(t *testing.T) {
	tok := mustParseJWT(t, pyjwtHS384Changeme)
	forged, err := resign(tok, "changeme", func(c map[string]any) {
		c["exp"] = int64(1900000000)
		c["jti"] = "abc"
	})
	if err != nil {
		t.Fatal(err)
	}
	back := mustParseJWT(t, forged)
	if key, ok := crackHMAC(back, []string{"other", "changeme"}); !ok || key != "changeme" {
		t.Fatalf("re-signed token does not verify with its key: %q", forged)
	}
	if back.Alg() != "HS384" || back.Claims["sub"] != "alice" || back.Claims["jti"] != "abc" ||
		back.Claims["exp"] != json.Number("1900000000") || back.Claims["iat"] != json.Number("1700000000") {
		t.Errorf("claims %v", back.Claims)
	}
	if _, err := resign(mustParseJWT(t, tok.withAlg("RS256", nil)), "k", func(map[string]any) {}); err == nil {
		t.Errorf("resign accepted RS256")
	}
}

func TestSameAnswer(t *testing.T) {
	resp := func(status int, ct, body string) *Response {
		return &Response{Status: status, Header: http.Header{"Content-Type": {ct}}, Body: []byte(body)}
	}
	const js = "application/json"
	me := resp(200, js, `{"id":1,"username":"alice","email":"a@x","role":"user","is_admin":false}`)
	tests := []struct {
		name   string
		forged *Response
		want   bool
	}{
		{"identical", resp(200, js, `{"id":1,"username":"alice","email":"a@x","role":"user","is_admin":false}`), true},
		{"other values", resp(200, js, `{"id":2,"username":"bob","email":"b@x","role":"user","is_admin":false}`), true},
		{"one key fewer", resp(200, js, `{"id":1,"username":"alice","email":"a@x","role":"user"}`), true},
		{"error body", resp(200, js, `{"detail":"invalid token"}`), false},
		{"401", resp(401, js, `{"detail":"Could not validate credentials"}`), false},
		{"array for object", resp(200, js, `[]`), false},
		{"text for JSON", resp(200, "text/plain", `ok`), false},
	}
	for _, tt := range tests {
		if got := sameAnswer(me, tt.forged); got != tt.want {
			t.Errorf("%s: sameAnswer = %v, want %v", tt.name, got, tt.want)
		}
	}
	list := resp(200, js, `[{"id":1,"user_id":1,"total_cents":1000}]`)
	for _, tt := range []struct {
		body string
		want bool
	}{
		{`[{"id":1,"user_id":1,"total_cents":1000}]`, true},
		{`[]`, true},
		{`[{"error":"x"}]`, false},
		{`{"items":[]}`, false},
	} {
		if got := sameAnswer(list, resp(200, js, tt.body)); got != tt.want {
			t.Errorf("list vs %s: %v, want %v", tt.body, got, tt.want)
		}
	}
	html := resp(200, "text/html", strings.Repeat("x", 1000))
	if !sameAnswer(html, resp(200, "text/html", strings.Repeat("y", 950))) || sameAnswer(html, resp(200, "text/html", "login")) {
		t.Errorf("non-JSON bodies compared wrongly")
	}
	if sameAnswer(resp(500, js, `{}`), resp(200, js, `{}`)) {
		t.Errorf("a failing real answer compared")
	}
}

func TestJWTCheckOnTheFixtureApps(t *testing.T) {
	jwtRules := only("FA904", "FA905", "FA906")
	vuln := probetest.Start(t, "vulnerable")
	token := vuln.Token(t, "alice")
	got, res := runProbe(t, vuln, Options{Tokens: []string{token}, Enabled: jwtRules})
	want := []string{
		"FA904 GET /users/me",
		"FA905 GET /users/me",
		"FA906 GET /users/me",               // expired, signed with the cracked key
		"FA906 GET /users/{user_id}/orders", // tampered signature
	}
	if !slices.Equal(got, want) {
		t.Errorf("vulnerable app: findings %q, want %q", got, want)
	}
	t.Logf("vulnerable app: %d requests", res.Requests)
	if res.Requests > 40 {
		t.Errorf("vulnerable app: %d requests, want at most 40", res.Requests)
	}
	var fa905 *finding.Finding
	for _, f := range res.Findings {
		if f.RuleID == "FA905" {
			fa905 = f
		}
		if f.HTTP == nil || f.HTTP.Curl == "" {
			t.Errorf("%s %s has no exchange", f.RuleID, f.Function)
		}
		if f.Confidence != finding.HighConfidence {
			t.Errorf("%s %s: confidence %v", f.RuleID, f.Function, f.Confidence)
		}
		f.Redact()
		out, _ := json.Marshal(f)
		if bytes.Contains(out, []byte(token)) {
			t.Errorf("%s %s shows the real token: %s", f.RuleID, f.Function, out)
		}
		if real := strings.Split(token, ".")[2]; bytes.Contains(out, []byte(real)) {
			t.Errorf("%s %s shows the real token's signature: %s", f.RuleID, f.Function, out)
		}
	}
	if fa905 == nil {
		t.Fatal("no FA905")
	}
	if !slices.Contains(fa905.Secrets, "secret") || strings.Contains(fa905.Message, `"secret"`) {
		t.Errorf("FA905: key not masked: secrets %q, message %q", fa905.Secrets, fa905.Message)
	}
	for _, d := range res.Diagnostics {
		t.Logf("diagnostic: %s", d.Message)
	}

	hard := probetest.Start(t, "hardened")
	got, res = runProbe(t, hard, Options{OpenAPI: hard.OpenAPIURL, LoginURL: hard.LoginURL,
		Logins: []Login{{User: "alice", Password: hard.Password(t, "alice")}}, Enabled: jwtRules})
	if len(got) > 0 {
		t.Errorf("hardened app: findings %q", got)
	}
	t.Logf("hardened app: %d requests", res.Requests)
	if res.Requests > 40 {
		t.Errorf("hardened app: %d requests, want at most 40", res.Requests)
	}
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "jwt:") || strings.Contains(d.Message, "login") {
			t.Errorf("hardened app: diagnostic %q", d.Message)
		}
	}
}

func TestJWTCheckWithoutAJWT(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	got, res := runProbe(t, vuln, Options{Tokens: []string{"8f14e45fceea167a5a36dedd4bea2543"}, Enabled: only("FA904", "FA905", "FA906")})
	if len(got) > 0 {
		t.Errorf("findings %q", got)
	}
	found := false
	for _, d := range res.Diagnostics {
		found = found || strings.Contains(d.Message, "not a JWT")
	}
	if !found {
		t.Errorf("no diagnostic about the opaque token: %+v", res.Diagnostics)
	}
	if strings.Contains(vuln.Log(), "/users/me") {
		t.Errorf("requests sent with an opaque token")
	}
}
