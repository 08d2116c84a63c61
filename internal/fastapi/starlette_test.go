package fastapi

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestStarletteRoutes checks routes assembled from route objects (lists in
// module variables, concatenations, comprehensions, Mount and Host,
// routes= of Starlette, Router and FastAPI, edits of router.routes) and
// routers built by a factory at two call sites.
func TestStarletteRoutes(t *testing.T) {
	m := loadModel(t, filepath.Join("testdata", "starlette"))
	var got []string
	for _, e := range m.Endpoints {
		for _, method := range e.Methods {
			got = append(got, method+" "+e.FullPath)
		}
	}
	sort.Strings(got)
	want := []string{
		"DELETE /setup", "GET /", "GET /admin/reports/daily", "GET /admin/reports/weekly", "GET /admin/stats",
		"GET /api/accounts", "GET /items", "GET /old/ping", "GET /status", "MOUNT /static",
		"POST /admin/purge", "POST /api/accounts", "POST /legacy", "POST /private/notes", "POST /public/notes",
		"WEBSOCKET /api/feed", "WEBSOCKET /events",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes\n--- got ---\n%s\n--- want ---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A Starlette endpoint's first parameter is the request, whatever its
	// name and annotation; a websocket class's message is client data.
	if p := endpoint(t, m, "GET", "/").Params; len(p) != 1 || p[0].Kind != SpecialParam || p[0].Type != starletteRequest {
		t.Errorf("homepage params = %+v", p)
	}
	if p := endpoint(t, m, "WEBSOCKET", "/events").Params; len(p) != 1 || p[0].Type != starletteWebSocket {
		t.Errorf("events params = %+v", p)
	}
	if p := endpoint(t, m, "WEBSOCKET", "/api/feed").Params; len(p) != 2 || p[1].Kind != BodyParam {
		t.Errorf("feed params = %+v", p)
	}
	// APIRoute keeps FastAPI's parameters.
	if !endpoint(t, m, "GET", "/items").Route.PathKnown || endpoint(t, m, "GET", "/items").Route.Starlette {
		t.Error("APIRoute is a FastAPI route")
	}
	// Each call of the factory has its own prefix and dependencies.
	if e := endpoint(t, m, "POST", "/private/notes"); e.Auth == nil {
		t.Error("/private/notes: the call's dependencies are lost")
	}
	if e := endpoint(t, m, "POST", "/public/notes"); e.Auth != nil {
		t.Errorf("/public/notes: authenticated by %v", e.Auth)
	}
}
