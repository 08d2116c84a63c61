package openapi

import (
	"net/url"
	"strings"
)

// discoveryPaths are where FastAPI apps serve their document, most common
// first:
//
//   - /openapi.json: FastAPI's default openapi_url.
//   - /api/v1/openapi.json: openapi_url=f"{API_V1_STR}/openapi.json", as in
//     fastapi/full-stack-fastapi-template (and this repository's
//     examples/vulnerable-app).
//   - /api/openapi.json: the same pattern with an unversioned /api prefix.
//   - /api/v1/docs/openapi.json: an app mounted at /api/v1 with
//     openapi_url="/docs/openapi.json", as Netflix Dispatch does.
var discoveryPaths = []string{
	"/openapi.json",
	"/api/v1/openapi.json",
	"/api/openapi.json",
	"/api/v1/docs/openapi.json",
}

// DiscoveryPaths returns the absolute paths to try, in order, when looking
// for a FastAPI app's OpenAPI document. root is the base URL given by the
// user (or just its path). When it has a path, say /svc, the app is
// probably served under that prefix (FastAPI root_path, a proxy prefix or
// a mount), where its document is {root_path}/openapi.json, so
// /svc/openapi.json comes first; the well-known locations at the host root
// follow. The result has no duplicates; join each with the base URL's
// scheme and host.
func DiscoveryPaths(root string) []string {
	prefix := root
	if u, err := url.Parse(root); err == nil && (u.Scheme != "" || u.Host != "") {
		prefix = u.Path
	}
	prefix = strings.TrimRight(prefix, "/")
	if prefix != "" && !strings.HasPrefix(prefix, "/") {
		prefix = "/" + prefix
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if prefix != "" {
		add(prefix + "/openapi.json")
	}
	for _, p := range discoveryPaths {
		add(p)
	}
	return out
}
