package probe

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// readMe reads GET /users/me as a fixture user.
func readMe(t *testing.T, a *probetest.App, user string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/users/me", nil)
	req.Header.Set("Authorization", "Bearer "+a.Token(t, user))
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET /users/me: %s %s", resp.Status, body)
	}
	return out
}

func TestMassAssignmentOnTheFixtureApps(t *testing.T) {
	for _, c := range []struct {
		app  string
		want []string
	}{
		{"vulnerable", []string{"FA909 PATCH /users/me"}},
		{"hardened", nil},
	} {
		t.Run(c.app, func(t *testing.T) {
			t.Parallel()
			a := probetest.Start(t, c.app)
			orig := readMe(t, a, "alice")
			got, res := runProbe(t, a, Options{OpenAPI: a.OpenAPIURL, LoginURL: a.LoginURL,
				Logins: seededLogins(a, "alice", "bob"), Enabled: only("FA909"), Client: ClientOptions{AllowUnsafe: true}})
			if !slices.Equal(got, c.want) {
				t.Errorf("findings %v, want %v", got, c.want)
			}
			for _, d := range res.Diagnostics {
				if d.Kind == "probe restore" || d.Kind == "probe safety" || d.Kind == "probe request" {
					t.Errorf("diagnostic: %s: %s", d.Kind, d.Message)
				}
			}
			t.Logf("%d requests", res.Requests)
			for _, f := range res.Findings {
				t.Logf("%s %s: %s", f.RuleID, f.Function, f.Message)
				for _, w := range []string{"user A (alice)", `is_admin=true`, `role="admin"`, "GET /users/me", "documented in the request schema", "restored"} {
					if !strings.Contains(f.Message, w) {
						t.Errorf("message lacks %q: %s", w, f.Message)
					}
				}
				if f.HTTP == nil || f.HTTP.Request.Method != http.MethodPatch || !strings.Contains(f.HTTP.Request.Body, `"is_admin":true`) {
					t.Errorf("evidence is not the update: %+v", f.HTTP)
				}
				if len(f.Evidence) != 3 {
					t.Errorf("evidence steps %+v", f.Evidence)
				}
			}
			if now := readMe(t, a, "alice"); !reflect.DeepEqual(now, orig) {
				t.Errorf("alice was not restored: %v, was %v", now, orig)
			}
		})
	}
}

func TestMassAssignmentNeedsAllowUnsafe(t *testing.T) {
	a := probetest.Start(t, "vulnerable")
	got, res := runProbe(t, a, Options{LoginURL: a.LoginURL, Logins: seededLogins(a, "alice"), Enabled: only("FA909")})
	if len(got) != 0 {
		t.Errorf("findings without --allow-unsafe: %v", got)
	}
	said := false
	for _, d := range res.Diagnostics {
		said = said || d.Kind == "probe safety" && strings.Contains(d.Message, "--allow-unsafe")
	}
	if !said {
		t.Errorf("no diagnostic asks for --allow-unsafe: %+v", res.Diagnostics)
	}
	if strings.Contains(a.Log(), "PATCH /users/me") {
		t.Errorf("PATCH sent without --allow-unsafe:\n%s", a.Log())
	}
}

func TestEscalate(t *testing.T) {
	roles := &openapi.Schema{Type: "string", Enum: []any{"user", "editor", "superadmin"}}
	noAdmin := &openapi.Schema{Type: "string", Enum: []any{"user", "editor"}}
	for _, c := range []struct {
		key  string
		cur  any
		prop *openapi.Schema
		want any // nil: not escalated
	}{
		{"is_admin", false, nil, true},
		{"isAdmin", false, nil, true},
		{"is_superuser", nil, nil, true},
		{"is_staff", false, nil, true},
		{"is_verified", false, nil, true},
		{"is_admin", true, nil, nil},
		{"is_admin", "no", nil, nil},
		{"role", "user", nil, "admin"},
		{"role", "admin", nil, nil},
		{"role", "user", roles, "superadmin"},
		{"role", "user", noAdmin, nil},
		{"role", 3.0, nil, nil},
		{"permissions", []any{"read"}, nil, []any{"admin"}},
		{"roles", []any{}, nil, []any{"admin"}},
		{"roles", []any{"admin"}, nil, nil},
		{"permissions", []any{map[string]any{"name": "read"}}, nil, nil},
		{"balance", 10.0, nil, massValue},
		{"balance", massValue, nil, nil},
		{"owner_id", 1.0, nil, 2.0},
		{"owner_id", 3.0, nil, nil},
		{"tenant_id", "1", nil, "2"},
		{"email", "a@example.com", nil, nil},
		{"full_name", "Alice", nil, nil},
		{"id", 1.0, nil, nil},
	} {
		got, ok := escalate(c.key, c.cur, c.prop, "1", "2")
		if !ok {
			got = nil
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("escalate(%s, %v) = %v, want %v", c.key, c.cur, got, c.want)
		}
	}
}

func TestInjectionsAndBaseBody(t *testing.T) {
	body := &openapi.Schema{Type: "object", Required: []string{"email"}, Properties: map[string]*openapi.Schema{
		"email":     {Type: "string"},
		"full_name": {Type: "string"},
		"role":      {Type: "string"},
		"is_staff":  {Type: "boolean", ReadOnly: true},
	}}
	before := map[string]any{"id": 1.0, "email": "a@example.com", "full_name": "Alice", "role": "user",
		"is_admin": false, "is_staff": false}
	op := &openapi.Operation{Method: http.MethodPatch, Path: "/users/me", Body: &openapi.Body{ContentType: "application/json", Schema: body}}
	var got []string
	for _, in := range injections(op, before, "1", "2") {
		got = append(got, in.key+" "+in.status)
	}
	want := []string{"is_admin not in the request schema", "is_staff marked readOnly in the request schema", "role documented in the request schema"}
	if !slices.Equal(got, want) {
		t.Errorf("injections %v, want %v", got, want)
	}
	if b := baseBody(op, before); !reflect.DeepEqual(b, map[string]any{"email": "a@example.com"}) {
		t.Errorf("PATCH base body %v", b)
	}
	op.Method = http.MethodPut
	if b := baseBody(op, before); !reflect.DeepEqual(b, map[string]any{"email": "a@example.com", "full_name": "Alice", "role": "user"}) {
		t.Errorf("PUT base body %v", b)
	}
}

func TestOwnResource(t *testing.T) {
	integer := &openapi.Schema{Type: "integer"}
	for _, c := range []struct {
		method, path string
		param        string
		own, byID    bool
	}{
		{"PATCH", "/users/me", "", true, false},
		{"PUT", "/api/v1/profile", "", true, false},
		{"PATCH", "/account/settings", "", true, false},
		{"PATCH", "/users/{user_id}", "user_id", false, true},
		{"PATCH", "/items/{item_id}", "item_id", false, false},
		{"PATCH", "/users/me/items/{item_id}", "item_id", false, false},
		{"PATCH", "/items", "", false, false},
		{"POST", "/memes", "", false, false},
	} {
		op := &openapi.Operation{Method: c.method, Path: c.path}
		if c.param != "" {
			op.Params = []*openapi.Param{{Name: c.param, In: "path", Required: true, Schema: integer}}
		}
		own, byID := ownResource(op)
		if own != c.own || byID != c.byID {
			t.Errorf("ownResource(%s %s) = %v, %v; want %v, %v", c.method, c.path, own, byID, c.own, c.byID)
		}
	}
}

func TestMassAssignmentRestoreFailure(t *testing.T) {
	doc := `{"openapi":"3.0.2","info":{"title":"me","version":"1"},"paths":{"/users/me":{
	"get":{"responses":{"200":{"description":"ok"}}},
	"patch":{"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object",
		"properties":{"full_name":{"type":"string"}}}}}},"responses":{"200":{"description":"ok"}}}}}}`
	var mu sync.Mutex
	user := map[string]any{"id": 1, "full_name": "A", "is_admin": false}
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/openapi.json":
			io.WriteString(w, doc)
		case r.Header.Get("Authorization") != "Bearer tok-a":
			w.WriteHeader(http.StatusUnauthorized)
		case r.Method == http.MethodPatch:
			var body map[string]any
			json.NewDecoder(r.Body).Decode(&body)
			if body["is_admin"] == false {
				w.WriteHeader(http.StatusForbidden) // no way back
				return
			}
			for k, v := range body {
				user[k] = v // every field sent, undocumented ones too
			}
			json.NewEncoder(w).Encode(user)
		default:
			json.NewEncoder(w).Encode(user)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Run(ctx, srv.URL, Options{Tokens: []string{"tok-a"}, Enabled: only("FA909"),
		Client: ClientOptions{Rate: 1000, AllowUnsafe: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want FA909 on PATCH /users/me", len(res.Findings))
	}
	if m := res.Findings[0].Message; !strings.Contains(m, "is_admin is not in the request schema") || !strings.Contains(m, "restoring is_admin failed") {
		t.Errorf("message: %s", m)
	}
	said := false
	for _, d := range res.Diagnostics {
		said = said || d.Kind == "probe restore" && strings.Contains(d.Message, "is_admin") && strings.Contains(d.Message, "by hand")
	}
	if !said {
		t.Errorf("no restore diagnostic: %+v", res.Diagnostics)
	}
}

func TestMassAssignmentKeepsBudgetToRestore(t *testing.T) {
	doc := `{"openapi":"3.0.2","info":{"title":"me","version":"1"},"paths":{"/users/me":{
	"get":{"responses":{"200":{"description":"ok"}}},
	"patch":{"requestBody":{"content":{"application/json":{"schema":{"type":"object"}}}},"responses":{"200":{"description":"ok"}}}}}}`
	srv, hits := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/openapi.json" {
			io.WriteString(w, doc)
			return
		}
		io.WriteString(w, `{"id":1,"is_admin":false}`)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := Run(ctx, srv.URL, Options{Tokens: []string{"tok-a"}, Enabled: only("FA909"),
		Client: ClientOptions{Rate: 1000, AllowUnsafe: true, Budget: massReserve}})
	if err != nil {
		t.Fatal(err)
	}
	close(hits.methods)
	for m := range hits.methods {
		if strings.HasPrefix(m, "PATCH") {
			t.Errorf("%s sent without the budget to restore", m)
		}
	}
	said := false
	for _, d := range res.Diagnostics {
		said = said || d.Kind == "probe budget" && strings.Contains(d.Message, "PATCH /users/me")
	}
	if !said {
		t.Errorf("no budget diagnostic: %+v", res.Diagnostics)
	}
}
