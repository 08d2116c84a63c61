package probetest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reply is what a request to a fixture app got back.
type reply struct {
	status int
	header http.Header
	body   string
}

// call sends one request; headers alternate name, value.
func call(t *testing.T, method, u, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func get(t *testing.T, u string, headers ...string) reply {
	t.Helper()
	return call(t, http.MethodGet, u, "", headers...)
}

func bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

func (r reply) want(t *testing.T, what string, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %.300s", what, r.status, status, r.body)
	}
}

// rows decodes a JSON array reply.
func (r reply) rows(t *testing.T) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.body), &rows); err != nil {
		t.Fatalf("not a JSON array: %v: %.300s", err, r.body)
	}
	return rows
}

func (r reply) object(t *testing.T) map[string]any {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal([]byte(r.body), &obj); err != nil {
		t.Fatalf("not a JSON object: %v: %.300s", err, r.body)
	}
	return obj
}

var b64 = base64.RawURLEncoding

// makeJWT builds a token; an empty key means alg none with no signature.
func makeJWT(claims map[string]any, key string) string {
	alg := "none"
	if key != "" {
		alg = "HS256"
	}
	h, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	c, _ := json.Marshal(claims)
	signing := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	if key == "" {
		return signing + "."
	}
	return signing + "." + hs256(signing, key)
}

func hs256(signing, key string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(signing))
	return b64.EncodeToString(m.Sum(nil))
}

// TestFixtures proves, by plain HTTP, that every issue planted in the
// vulnerable app behaves as documented and is absent from the hardened one.
func TestFixtures(t *testing.T) {
	vuln := Start(t, "vulnerable")
	hard := Start(t, "hardened")
	vAlice, vBob := vuln.Token(t, "alice"), vuln.Token(t, "bob")
	hAlice, hBob := hard.Token(t, "alice"), hard.Token(t, "bob")
	const evil = "https://evil.example"

	t.Run("OpenAPI", func(t *testing.T) {
		for _, a := range []*App{vuln, hard} {
			r := get(t, a.OpenAPIURL)
			r.want(t, a.Name+" "+a.OpenAPIPath, 200)
			var doc struct {
				Paths map[string]map[string]struct {
					Security   []map[string][]string `json:"security"`
					Parameters []struct {
						Name   string         `json:"name"`
						Schema map[string]any `json:"schema"`
					} `json:"parameters"`
				} `json:"paths"`
				Components struct {
					Schemas map[string]struct {
						Properties map[string]any `json:"properties"`
					} `json:"schemas"`
				} `json:"components"`
			}
			if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
				t.Fatal(err)
			}
			for _, op := range []string{"post /token", "get /users/me", "patch /users/me", "get /users/{user_id}/orders",
				"get /items", "get /items/{item_id}", "get /products", "get /products/search",
				"get /products/{product_id}/unit-price", "get /discount", "get /reports/summary", "post /feedback"} {
				method, path, _ := strings.Cut(op, " ")
				if _, ok := doc.Paths[path][method]; !ok {
					t.Errorf("%s: %s missing from the OpenAPI document", a.Name, op)
				}
			}
			if len(doc.Paths["/reports/summary"]["get"].Security) == 0 {
				t.Errorf("%s: GET /reports/summary documents no security", a.Name)
			}
			_, isAdmin := doc.Components.Schemas["UserUpdate"].Properties["is_admin"]
			if isAdmin != (a == vuln) {
				t.Errorf("%s: is_admin in the UserUpdate schema = %v", a.Name, isAdmin)
			}
			for _, p := range doc.Paths["/products"]["get"].Parameters {
				if _, bounded := p.Schema["maximum"]; p.Name == "limit" && bounded != (a == hard) {
					t.Errorf("%s: limit schema %v", a.Name, p.Schema)
				}
			}
		}
	})

	t.Run("FA406 docs", func(t *testing.T) {
		for _, p := range []string{"/docs", "/redoc", "/openapi.json"} {
			get(t, vuln.URL+p).want(t, "vulnerable "+p, 200)
			get(t, hard.URL+p).want(t, "hardened "+p, 404)
		}
	})

	t.Run("FA603 FA903 headers", func(t *testing.T) {
		security := []string{"Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"}
		v := get(t, vuln.URL+"/health")
		for _, h := range security {
			if v.header.Get(h) != "" {
				t.Errorf("vulnerable sends %s", h)
			}
		}
		if v.header.Get("Server") != "uvicorn" || !regexp.MustCompile(`/\d`).MatchString(v.header.Get("X-Powered-By")) {
			t.Errorf("vulnerable banners: Server %q, X-Powered-By %q", v.header.Get("Server"), v.header.Get("X-Powered-By"))
		}
		for _, r := range []reply{get(t, hard.URL+"/health"), get(t, hard.URL+"/nope"), get(t, hard.URL+"/users/me")} {
			for _, h := range security {
				if r.header.Get(h) == "" {
					t.Errorf("hardened %d lacks %s", r.status, h)
				}
			}
			m := regexp.MustCompile(`max-age=(\d+)`).FindStringSubmatch(r.header.Get("Strict-Transport-Security"))
			if m == nil || !strings.Contains(r.header.Get("Strict-Transport-Security"), "includeSubDomains") {
				t.Errorf("hardened HSTS %q", r.header.Get("Strict-Transport-Security"))
			} else if n, _ := strconv.Atoi(m[1]); n < 15552000 {
				t.Errorf("hardened HSTS max-age %d", n)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("hardened nosniff/frame options: %v", r.header)
			}
			if s, p := r.header.Get("Server"), r.header.Get("X-Powered-By"); s != "" || p != "" {
				t.Errorf("hardened banners: Server %q, X-Powered-By %q", s, p)
			}
		}
	})

	t.Run("FA601 CORS", func(t *testing.T) {
		v := get(t, vuln.URL+"/health", "Origin", evil, "Cookie", "session=1")
		if v.header.Get("Access-Control-Allow-Origin") != evil || v.header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Errorf("vulnerable with a cookie: %v", v.header)
		}
		v = get(t, vuln.URL+"/health", "Origin", evil)
		if v.header.Get("Access-Control-Allow-Origin") != "*" || v.header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Errorf("vulnerable without a cookie: %v", v.header)
		}
		v = call(t, http.MethodOptions, vuln.URL+"/users/me", "", "Origin", evil, "Access-Control-Request-Method", "PATCH")
		if v.status != 200 || v.header.Get("Access-Control-Allow-Origin") != evil {
			t.Errorf("vulnerable preflight: %d %v", v.status, v.header)
		}

		h := get(t, hard.URL+"/health", "Origin", evil, "Cookie", "session=1")
		p := call(t, http.MethodOptions, hard.URL+"/users/me", "", "Origin", evil, "Access-Control-Request-Method", "PATCH")
		for _, r := range []reply{h, p} {
			if r.header.Get("Access-Control-Allow-Origin") != "" || r.header.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("hardened answers CORS to %s: %v", evil, r.header)
			}
		}
		ok := get(t, hard.URL+"/health", "Origin", "https://app.example.com")
		if ok.header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
			t.Errorf("hardened does not allow its own origin: %v", ok.header)
		}
	})

	t.Run("FA901 FA902 errors", func(t *testing.T) {
		for _, c := range []struct{ path, exc string }{
			{"/discount?percent=abc", "ValueError"},
			{"/products/1/unit-price?quantity=0", "ZeroDivisionError"},
		} {
			v := get(t, vuln.URL+c.path)
			v.want(t, "vulnerable "+c.path, 500)
			if !strings.Contains(v.body, "Traceback (most recent call last)") || !strings.Contains(v.body, c.exc) {
				t.Errorf("vulnerable %s: no traceback: %.300s", c.path, v.body)
			}
			html := get(t, vuln.URL+c.path, "Accept", "text/html")
			if !strings.Contains(html.header.Get("Content-Type"), "text/html") || !strings.Contains(html.body, c.exc) {
				t.Errorf("vulnerable %s: no HTML debug page: %.300s", c.path, html.body)
			}
			h := get(t, hard.URL+c.path)
			h.want(t, "hardened "+c.path, 422)
			if strings.Contains(h.body, "Traceback") {
				t.Errorf("hardened %s: %s", c.path, h.body)
			}
		}
		get(t, vuln.URL+"/discount?percent=15").want(t, "vulnerable valid discount", 200)
		get(t, hard.URL+"/discount?percent=15").want(t, "hardened valid discount", 200)
	})

	t.Run("FA910 SQL injection", func(t *testing.T) {
		search := func(a *App, name string) reply {
			return get(t, a.URL+"/products/search?name="+url.QueryEscape(name))
		}
		v := search(vuln, "'")
		v.want(t, "vulnerable quote", 500)
		if !strings.Contains(v.body, "sqlite3.OperationalError") {
			t.Errorf("vulnerable quote: no sqlite error: %.300s", v.body)
		}
		if n := len(search(vuln, "widget-1").rows(t)); n != 1 {
			t.Errorf("vulnerable widget-1: %d rows", n)
		}
		if n := len(search(vuln, "widget-1' OR '1'='1").rows(t)); n != 30 {
			t.Errorf("vulnerable OR true: %d rows, want 30", n)
		}
		if n := len(search(vuln, "widget-1' AND '1'='2").rows(t)); n != 0 {
			t.Errorf("vulnerable AND false: %d rows, want 0", n)
		}

		h := search(hard, "'")
		h.want(t, "hardened quote", 200)
		if strings.Contains(strings.ToLower(h.body), "sqlite") {
			t.Errorf("hardened quote: %s", h.body)
		}
		if n := len(search(hard, "widget-1").rows(t)); n != 1 {
			t.Errorf("hardened widget-1: %d rows", n)
		}
		for _, q := range []string{"widget-1' OR '1'='1", "widget-1' AND '1'='2"} {
			if n := len(search(hard, q).rows(t)); n != 0 {
				t.Errorf("hardened %q: %d rows, want 0", q, n)
			}
		}
	})

	t.Run("FA907 FA301 missing auth", func(t *testing.T) {
		get(t, vuln.URL+"/reports/summary").want(t, "vulnerable anonymous report", 200)
		get(t, hard.URL+"/reports/summary").want(t, "hardened anonymous report", 401)
		get(t, hard.URL+"/reports/summary", bearer(hAlice)...).want(t, "hardened report", 200)
		body := `{"message":"hello"}`
		call(t, http.MethodPost, vuln.URL+"/feedback", body, "Content-Type", "application/json").want(t, "vulnerable anonymous feedback", 201)
		call(t, http.MethodPost, hard.URL+"/feedback", body, "Content-Type", "application/json").want(t, "hardened anonymous feedback", 401)
		call(t, http.MethodPost, hard.URL+"/feedback", body, append(bearer(hAlice), "Content-Type", "application/json")...).want(t, "hardened feedback", 201)
	})

	t.Run("FA904 alg none", func(t *testing.T) {
		none := makeJWT(map[string]any{"sub": "alice", "exp": time.Now().Add(time.Hour).Unix()}, "")
		v := get(t, vuln.URL+"/users/me", bearer(none)...)
		v.want(t, "vulnerable alg none", 200)
		if v.status == 200 && v.object(t)["username"] != "alice" {
			t.Errorf("vulnerable alg none: %s", v.body)
		}
		get(t, hard.URL+"/users/me", bearer(none)...).want(t, "hardened alg none", 401)
	})

	t.Run("FA905 weak key", func(t *testing.T) {
		for _, c := range []struct {
			a     *App
			token string
			weak  bool
		}{{vuln, vAlice, true}, {hard, hAlice, false}} {
			i := strings.LastIndex(c.token, ".")
			if weak := hs256(c.token[:i], "secret") == c.token[i+1:]; weak != c.weak {
				t.Errorf("%s: token signed with \"secret\" = %v", c.a.Name, weak)
			}
		}
	})

	t.Run("FA906 expired and tampered", func(t *testing.T) {
		expired := makeJWT(map[string]any{"sub": "alice", "exp": time.Now().Add(-time.Hour).Unix()}, "secret")
		get(t, vuln.URL+"/users/me", bearer(expired)...).want(t, "vulnerable expired", 200)
		get(t, hard.URL+"/users/me", bearer(expired)...).want(t, "hardened expired", 401)

		tamper := func(tok string) string { // claims say bob, signature is alice's
			parts := strings.Split(tok, ".")
			claims, _ := b64.DecodeString(parts[1])
			parts[1] = b64.EncodeToString([]byte(strings.Replace(string(claims), `"alice"`, `"bob"`, 1)))
			return strings.Join(parts, ".")
		}
		v := get(t, vuln.URL+"/users/2/orders", bearer(tamper(vAlice))...)
		v.want(t, "vulnerable tampered (orders)", 200)
		get(t, vuln.URL+"/users/me", bearer(tamper(vAlice))...).want(t, "vulnerable tampered (users/me verifies)", 401)
		get(t, hard.URL+"/users/2/orders", bearer(tamper(hAlice))...).want(t, "hardened tampered", 401)
		get(t, hard.URL+"/users/me", bearer(tamper(hAlice))...).want(t, "hardened tampered", 401)
	})

	t.Run("FA908 BOLA", func(t *testing.T) {
		mine := get(t, vuln.URL+"/items", bearer(vAlice)...).rows(t)
		if len(mine) != 3 {
			t.Fatalf("alice's items: %v", mine)
		}
		id := fmt.Sprint(mine[0]["id"])
		v := get(t, vuln.URL+"/items/"+id, bearer(vBob)...)
		v.want(t, "vulnerable bob reads alice's item", 200)
		if v.status == 200 && v.object(t)["owner_id"] != float64(1) {
			t.Errorf("vulnerable item %s: %s", id, v.body)
		}
		if o := get(t, vuln.URL+"/users/1/orders", bearer(vBob)...).rows(t); len(o) != 2 {
			t.Errorf("vulnerable bob reads alice's orders: %v", o)
		}

		get(t, hard.URL+"/items/"+id, bearer(hAlice)...).want(t, "hardened alice reads her item", 200)
		get(t, hard.URL+"/items/"+id, bearer(hBob)...).want(t, "hardened bob reads alice's item", 404)
		get(t, hard.URL+"/users/1/orders", bearer(hAlice)...).want(t, "hardened alice reads her orders", 200)
		get(t, hard.URL+"/users/1/orders", bearer(hBob)...).want(t, "hardened bob reads alice's orders", 403)
	})

	t.Run("FA909 mass assignment", func(t *testing.T) {
		patch := `{"full_name":"Bobby","is_admin":true,"role":"admin"}`
		for _, c := range []struct {
			a      *App
			token  string
			status int
			admin  bool
		}{{vuln, vBob, 200, true}, {hard, hBob, 422, false}} {
			call(t, http.MethodPatch, c.a.URL+"/users/me", patch, append(bearer(c.token), "Content-Type", "application/json")...).want(t, c.a.Name+" PATCH", c.status)
			me := get(t, c.a.URL+"/users/me", bearer(c.token)...).object(t)
			if me["is_admin"] != c.admin {
				t.Errorf("%s: read back %v", c.a.Name, me)
			}
		}
		call(t, http.MethodPatch, hard.URL+"/users/me", `{"full_name":"Bobby"}`, append(bearer(hBob), "Content-Type", "application/json")...).want(t, "hardened plain PATCH", 200)
	})

	t.Run("FA912 FA503 oversized", func(t *testing.T) {
		if n := len(get(t, vuln.URL+"/products?limit=1").rows(t)); n != 1 {
			t.Errorf("vulnerable limit=1: %d rows", n)
		}
		if n := len(get(t, vuln.URL+"/products?limit=100000").rows(t)); n != 30 {
			t.Errorf("vulnerable limit=100000: %d rows, want 30", n)
		}
		get(t, hard.URL+"/products?limit=100").want(t, "hardened limit=100", 200)
		get(t, hard.URL+"/products?limit=100000").want(t, "hardened limit=100000", 422)

		big := `{"message":"` + strings.Repeat("A", 1<<20) + `"}`
		call(t, http.MethodPost, vuln.URL+"/feedback", big, "Content-Type", "application/json").want(t, "vulnerable 1 MiB body", 201)
		call(t, http.MethodPost, hard.URL+"/feedback", big, append(bearer(hAlice), "Content-Type", "application/json")...).want(t, "hardened 1 MiB body", 413)
		long := `{"message":"` + strings.Repeat("A", 5000) + `"}`
		call(t, http.MethodPost, hard.URL+"/feedback", long, append(bearer(hAlice), "Content-Type", "application/json")...).want(t, "hardened 5000-character message", 422)
	})

	t.Run("FA911 login burst", func(t *testing.T) {
		burst := func(a *App, user string) (statuses []int, retryAfter string) {
			for i := 0; i < 10; i++ {
				r := call(t, http.MethodPost, a.LoginURL, url.Values{"username": {user}, "password": {"wrong"}}.Encode(),
					"Content-Type", "application/x-www-form-urlencoded")
				statuses = append(statuses, r.status)
				if ra := r.header.Get("Retry-After"); ra != "" {
					retryAfter = ra
				}
			}
			return statuses, retryAfter
		}
		if s, ra := burst(vuln, "alice"); strings.Contains(fmt.Sprint(s), "429") || ra != "" {
			t.Errorf("vulnerable burst: %v, Retry-After %q", s, ra)
		}
		vuln.Token(t, "alice")
		// A user nobody else needs: the hardened throttle is per client and username.
		s, ra := burst(hard, "mallory")
		if fmt.Sprint(s) != "[401 401 401 401 401 429 429 429 429 429]" || ra == "" {
			t.Errorf("hardened burst: %v, Retry-After %q", s, ra)
		}
		hard.Token(t, "alice")
	})
}
