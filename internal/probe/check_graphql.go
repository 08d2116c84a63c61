package probe

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// The GraphQL check confirms FA410 live: it sends an introspection query,
// {__schema{queryType{name}}}, to the API's GraphQL endpoints and reports
// those that answer with the schema. The endpoints are the document's
// operations on a path ending in "graphql" (or "gql"), those the static
// model found (probe --source, Options.GraphQL), or else the conventional
// /graphql and /api/graphql. The query is a POST, sent without
// --allow-unsafe because it only reads: the client checks that the body is
// a query and names no mutation or subscription. When the endpoint answers
// 401 or 403 and the probe has credentials, the query is repeated as the
// first user; when it refuses POST (405), it is sent as a GET.
func init() {
	register(&Check{Name: "graphql", Rules: []string{"FA410"}, Order: 35, Run: checkGraphQL})
}

const (
	// introspectionQuery asks for the least the schema can show: the name
	// of its query type.
	introspectionQuery = "{__schema{queryType{name}}}"
	// maxGraphQLEndpoints bounds the endpoints queried.
	maxGraphQLEndpoints = 8
)

// graphQLConventionalPaths are tried when nothing names an endpoint.
var graphQLConventionalPaths = []string{"/graphql", "/api/graphql"}

func checkGraphQL(ctx context.Context, s *Session) {
	for _, path := range graphQLEndpoints(s) {
		if s.Exhausted() {
			return
		}
		resp, as := introspect(ctx, s, path)
		if resp == nil {
			continue
		}
		name, ok := introspected(resp)
		if !ok {
			continue
		}
		who := "to an anonymous request"
		if as != nil {
			who = "to " + as.Name + " (anonymous requests get " + http.StatusText(as.anonStatus) + ")"
		}
		s.Report("FA410", resp.Exchange.Request.Method+" "+path, resp,
			"the GraphQL endpoint at %s answers introspection queries %s: its schema (query type %q, every field, mutation and argument) is public",
			path, who, name)
	}
}

// introspector is the user an introspection query was repeated as, and
// what the anonymous one got.
type introspector struct {
	Name       string
	anonStatus int
}

// introspect sends the introspection query to path: anonymously, then as
// the first user when refused for lack of credentials, and as a GET when
// POST is not allowed.
func introspect(ctx context.Context, s *Session, path string) (*Response, *introspector) {
	post := func() *Request {
		return &Request{Method: http.MethodPost, Path: path, GraphQLQuery: true,
			Body:   []byte(`{"query": "` + introspectionQuery + `"}`),
			Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}}
	}
	resp := s.Do(ctx, post())
	if resp != nil && resp.Status == http.StatusMethodNotAllowed {
		resp = s.Do(ctx, &Request{Method: http.MethodGet, Path: path, Query: url.Values{"query": {introspectionQuery}},
			Header: http.Header{"Accept": {"application/json"}}})
	}
	if resp == nil {
		return nil, nil
	}
	if u := s.firstUser(); u != nil && (resp.Status == http.StatusUnauthorized || resp.Status == http.StatusForbidden) {
		anon := resp.Status
		req := post()
		if resp.Exchange.Request.Method == http.MethodGet {
			req = &Request{Method: http.MethodGet, Path: path, Query: url.Values{"query": {introspectionQuery}},
				Header: http.Header{"Accept": {"application/json"}}}
		}
		if r := s.Do(ctx, u.As(req)); r != nil {
			return r, &introspector{Name: u.Name, anonStatus: anon}
		}
	}
	return resp, nil
}

// introspected reports an answer holding __schema data, and the query
// type's name.
func introspected(resp *Response) (string, bool) {
	if !resp.OK() {
		return "", false
	}
	doc, ok := resp.JSON().(map[string]any)
	if !ok {
		return "", false
	}
	data, ok := doc["data"].(map[string]any)
	if !ok {
		return "", false
	}
	schema, ok := data["__schema"].(map[string]any)
	if !ok {
		return "", false
	}
	name := ""
	if qt, ok := schema["queryType"].(map[string]any); ok {
		name, _ = qt["name"].(string)
	}
	return name, true
}

// graphQLEndpoints lists the paths to query: the document's GraphQL
// operations and those known from the source, else the conventional paths.
func graphQLEndpoints(s *Session) []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if p == "" {
			p = "/"
		}
		if !seen[p] && len(out) < maxGraphQLEndpoints {
			seen[p] = true
			out = append(out, p)
		}
	}
	if s.Spec != nil {
		for _, op := range s.Spec.Operations {
			if isGraphQLPath(op.Path) && len(op.PathParams()) == 0 {
				add(op.Path)
			}
		}
	}
	for _, p := range s.Opts.GraphQL {
		add(p)
	}
	if len(out) == 0 {
		for _, p := range graphQLConventionalPaths {
			add(p)
		}
	}
	return out
}

// isGraphQLPath reports a path whose last segment names GraphQL:
// /graphql, /api/v1/graphql, /gql.
func isGraphQLPath(p string) bool {
	p = strings.ToLower(strings.TrimSuffix(p, "/"))
	last := p[strings.LastIndex(p, "/")+1:]
	return strings.Contains(last, "graphql") || last == "gql"
}
