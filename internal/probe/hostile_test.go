package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileDoc is an OpenAPI document whose servers put the API under /api,
// with safe and unsafe operations.
const hostileDoc = `{"openapi": "3.0.2", "info": {"title": "h", "version": "1"},
 "servers": [{"url": "/api"}],
 "paths": {
  "/items": {"get": {"responses": {"200": {"description": "ok"}}},
             "post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
                      "responses": {"200": {"description": "ok"}}}},
  "/items/{item_id}": {"get": {"parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                               "responses": {"200": {"description": "ok"}}},
                       "delete": {"parameters": [{"name": "item_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                                  "responses": {"200": {"description": "ok"}}}},
  "/away": {"get": {"responses": {"200": {"description": "ok"}}}}
 }}`

// TestProbeOnAHostileTarget runs every check against a server that
// redirects off the target and lists unsafe operations: the probe must not
// leave the target, must not send unsafe methods without the flags, and
// must keep its budget. The one POST allowed without --allow-unsafe is
// the GraphQL check's introspection query, a read.
func TestProbeOnAHostileTarget(t *testing.T) {
	other, otherHits := newTarget(t, func(w http.ResponseWriter, r *http.Request) {})
	var mu sync.Mutex
	var methods []string
	srv, _ := newTarget(t, func(w http.ResponseWriter, r *http.Request) {
		m := r.Method + " " + r.URL.Path
		if r.Method == http.MethodPost {
			if b, _ := io.ReadAll(r.Body); string(b) == `{"query": "`+introspectionQuery+`"}` {
				m = "INTROSPECT " + r.URL.Path
			}
		}
		mu.Lock()
		methods = append(methods, m)
		mu.Unlock()
		switch {
		case r.URL.Path == "/openapi.json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, hostileDoc)
		case r.URL.Path == "/api/away" || r.URL.Path == "/docs":
			http.Redirect(w, r, other.URL+"/phish", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/api/"):
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[{"id": 1, "name": "x"}]`)
		default:
			http.NotFound(w, r)
		}
	})
	for _, unsafe := range []bool{false, true} {
		mu.Lock()
		methods = nil
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		res, err := Run(ctx, srv.URL, Options{Tokens: []string{"token-a", "token-b"},
			Client: ClientOptions{Rate: 1000, Budget: 120, AllowUnsafe: unsafe}})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if res.Requests > 120 {
			t.Errorf("unsafe=%v: %d requests over a budget of 120", unsafe, res.Requests)
		}
		mu.Lock()
		sawItems := false
		for _, m := range methods {
			verb, p, _ := strings.Cut(m, " ")
			if verb == "DELETE" || (!unsafe && verb != "GET" && verb != "HEAD" && verb != "OPTIONS" && verb != "INTROSPECT") {
				t.Errorf("unsafe=%v: the probe sent %s", unsafe, m)
			}
			sawItems = sawItems || p == "/api/items"
		}
		mu.Unlock()
		if !sawItems {
			t.Errorf("unsafe=%v: operations were not probed under the server path /api", unsafe)
		}
		scope := false
		for _, d := range res.Diagnostics {
			scope = scope || (d.Kind == "probe scope" && strings.Contains(d.Message, "/phish"))
		}
		if !scope {
			t.Errorf("unsafe=%v: the redirect to another host is not reported: %v", unsafe, res.Diagnostics)
		}
	}
	if n := otherHits.n.Load(); n != 0 {
		t.Errorf("%d requests reached the other host", n)
	}
}
