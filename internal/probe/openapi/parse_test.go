package openapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t *testing.T, doc string) *Spec {
	t.Helper()
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func TestSecurityGlobalAndOperation(t *testing.T) {
	s := mustParse(t, `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
		"security": [{"key": []}, {}],
		"components": {"securitySchemes": {
			"key": {"type": "apiKey", "in": "cookie", "name": "session"},
			"basic": {"type": "http", "scheme": "Basic"},
			"oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example/.well-known/openid-configuration"},
			"oauth": {"type": "oauth2", "flows": {
				"password": {"tokenUrl": "/token", "scopes": {"read": "r", "write": "w"}},
				"clientCredentials": {"tokenUrl": "/cc", "scopes": {"admin": "a"}}}}}},
		"paths": {"/a": {
			"get": {"responses": {}},
			"post": {"security": [], "responses": {}},
			"put": {"security": [{"basic": [], "oauth": ["write", "read"]}, {"oauth": ["admin"]}], "responses": {}},
			"patch": {"security": [{"ghost": []}], "responses": {}}}}}`)
	get, post, put, patch := s.Find("GET", "/a"), s.Find("POST", "/a"), s.Find("PUT", "/a"), s.Find("PATCH", "/a")

	// Inherited global requirement, with an anonymous alternative.
	if !reflect.DeepEqual(get.Security, [][]string{{"key"}, {}}) || get.AuthRequired() {
		t.Errorf("GET security = %#v, auth %v", get.Security, get.AuthRequired())
	}
	// Explicitly public: empty but not nil.
	if post.Security == nil || len(post.Security) != 0 || post.AuthRequired() {
		t.Errorf("POST security = %#v", post.Security)
	}
	// Operation-level requirements replace the global ones.
	if !reflect.DeepEqual(put.Security, [][]string{{"basic", "oauth"}, {"oauth"}}) || !put.AuthRequired() {
		t.Errorf("PUT security = %#v", put.Security)
	}
	if !reflect.DeepEqual(put.Scopes, map[string][]string{"oauth": {"admin", "read", "write"}}) {
		t.Errorf("PUT scopes = %v", put.Scopes)
	}
	if !reflect.DeepEqual(patch.Security, [][]string{{"ghost"}}) || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], `"ghost"`) {
		t.Errorf("PATCH security %#v, warnings %q", patch.Security, s.Warnings)
	}

	want := map[string]SecurityScheme{
		"key":   {Name: "key", Type: "apiKey", In: "cookie", ParamName: "session"},
		"basic": {Name: "basic", Type: "http", Scheme: "basic"},
		"oidc":  {Name: "oidc", Type: "openIdConnect", OpenIDConnectURL: "https://id.example/.well-known/openid-configuration"},
		"oauth": {Name: "oauth", Type: "oauth2", TokenURL: "/token", Scopes: []string{"admin", "read", "write"}},
	}
	for name, w := range want {
		if got := s.SecuritySchemes[name]; got == nil || !reflect.DeepEqual(*got, w) {
			t.Errorf("scheme %s = %+v, want %+v", name, got, w)
		}
	}
}

func TestNoSecurityDeclared(t *testing.T) {
	s := mustParse(t, `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {}}}}`)
	if op := s.Operations[0]; op.Security != nil || op.AuthRequired() {
		t.Errorf("security = %#v", op.Security)
	}
}

func TestServers(t *testing.T) {
	none := loadTestdata(t, "stockroom.json")
	if none.Servers != nil {
		t.Errorf("servers = %q", none.Servers)
	}
	if got := none.ResolveServers("http://127.0.0.1:8000/api/v1/openapi.json"); !reflect.DeepEqual(got, []string{"http://127.0.0.1:8000"}) {
		t.Errorf("default server = %q", got)
	}

	// FastAPI(root_path="/api") writes a relative server.
	rel := mustParse(t, `{"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
		"servers": [{"url": "/api"}, {"url": "https://{host}:{port}/v2", "variables": {"host": {"default": "api.example"}, "port": {"default": "8443"}}}],
		"paths": {}}`)
	if !reflect.DeepEqual(rel.Servers, []string{"/api", "https://api.example:8443/v2"}) {
		t.Errorf("servers = %q", rel.Servers)
	}
	got := rel.ResolveServers("https://h.example/api/openapi.json?x=1")
	if !reflect.DeepEqual(got, []string{"https://h.example/api", "https://api.example:8443/v2"}) {
		t.Errorf("resolved = %q", got)
	}
	if len(rel.Operations) != 0 {
		t.Errorf("operations = %d", len(rel.Operations))
	}
}

func TestFind(t *testing.T) {
	s := mustParse(t, `{"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {
		"/items/{item_id}": {"get": {"operationId": "read"}, "delete": {"operationId": "del"}},
		"/items/search": {"get": {"operationId": "search"}},
		"/files/{path}/meta": {"get": {"operationId": "meta"}}}}`)
	tests := []struct{ method, path, want string }{
		{"GET", "/items/{item_id}", "read"},
		{"get", "/items/7", "read"},
		{"GET", "/items/search", "search"},
		{"DELETE", "/items/7?force=1", "del"},
		{"GET", "/files/a.txt/meta", "meta"},
		{"POST", "/items/7", ""},
		{"GET", "/items/", ""},
		{"GET", "/items/7/extra", ""},
	}
	for _, tt := range tests {
		got := ""
		if op := s.Find(tt.method, tt.path); op != nil {
			got = op.ID
		}
		if got != tt.want {
			t.Errorf("Find(%s, %s) = %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

func TestParamsAndBodyChoice(t *testing.T) {
	s := mustParse(t, `{"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {
		"/a/{id}": {
			"parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}, {"name": "v", "in": "query", "schema": {"type": "integer"}}],
			"post": {
				"parameters": [{"name": "v", "in": "query", "required": true, "schema": {"type": "boolean"}},
					{"name": "f", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}],
				"requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}, "multipart/form-data": {"schema": {"type": "object"}},
					"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}}},
			"put": {"requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}, "application/vnd.api+json": {"schema": {"type": "array"}}}}},
			"patch": {"requestBody": {"content": {"application/octet-stream": {}}}}}}}`)
	post := s.Find("POST", "/a/{id}")
	var got []string
	for _, p := range post.Params {
		got = append(got, fmt.Sprintf("%s:%s:%v:%s", p.In, p.Name, p.Required, p.Schema.Type))
	}
	// id is required because it is a path parameter; the operation's v
	// replaces the path item's; f takes its schema from content.
	if want := []string{"path:id:true:string", "query:v:true:boolean", "query:f:false:object"}; !reflect.DeepEqual(got, want) {
		t.Errorf("params = %q, want %q", got, want)
	}
	if post.Body.ContentType != "application/x-www-form-urlencoded" || post.Body.Required {
		t.Errorf("POST body = %+v", post.Body)
	}
	if put := s.Find("PUT", "/a/1"); put.Body.ContentType != "application/vnd.api+json" || !put.Body.Required || put.Body.Schema.Type != "array" {
		t.Errorf("PUT body = %+v", put.Body)
	}
	if patch := s.Find("PATCH", "/a/1"); patch.Body.ContentType != "application/octet-stream" || patch.Body.Schema == nil {
		t.Errorf("PATCH body = %+v", patch.Body)
	}
}

func TestYAMLDocument(t *testing.T) {
	s := mustParse(t, `openapi: 3.1.0
info: {title: yaml app, version: "1"}
paths:
  /users/{user_id}:
    get:
      operationId: get_user
      deprecated: true
      parameters:
        - {name: user_id, in: path, required: true, schema: {type: integer, minimum: 1}}
`)
	op := s.Find("GET", "/users/5")
	if s.Title != "yaml app" || op == nil || op.ID != "get_user" || !op.Deprecated || *op.Params[0].Schema.Minimum != 1 {
		t.Errorf("spec %+v op %+v", s, op)
	}
}

func TestInvalidDocuments(t *testing.T) {
	tests := []struct {
		name, doc, want string
		is              error
	}{
		{"empty", "", "not an OpenAPI document", nil},
		{"truncated JSON", `{"openapi": "3.0.2", "paths": {`, "not an OpenAPI document", nil},
		{"not OpenAPI", `{"hello": "world"}`, "not an OpenAPI document", nil},
		{"swagger 2", `{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}`, `"2.0"`, ErrUnsupportedVersion},
		{"bad YAML", "openapi: 3.0.0\n  info: [\n", "openapi:", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "openapi: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

func opsDoc(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"openapi": "3.0.2", "info": {"title": "many", "version": "1"}, "paths": {`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"/r%d/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {}}}`, i)
	}
	b.WriteString("}}")
	return b.Bytes()
}

func TestTooManyOperations(t *testing.T) {
	_, err := Parse(opsDoc(DefaultMaxOperations + 1))
	if !errors.Is(err, ErrTooManyOperations) || !strings.Contains(err.Error(), "10001 operations") {
		t.Errorf("err = %v", err)
	}
	small := Options{MaxOperations: 3}
	if s, err := small.Parse(opsDoc(3)); err != nil || len(s.Operations) != 3 {
		t.Errorf("3 operations at limit 3: %v", err)
	}
	if _, err := small.Parse(opsDoc(4)); !errors.Is(err, ErrTooManyOperations) {
		t.Errorf("4 operations at limit 3: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	big := append(opsDoc(1), bytes.Repeat([]byte(" "), DefaultMaxBytes)...)
	if _, err := Parse(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("err = %v", err)
	}
	if _, err := Parse(big[:DefaultMaxBytes]); err != nil {
		t.Errorf("document of exactly DefaultMaxBytes: %v", err)
	}
	if _, err := (Options{MaxBytes: 100}).Parse(opsDoc(1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxBytes 100: %v", err)
	}
}

func TestTooDeep(t *testing.T) {
	deepJSON := `{"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {}, "x-deep": ` +
		strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}"
	if _, err := Parse([]byte(deepJSON)); !errors.Is(err, ErrTooDeep) {
		t.Errorf("JSON: err = %v", err)
	}
	var y strings.Builder
	y.WriteString("openapi: 3.0.2\ninfo: {title: t, version: '1'}\npaths: {}\nx-deep:\n")
	for i := range 100 {
		fmt.Fprintf(&y, "%s- \n", strings.Repeat(" ", 2+i))
	}
	if _, err := Parse([]byte(y.String())); !errors.Is(err, ErrTooDeep) {
		t.Errorf("YAML: err = %v", err)
	}
	// Brackets inside strings do not count.
	quoted := `{"openapi": "3.0.2", "info": {"title": "` + strings.Repeat("[{", 100) + `", "version": "1"}, "paths": {}}`
	if _, err := Parse([]byte(quoted)); err != nil {
		t.Errorf("quoted brackets: %v", err)
	}
	if _, err := (Options{MaxNesting: 200}).Parse([]byte(deepJSON)); err != nil {
		t.Errorf("MaxNesting 200: %v", err)
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join("testdata", "modern.json")
	s, err := Load(ctx, path, nil)
	if err != nil || len(s.Operations) != 4 {
		t.Fatalf("Load(file) = %v, %v", s, err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var asked []string
	fetch := func(_ context.Context, u string) ([]byte, error) {
		asked = append(asked, u)
		return data, nil
	}
	if s, err := Load(ctx, "https://api.example/openapi.json", fetch); err != nil || len(s.Operations) != 4 {
		t.Errorf("Load(URL) = %v, %v", s, err)
	}
	if !reflect.DeepEqual(asked, []string{"https://api.example/openapi.json"}) {
		t.Errorf("fetched %q", asked)
	}

	boom := errors.New("connection refused")
	_, err = Load(ctx, "http://api.example/openapi.json", func(context.Context, string) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "http://api.example/openapi.json") {
		t.Errorf("fetch error = %v", err)
	}
	if _, err := Load(ctx, "http://api.example/openapi.json", nil); err == nil {
		t.Error("URL without fetch: no error")
	}
	if _, err := Load(ctx, filepath.Join(t.TempDir(), "missing.json"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	bigFile := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(bigFile, append(data, bytes.Repeat([]byte(" "), 200)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (Options{MaxBytes: int64(len(data) + 100)}).Load(ctx, bigFile, nil); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), bigFile) {
		t.Errorf("oversized file: %v", err)
	}
}

func TestDiscoveryPaths(t *testing.T) {
	std := []string{"/openapi.json", "/api/v1/openapi.json", "/api/openapi.json", "/api/v1/docs/openapi.json"}
	tests := []struct {
		root string
		want []string
	}{
		{"", std},
		{"/", std},
		{"http://h:8000", std},
		{"http://h:8000/", std},
		{"http://h/api", []string{"/api/openapi.json", std[0], std[1], std[3]}},
		{"https://h/svc/", append([]string{"/svc/openapi.json"}, std...)},
		{"/api/v1", []string{"/api/v1/openapi.json", std[0], std[2], std[3]}},
		{"svc", append([]string{"/svc/openapi.json"}, std...)},
	}
	for _, tt := range tests {
		if got := DiscoveryPaths(tt.root); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("DiscoveryPaths(%q) = %q, want %q", tt.root, got, tt.want)
		}
	}
}

func TestUnsafe(t *testing.T) {
	for m, want := range map[string]bool{"GET": false, "HEAD": false, "OPTIONS": false, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "TRACE": true} {
		if got := (&Operation{Method: m}).Unsafe(); got != want {
			t.Errorf("%s Unsafe() = %v", m, got)
		}
	}
}

func TestDanglingRef(t *testing.T) {
	s := mustParse(t, `{"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"post": {
		"parameters": [{"name": "ok", "in": "query", "schema": {"type": "string"}},
			{"name": "p", "in": "query", "schema": {"$ref": "#/components/schemas/Gone"}}],
		"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Missing"}}}}}}}}`)
	op := s.Operations[0]
	// libopenapi drops what it cannot resolve (the whole parameter list,
	// the whole body); the warnings say what.
	if op.Body != nil || len(op.Params) != 0 {
		t.Errorf("body %+v params %+v", op.Body, op.Params)
	}
	if w := strings.Join(s.Warnings, "\n"); !strings.Contains(w, "Missing") || !strings.Contains(w, "Gone") {
		t.Errorf("warnings = %q", s.Warnings)
	}
}
