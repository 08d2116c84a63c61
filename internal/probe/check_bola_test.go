package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// seededLogins are the fixture app's seeded users as --login flags.
func seededLogins(a *probetest.App, names ...string) []Login {
	var out []Login
	for _, n := range names {
		for _, u := range a.Users {
			if u.Name == n {
				out = append(out, Login{User: u.Name, Password: u.Password})
			}
		}
	}
	return out
}

func TestBOLAOnTheFixtureApps(t *testing.T) {
	for _, c := range []struct {
		app  string
		want []string
	}{
		{"vulnerable", []string{"FA908 GET /items/{item_id}", "FA908 GET /users/{user_id}/orders"}},
		{"hardened", nil},
	} {
		t.Run(c.app, func(t *testing.T) {
			t.Parallel()
			a := probetest.Start(t, c.app)
			got, res := runProbe(t, a, Options{OpenAPI: a.OpenAPIURL, LoginURL: a.LoginURL,
				Logins: seededLogins(a, "alice", "bob"), Enabled: only("FA908")})
			if !slices.Equal(got, c.want) {
				t.Errorf("findings %v, want %v", got, c.want)
			}
			for _, d := range res.Diagnostics {
				t.Logf("diagnostic: %s: %s", d.Kind, d.Message)
			}
			t.Logf("%d requests", res.Requests)
			// 2 logins, the document, GET / and at most 60 for the check.
			if res.Requests > 64 {
				t.Errorf("%d requests, over the check's bound", res.Requests)
			}
			for _, f := range res.Findings {
				t.Logf("%s %s: %s", f.RuleID, f.Function, f.Message)
				if !strings.Contains(f.Message, "user A (alice)") || !strings.Contains(f.Message, "user B (bob)") {
					t.Errorf("message does not name both users: %s", f.Message)
				}
				if f.HTTP == nil || f.HTTP.Response.Status != 200 || !slices.Contains(f.HTTP.Request.Headers, "Authorization: Bearer $FASTAPI_AUDIT_TOKEN_2") {
					t.Errorf("evidence is not user B's exchange: %+v", f.HTTP)
				}
				if len(f.Evidence) != 3 || !strings.Contains(f.Evidence[2].Message, "anonymous gets 401") {
					t.Errorf("evidence steps %+v", f.Evidence)
				}
			}
			if c.app == "vulnerable" && len(res.Findings) == 2 {
				if m := res.Findings[0].Message; !strings.Contains(m, "item_id=1") || !strings.Contains(m, "in user A's list at GET /items") {
					t.Errorf("GET /items/{item_id}: %s", m)
				}
				if m := res.Findings[1].Message; !strings.Contains(m, "user_id=1") {
					t.Errorf("GET /users/{user_id}/orders: %s", m)
				}
			}
		})
	}
}

func TestBOLANeedsTwoDifferentUsers(t *testing.T) {
	a := probetest.Start(t, "vulnerable")
	for name, users := range map[string][]Login{
		"one user":  seededLogins(a, "alice"),
		"same user": seededLogins(a, "alice", "alice"),
	} {
		got, res := runProbe(t, a, Options{LoginURL: a.LoginURL, Logins: users, Enabled: only("FA908")})
		if len(got) != 0 {
			t.Errorf("%s: %v", name, got)
		}
		said := false
		for _, d := range res.Diagnostics {
			said = said || d.Kind == "probe users" && strings.Contains(d.Message, "FA908")
		}
		if !said {
			t.Errorf("%s: no diagnostic explains why FA908 did not run: %+v", name, res.Diagnostics)
		}
	}
}

func TestSameObject(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b string
		want bool
	}{
		{"identical", `{"id":1,"title":"a","note":"n"}`, `{"id":1,"title":"a","note":"n"}`, true},
		{"key order and spacing", `{"id":1,"title":"a"}`, "{ \"title\": \"a\",\n \"id\": 1 }", true},
		{"other object", `{"id":1,"title":"a"}`, `{"id":4,"title":"b"}`, false},
		{"volatile field", `{"id":1,"title":"a","timestamp":"10:00"}`, `{"id":1,"title":"a","timestamp":"10:01"}`, true},
		{"viewer-dependent field", `{"id":1,"title":"a","note":"n","owner_id":1,"can_edit":true}`,
			`{"id":1,"title":"a","note":"n","owner_id":1,"can_edit":false}`, true},
		{"same id, mostly different", `{"id":1,"title":"a","note":"n","x":1}`, `{"id":1,"title":"b","note":"m","x":2}`, false},
		{"no id, one field differs", `{"name":"a","count":1}`, `{"name":"a","count":2}`, false},
		{"same list", `[{"id":1,"user_id":1},{"id":2,"user_id":1}]`, `[{"id":1,"user_id":1},{"id":2,"user_id":1}]`, true},
		{"other list", `[{"id":1,"user_id":1}]`, `[{"id":3,"user_id":2}]`, false},
		{"list lengths", `[{"id":1}]`, `[{"id":1},{"id":2}]`, false},
		{"empty lists", `[]`, `[]`, false},
		{"empty objects", `{}`, `{}`, false},
		{"null", `null`, `null`, false},
		{"empty bodies", ``, ``, false},
		{"same text", "hello alice", "hello alice", true},
		{"other text", "hello alice", "hello bob", false},
		{"json and text", `{"id":1}`, "id 1", false},
		{"error detail", `{"detail":"Not found"}`, `{"detail":"Item not found"}`, false},
		{"nested object", `{"id":1,"owner":{"id":1,"name":"alice"}}`, `{"id":1,"owner":{"id":1,"name":"alice"}}`, true},
		{"scalar", `42`, `42`, true},
	} {
		if got := sameObject([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("%s: sameObject(%s, %s) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
	}
}

func TestMeaningful(t *testing.T) {
	for body, want := range map[string]bool{
		`{"id":1}`: true, `[{"id":1}]`: true, "text": true,
		``: false, `null`: false, `[]`: false, `{}`: false, ` `: false,
		`{"items":[],"total":0}`: false, `{"items":[{"id":1}],"total":1}`: true,
	} {
		if got := meaningful(&Response{Body: []byte(body)}); got != want {
			t.Errorf("meaningful(%q) = %v, want %v", body, got, want)
		}
	}
}

func TestOwnership(t *testing.T) {
	decode := func(s string) any { return (&Response{Body: []byte(s)}).JSON() }
	for _, c := range []struct {
		body, id string
		want     bool
		field    string
	}{
		{`{"id":1,"owner_id":1}`, "1", true, "owner_id"},
		{`{"id":1,"owner_id":2}`, "1", false, "owner_id"},
		{`{"id":"a","owner":{"id":"u1"}}`, "u1", true, "owner"},
		{`[{"id":1,"user_id":1},{"id":2,"user_id":1}]`, "1", true, "user_id"},
		{`[{"id":1,"user_id":1},{"id":3,"user_id":2}]`, "1", false, ""},
		{`[]`, "1", false, ""},
		{`{"id":1,"title":"x"}`, "1", false, ""},
		{`{"id":1,"owner_id":1}`, "", false, ""},
	} {
		field, ok := ownedBy(decode(c.body), c.id)
		if ok != c.want || ok && field != c.field {
			t.Errorf("ownedBy(%s, %q) = %q, %v; want %q, %v", c.body, c.id, field, ok, c.field, c.want)
		}
	}
	ids, owner := listedIDs(decode(`[{"id":1,"owner_id":1},{"id":2,"owner_id":1}]`))
	if !slices.Equal(ids, []string{"1", "2"}) || owner != "1" {
		t.Errorf("listedIDs = %v, %q", ids, owner)
	}
	ids, owner = listedIDs(decode(`{"items":[{"id":"a","owner_id":1},{"id":"b","owner_id":2}],"total":2}`))
	if !slices.Equal(ids, []string{"a", "b"}) || owner != "" {
		t.Errorf("listedIDs of a page = %v, %q", ids, owner)
	}
	for body, want := range map[string]string{
		`{"id":1,"username":"alice"}`: "1", `{"user":{"id":"u-7"}}`: "u-7", `{"user_id":3.0}`: "3", `{"name":"x"}`: "", `[1]`: "",
	} {
		if got := userID(decode(body)); got != want {
			t.Errorf("userID(%s) = %q, want %q", body, got, want)
		}
	}
}

func TestObjectParameters(t *testing.T) {
	integer := &openapi.Schema{Type: "integer"}
	str := &openapi.Schema{Type: "string"}
	uuid := &openapi.Schema{Type: "string", Format: "uuid"}
	for _, c := range []struct {
		path, name string
		schema     *openapi.Schema
		id, user   bool
	}{
		{"/items/{item_id}", "item_id", integer, true, false},
		{"/items/{itemId}", "itemId", str, true, false},
		{"/items/{id}", "id", str, true, false},
		{"/items/{key}", "key", uuid, true, false},
		{"/items/{n}", "n", integer, true, false},
		{"/files/{name}", "name", str, false, false},
		{"/users/{user_id}/orders", "user_id", integer, true, true},
		{"/users/{userId}", "userId", str, true, true},
		{"/users/{id}", "id", integer, true, true},
		{"/accounts/{id}/settings", "id", integer, true, true},
		{"/owners/{owner_id}/pets", "owner_id", integer, true, true},
		{"/orders/{order_id}", "order_id", integer, true, false},
		{"/users/{user_id}/orders/{order_id}", "order_id", integer, true, false},
	} {
		p := &openapi.Param{Name: c.name, In: "path", Required: true, Schema: c.schema}
		op := &openapi.Operation{Method: "GET", Path: c.path, Params: []*openapi.Param{p}}
		if got := idLike(p); got != c.id {
			t.Errorf("idLike(%s in %s) = %v", c.name, c.path, got)
		}
		if got := userParam(op, p); got != c.user {
			t.Errorf("userParam(%s in %s) = %v", c.name, c.path, got)
		}
	}
}

// notesAPI is a small API of per-user notes: GET /me, GET /notes (the
// caller's notes) and GET /notes/{note_id}, which loads any note; public
// makes notes readable anonymously too.
func notesAPI(t *testing.T, public bool) string {
	t.Helper()
	doc := `{"openapi":"3.0.2","info":{"title":"notes","version":"1"},"paths":{
	"/me":{"get":{"responses":{"200":{"description":"ok"}}}},
	"/notes":{"get":{"responses":{"200":{"description":"ok"}}}},
	"/notes/{note_id}":{"get":{"parameters":[{"name":"note_id","in":"path","required":true,"schema":{"type":"integer"}}],
		"responses":{"200":{"description":"ok"}}}}}}`
	notes := []map[string]any{{"id": 1, "owner_id": 1, "text": "a1"}, {"id": 2, "owner_id": 1, "text": "a2"},
		{"id": 3, "owner_id": 2, "text": "b1"}}
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		user := map[string]int{"Bearer tok-a": 1, "Bearer tok-b": 2}[r.Header.Get("Authorization")]
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/openapi.json":
			io.WriteString(w, doc)
			return
		case user == 0 && !(public && strings.HasPrefix(r.URL.Path, "/notes/")):
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"detail":"Not authenticated"}`)
			return
		case r.URL.Path == "/me":
			json.NewEncoder(w).Encode(map[string]any{"id": user})
			return
		case r.URL.Path == "/notes":
			var mine []map[string]any
			for _, n := range notes {
				if n["owner_id"] == user {
					mine = append(mine, n)
				}
			}
			json.NewEncoder(w).Encode(mine)
			return
		}
		for _, n := range notes {
			if r.URL.Path == fmt.Sprintf("/notes/%d", n["id"]) {
				json.NewEncoder(w).Encode(n)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
	})
	return srv.URL
}

func TestBOLAPublicObjects(t *testing.T) {
	for _, public := range []bool{false, true} {
		url := notesAPI(t, public)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		res, err := Run(ctx, url, Options{Tokens: []string{"tok-a", "tok-b"}, Enabled: only("FA908"), Client: ClientOptions{Rate: 1000}})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case public && len(res.Findings) != 0:
			t.Errorf("public notes reported: %s", res.Findings[0].Message)
		case !public && (len(res.Findings) != 1 || res.Findings[0].Function != "GET /notes/{note_id}"):
			t.Errorf("private notes: %d findings, want FA908 on GET /notes/{note_id}", len(res.Findings))
		}
	}
}
