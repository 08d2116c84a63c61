package probe

import (
	"context"
	"net/http"
	"strings"
)

// The docs check confirms FA406 live: FastAPI's Swagger UI, ReDoc and
// OpenAPI document answering anonymously at their default places.
func init() {
	register(&Check{Name: "docs", Rules: []string{"FA406"}, Order: 10, Run: checkDocs})
}

func checkDocs(ctx context.Context, s *Session) {
	root := s.Client.Base().Path
	for _, c := range []struct {
		path  string
		what  string
		shows func(*Response) bool
	}{
		{"/docs", "Swagger UI", func(r *Response) bool { return strings.Contains(strings.ToLower(r.Text()), "swagger-ui") }},
		{"/redoc", "ReDoc", func(r *Response) bool { return strings.Contains(strings.ToLower(r.Text()), "redoc") }},
		{"/openapi.json", "the OpenAPI document", func(r *Response) bool {
			doc, ok := r.JSON().(map[string]any)
			return ok && (doc["openapi"] != nil || doc["swagger"] != nil) && doc["paths"] != nil
		}},
	} {
		resp := s.Do(ctx, &Request{Method: http.MethodGet, Path: c.path})
		if resp == nil {
			return
		}
		if resp.Status == http.StatusOK && c.shows(resp) {
			s.Report("FA406", "GET "+root+c.path, resp, "%s is served to anyone at %s", c.what, root+c.path)
		}
	}
}
