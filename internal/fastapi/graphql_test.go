package fastapi

import (
	"sort"
	"strings"
	"testing"
)

// TestGraphQLRoutes checks the routes of Strawberry, Ariadne and Graphene
// servers: their HTTP routes, one route per root field, the fields'
// arguments, permission classes, context checks and context_getter.
func TestGraphQLRoutes(t *testing.T) {
	m := loadModel(t, "testdata/graphql")
	got := map[string]*Endpoint{}
	var rows []string
	for _, e := range m.Endpoints {
		for _, method := range e.Methods {
			rows = append(rows, method+" "+e.FullPath)
			got[method+" "+e.FullPath] = e
		}
	}
	sort.Strings(rows)
	want := sortedCopy([]string{
		"GET /ariadne", "GET /graphene", "GET /gql/",
		"MUTATION /gql/#deleteItem", "MUTATION /gql/#renameUser",
		"POST /ariadne", "POST /graphene", "POST /gql/",
		"QUERY /ariadne#hello", "QUERY /graphene#hello", "QUERY /gql/#itemByName", "QUERY /gql/#items",
		"WEBSOCKET /ariadne", "WEBSOCKET /graphene", "WEBSOCKET /gql/",
	})
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("routes:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	args := func(e *Endpoint) string {
		var names []string
		for _, p := range e.Params {
			if p.Kind != GraphQLArg {
				t.Errorf("%s: parameter %s is %s, want argument", e.FullPath, p.Name, p.Kind)
			}
			names = append(names, p.Name)
		}
		return strings.Join(names, ",")
	}
	for path, wantArgs := range map[string]string{
		"MUTATION /gql/#deleteItem": "item_id", "MUTATION /gql/#renameUser": "user_id,name",
		"QUERY /gql/#items": "limit", "QUERY /ariadne#hello": "name", "QUERY /graphene#hello": "name",
	} {
		if a := args(got[path]); a != wantArgs {
			t.Errorf("%s: arguments %q, want %q", path, a, wantArgs)
		}
	}
	del := got["MUTATION /gql/#deleteItem"]
	if len(del.GraphQL.Permissions) != 1 || del.GraphQL.Permissions[0].Name() != "IsAdmin" || len(del.Authz) == 0 {
		t.Errorf("deleteItem: permissions %v, authz %v; want IsAdmin authorizing", del.GraphQL.Permissions, del.Authz)
	}
	if got["MUTATION /gql/#renameUser"].GraphQL.ContextCheck == nil {
		t.Errorf("renameUser: the info.context.user check was not seen")
	}
	// context_getter's dependency authenticates every request, fields included.
	for _, k := range []string{"POST /gql/", "QUERY /gql/#itemByName"} {
		if got[k].AuthText() != "get_context > get_user" {
			t.Errorf("%s: auth %q, want get_context > get_user", k, got[k].AuthText())
		}
	}
	if got["QUERY /ariadne#hello"].Auth != nil {
		t.Errorf("ariadne hello: unexpected auth %s", got["QUERY /ariadne#hello"].AuthText())
	}
	if len(m.GraphQL) != 3 {
		t.Errorf("%d GraphQL servers, want 3", len(m.GraphQL))
	}
}

func sortedCopy(l []string) []string {
	out := append([]string(nil), l...)
	sort.Strings(out)
	return out
}
