package openapi

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func loadTestdata(t *testing.T, name string) *Spec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return spec
}

func mustFind(t *testing.T, s *Spec, method, path string) *Operation {
	t.Helper()
	op := s.Find(method, path)
	if op == nil {
		t.Fatalf("no operation %s %s", method, path)
	}
	return op
}

// TestTestdataSpecs checks the document-level facts of every generated spec;
// counts and values were read off the JSON files.
func TestTestdataSpecs(t *testing.T) {
	tests := []struct {
		file    string
		version string
		title   string
		ops     int
		servers []string
		schemes []string
	}{
		{"stockroom.json", "3.0.2", "Stockroom API", 38, nil, []string{"APIKeyHeader", "OAuth2PasswordBearer"}},
		{"stockroom-3.1.json", "3.1.0", "Stockroom API", 38, nil, []string{"APIKeyHeader", "OAuth2PasswordBearer"}},
		{"vulnapi.json", "3.0.2", "FastAPI", 10, nil, []string{"OAuth2PasswordBearer"}},
		{"restaurant.json", "3.0.2", "Damn Vulnerable RESTaurant", 21, []string{"http://localhost:8091/"}, []string{"OAuth2PasswordBearer"}},
		{"apix-owasp.json", "3.0.2", "OWASP API Security Top 10 Demo", 13, nil, nil},
		{"layered.json", "3.0.2", "Shop", 15, nil, []string{"OAuth2PasswordBearer"}},
		{"modern.json", "3.0.2", "FastAPI", 4, nil, []string{"HTTPBearer"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := loadTestdata(t, tt.file)
			if s.Version != tt.version || s.Title != tt.title {
				t.Errorf("version, title = %q, %q; want %q, %q", s.Version, s.Title, tt.version, tt.title)
			}
			if len(s.Operations) != tt.ops {
				t.Errorf("%d operations, want %d", len(s.Operations), tt.ops)
			}
			if !reflect.DeepEqual(s.Servers, tt.servers) {
				t.Errorf("servers = %q, want %q", s.Servers, tt.servers)
			}
			var names []string
			for n := range s.SecuritySchemes {
				names = append(names, n)
			}
			if !sameSet(names, tt.schemes) {
				t.Errorf("security schemes = %q, want %q", names, tt.schemes)
			}
			if len(s.Warnings) != 0 {
				t.Errorf("warnings: %q", s.Warnings)
			}
			for _, op := range s.Operations {
				if got := s.Find(op.Method, op.Path); got != op {
					t.Errorf("Find(%s, %s) = %v, want the operation itself", op.Method, op.Path, got)
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestStockroomOperations(t *testing.T) {
	for _, file := range []string{"stockroom.json", "stockroom-3.1.json"} {
		t.Run(file, func(t *testing.T) {
			s := loadTestdata(t, file)

			// The first operation in the document.
			if op := s.Operations[0]; op.Method != "POST" || op.Path != "/api/v1/login/access-token" {
				t.Errorf("first operation = %s %s", op.Method, op.Path)
			}

			op := mustFind(t, s, "PUT", "/api/v1/items/{item_id}")
			if op.ID != "update_item_api_v1_items__item_id__put" || op.Summary != "Update Item" ||
				!reflect.DeepEqual(op.Tags, []string{"items"}) || op.Deprecated {
				t.Errorf("PUT item: id %q summary %q tags %q deprecated %v", op.ID, op.Summary, op.Tags, op.Deprecated)
			}
			if len(op.Params) != 1 {
				t.Fatalf("PUT item params = %d, want 1", len(op.Params))
			}
			if p := op.Params[0]; p.Name != "item_id" || p.In != "path" || !p.Required || p.Schema.Type != "integer" {
				t.Errorf("PUT item param = %+v %+v", p, p.Schema)
			}
			if op.Body == nil || op.Body.ContentType != "application/json" || !op.Body.Required {
				t.Fatalf("PUT item body = %+v", op.Body)
			}
			b := op.Body.Schema
			if b.Ref != "ItemUpdate" || b.Type != "object" || len(b.Required) != 0 {
				t.Errorf("ItemUpdate ref %q type %q required %q", b.Ref, b.Type, b.Required)
			}
			if !sameSet(keys(b.Properties), []string{"title", "description", "price", "quantity"}) {
				t.Errorf("ItemUpdate properties = %q", keys(b.Properties))
			}
			title := b.Properties["title"]
			if title.Type != "string" || *title.MinLength != 1 || *title.MaxLength != 255 {
				t.Errorf("ItemUpdate.title = %+v", title)
			}
			if price := b.Properties["price"]; price.Type != "number" || price.Minimum == nil || *price.Minimum != 0 || price.ExclusiveMinimum {
				t.Errorf("ItemUpdate.price = %+v", price)
			}
			if !reflect.DeepEqual(op.Security, [][]string{{"OAuth2PasswordBearer"}}) || !op.AuthRequired() {
				t.Errorf("PUT item security = %q", op.Security)
			}
			if !op.Unsafe() {
				t.Error("PUT is unsafe")
			}

			// The app forgot the auth dependency on this route.
			del := mustFind(t, s, "DELETE", "/api/v1/users/42")
			if del.Path != "/api/v1/users/{user_id}" || del.Security != nil || del.AuthRequired() || del.Body != nil {
				t.Errorf("DELETE user: path %q security %q body %+v", del.Path, del.Security, del.Body)
			}

			hook := mustFind(t, s, "POST", "/api/v1/webhooks/incoming/{source}")
			if !reflect.DeepEqual(hook.Security, [][]string{{"APIKeyHeader"}}) {
				t.Errorf("incoming webhook security = %q", hook.Security)
			}
			if hook.Body.Schema.Type != "object" || hook.Body.Schema.Ref != "" || len(hook.Body.Schema.Properties) != 0 {
				t.Errorf("incoming webhook body = %+v", hook.Body.Schema)
			}

			login := mustFind(t, s, "POST", "/api/v1/login/access-token")
			if login.Security != nil || login.Body.ContentType != "application/x-www-form-urlencoded" {
				t.Errorf("login: security %q content type %q", login.Security, login.Body.ContentType)
			}
			form := login.Body.Schema
			if !reflect.DeepEqual(form.Required, []string{"username", "password"}) || form.Properties["grant_type"].Pattern != "password" {
				t.Errorf("login form: required %q grant_type %+v", form.Required, form.Properties["grant_type"])
			}
			if sc := form.Properties["scope"]; sc.Default != "" || sc.Type != "string" {
				t.Errorf("login form scope = %+v", sc)
			}

			up := mustFind(t, s, "POST", "/api/v1/files/upload")
			if up.Body.ContentType != "multipart/form-data" {
				t.Errorf("upload content type %q", up.Body.ContentType)
			}
			if f := up.Body.Schema.Properties["file"]; f.Type != "string" || f.Format != "binary" {
				t.Errorf("upload file field = %+v", f)
			}

			list := mustFind(t, s, "GET", "/api/v1/items/")
			if list.Unsafe() || len(list.Params) != 2 || list.Body != nil {
				t.Fatalf("GET items: unsafe %v params %d body %v", list.Unsafe(), len(list.Params), list.Body)
			}
			limit := list.Params[1]
			if limit.Name != "limit" || limit.In != "query" || limit.Required || *limit.Schema.Minimum != 1 ||
				limit.Schema.Maximum != nil || limit.Schema.Default != 100 {
				t.Errorf("limit = %+v %+v", limit, limit.Schema)
			}

			role := mustFind(t, s, "PATCH", "/api/v1/admin/users/{user_id}/role")
			if pp := role.PathParams(); len(pp) != 1 || pp[0].Name != "user_id" {
				t.Errorf("role path params = %v", pp)
			}
			if q := role.Params[1]; q.Name != "is_admin" || q.In != "query" || !q.Required || q.Schema.Type != "boolean" {
				t.Errorf("role is_admin param = %+v %+v", q, q.Schema)
			}

			oauth := s.SecuritySchemes["OAuth2PasswordBearer"]
			if oauth.Type != "oauth2" || oauth.TokenURL != "/api/v1/login/access-token" || len(oauth.Scopes) != 0 {
				t.Errorf("oauth scheme = %+v", oauth)
			}
			key := s.SecuritySchemes["APIKeyHeader"]
			if key.Type != "apiKey" || key.In != "header" || key.ParamName != "X-API-Key" {
				t.Errorf("api key scheme = %+v", key)
			}
		})
	}
}

func keys(m map[string]*Schema) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNullableForms compares the 3.0 document with its 3.1 rewrite: Pydantic
// 1 leaves Optional fields unmarked, Pydantic 2 writes anyOf [X, null].
func TestNullableForms(t *testing.T) {
	v30 := loadTestdata(t, "stockroom.json")
	v31 := loadTestdata(t, "stockroom-3.1.json")
	d30 := mustFind(t, v30, "PUT", "/api/v1/items/{item_id}").Body.Schema.Properties["description"]
	d31 := mustFind(t, v31, "PUT", "/api/v1/items/{item_id}").Body.Schema.Properties["description"]
	if d30.Nullable || d30.Type != "string" || *d30.MaxLength != 4000 {
		t.Errorf("3.0 description = %+v", d30)
	}
	if !d31.Nullable || d31.Type != "string" || *d31.MaxLength != 4000 || d31.Default != nil {
		t.Errorf("3.1 description = %+v", d31)
	}

	create := mustFind(t, v31, "POST", "/api/v1/items/").Body.Schema
	sup := create.Properties["supplier"]
	if !sup.Nullable || sup.Ref != "UserPublic" || sup.Type != "object" ||
		!sameSet(sup.Required, []string{"email", "id", "is_active"}) {
		t.Errorf("3.1 supplier = %+v", sup)
	}
	if fn := sup.Properties["full_name"]; !fn.Nullable || fn.Type != "string" {
		t.Errorf("3.1 supplier.full_name = %+v", fn)
	}
	if ex := create.Properties["title"].Examples; !reflect.DeepEqual(ex, []any{"Widget"}) {
		t.Errorf("3.1 title examples = %v", ex)
	}
	f31 := mustFind(t, v31, "POST", "/api/v1/files/upload").Body.Schema.Properties["file"]
	if f31.Format != "binary" || f31.Type != "string" {
		t.Errorf("3.1 contentMediaType upload field = %+v", f31)
	}
}

func TestOtherSpecs(t *testing.T) {
	layered := loadTestdata(t, "layered.json")
	read := mustFind(t, layered, "GET", "/api/v1/items/{item_id}")
	var got []string
	for _, p := range read.Params {
		got = append(got, p.In+":"+p.Name)
	}
	if !reflect.DeepEqual(got, []string{"path:item_id", "query:q", "cookie:session_id"}) {
		t.Errorf("layered read params = %q", got)
	}
	del := mustFind(t, layered, "DELETE", "/api/v1/items/7")
	if h := del.Params[1]; h.Name != "x-request-id" || h.In != "header" || !h.Required || del.Security != nil {
		t.Errorf("layered delete: header %+v security %q", h, del.Security)
	}
	create := mustFind(t, layered, "post", "/api/v1/items/")
	if !reflect.DeepEqual(create.Security, [][]string{{"OAuth2PasswordBearer"}}) ||
		!reflect.DeepEqual(create.Scopes, map[string][]string{"OAuth2PasswordBearer": {"items:write"}}) {
		t.Errorf("layered create: security %q scopes %v", create.Security, create.Scopes)
	}
	if sc := layered.SecuritySchemes["OAuth2PasswordBearer"]; !reflect.DeepEqual(sc.Scopes, []string{"items:write"}) || sc.TokenURL != "/api/v1/login" {
		t.Errorf("layered scheme = %+v", sc)
	}
	// GET and HEAD on one path share an operationId in FastAPI documents.
	head := mustFind(t, layered, "HEAD", "/legacy/ping")
	get := mustFind(t, layered, "GET", "/legacy/ping")
	if head == get || head.ID != get.ID || head.Unsafe() {
		t.Errorf("legacy ping: head %+v get %+v", head, get)
	}

	modern := loadTestdata(t, "modern.json")
	acct := mustFind(t, modern, "GET", "/v2/accounts/{account_id}")
	id := acct.Params[0].Schema
	// "exclusiveMinimum": 0.0 in a 3.0 document (Pydantic 1, Path(gt=0)).
	if id.Type != "integer" || id.Minimum == nil || *id.Minimum != 0 || !id.ExclusiveMinimum {
		t.Errorf("account_id schema = %+v", id)
	}
	if v := id.Example(); v != 1 {
		t.Errorf("account_id example = %v, want 1", v)
	}
	if sc := modern.SecuritySchemes["HTTPBearer"]; sc.Type != "http" || sc.Scheme != "bearer" {
		t.Errorf("modern scheme = %+v", sc)
	}
	tags := mustFind(t, modern, "GET", "/v2/accounts/").Params[1]
	if tags.Name != "tags" || tags.Schema.Type != "array" || tags.Schema.Items.Type != "string" {
		t.Errorf("tags param = %+v %+v", tags, tags.Schema)
	}

	rest := loadTestdata(t, "restaurant.json")
	order := mustFind(t, rest, "POST", "/orders").Body.Schema
	items := order.Properties["items"]
	if order.Ref != "OrderCreate" || items.Type != "array" || items.Items.Ref != "OrderItem" ||
		!reflect.DeepEqual(items.Default, []any{}) {
		t.Errorf("OrderCreate = %+v, items %+v", order, items)
	}
	if rest.SecuritySchemes["OAuth2PasswordBearer"].TokenURL != "token" {
		t.Errorf("restaurant token URL = %q", rest.SecuritySchemes["OAuth2PasswordBearer"].TokenURL)
	}
	ex, ok := order.Example().(map[string]any)
	if !ok || !sameSet(mapKeys(ex), []string{"delivery_address", "phone_number"}) {
		t.Errorf("OrderCreate example = %#v", order.Example())
	}

	vuln := loadTestdata(t, "vulnapi.json")
	bulk := mustFind(t, vuln, "POST", "/bulk/")
	if bulk.Security != nil || bulk.Body.ContentType != "multipart/form-data" || bulk.Body.Schema.Properties["file"].Format != "binary" {
		t.Errorf("vulnapi bulk = %+v %+v", bulk, bulk.Body)
	}
}

func mapKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestParameterExample reads the example FastAPI writes next to a
// parameter's schema (Query(example="widget-1")) without changing the
// shared schema.
func TestParameterExample(t *testing.T) {
	doc := `{"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {"/search": {"get": {
	  "parameters": [
	    {"name": "name", "in": "query", "required": true, "schema": {"$ref": "#/components/schemas/Name"}, "example": "widget-1"},
	    {"name": "other", "in": "query", "schema": {"$ref": "#/components/schemas/Name"}}],
	  "responses": {"200": {"description": "ok"}}}}},
	  "components": {"schemas": {"Name": {"type": "string", "minLength": 3}}}}`
	spec, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Find("GET", "/search")
	if op == nil || len(op.Params) != 2 {
		t.Fatalf("operation: %+v", op)
	}
	if got := op.Params[0].Schema.Example(); got != "widget-1" {
		t.Errorf("example of name = %v, want widget-1", got)
	}
	if got := op.Params[1].Schema.Example(); got == "widget-1" {
		t.Errorf("the example leaked into the shared schema of other")
	}
}
