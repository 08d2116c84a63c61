package probe

import (
	"slices"
	"strings"
	"testing"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/probetest"
)

// TestGraphQLIntrospection queries the fixture apps' GraphQL stand-ins: the
// vulnerable app answers introspection at /graphql (in its document) and,
// to a logged-in user, at /internal/gql (named as if by the static model);
// the hardened app refuses it at /api/graphql (a conventional path, not in
// its document) and at /internal/gql. No --allow-unsafe is given: the
// introspection POST is a read-only query.
func TestGraphQLIntrospection(t *testing.T) {
	vuln := probetest.Start(t, "vulnerable")
	got, res := runProbe(t, vuln, Options{Enabled: only("FA410")})
	if want := []string{"FA410 POST /graphql"}; !slices.Equal(got, want) {
		t.Errorf("vulnerable app: %v, want %v", got, want)
	}
	for _, f := range res.Findings {
		x := f.HTTP
		if x == nil || !strings.Contains(x.Request.Body, "__schema") || !strings.Contains(x.Response.Body, `"__schema"`) ||
			!strings.Contains(x.Curl, "-X 'POST'") || !strings.Contains(x.Curl, "Content-Type: application/json") {
			t.Errorf("%s: evidence lacks the introspection exchange: %+v", f.Function, x)
		}
		if !strings.Contains(f.Message, "anonymous") {
			t.Errorf("%s: %s", f.Function, f.Message)
		}
	}

	got, res = runProbe(t, vuln, Options{Enabled: only("FA410"), GraphQL: []string{"/internal/gql"},
		Logins: seededLogins(vuln, "alice")})
	if want := []string{"FA410 POST /graphql", "FA410 POST /internal/gql"}; !slices.Equal(got, want) {
		t.Errorf("vulnerable app with /internal/gql and a user: %v, want %v", got, want)
	}
	for _, f := range res.Findings {
		if f.Function == "POST /internal/gql" && (!strings.Contains(f.Message, "alice") ||
			!strings.Contains(f.HTTP.Curl, "$FASTAPI_AUDIT_TOKEN")) {
			t.Errorf("%s: not shown as alice's: %s %s", f.Function, f.Message, f.HTTP.Curl)
		}
	}

	hard := probetest.Start(t, "hardened")
	got, _ = runProbe(t, hard, Options{Enabled: only("FA410"), OpenAPI: hard.OpenAPIURL,
		GraphQL: []string{"/internal/gql"}, Logins: seededLogins(hard, "alice")})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	// Without a document entry or a source path, the conventional paths
	// are queried: /api/graphql answered (with its refusal).
	got, res = runProbe(t, hard, Options{Enabled: only("FA410"), OpenAPI: hard.OpenAPIURL})
	if len(got) != 0 {
		t.Errorf("hardened app: %v", got)
	}
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "not allowed") {
			t.Errorf("the introspection query was refused by the client: %s", d.Message)
		}
	}
}

func TestGraphQLEndpointPaths(t *testing.T) {
	for p, want := range map[string]bool{
		"/graphql": true, "/api/v1/graphql/": true, "/gql": true, "/graphql-admin": true,
		"/items": false, "/graphql/{id}/x": false, "/": false,
	} {
		if isGraphQLPath(p) != want {
			t.Errorf("isGraphQLPath(%q) = %v", p, !want)
		}
	}
}
