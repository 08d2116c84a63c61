package openapi

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// bodySchema parses a one-operation document whose POST /x body schema is
// body, with components given as JSON.
func bodySchema(t *testing.T, version, body, components string) *Schema {
	t.Helper()
	if components == "" {
		components = "{}"
	}
	doc := fmt.Sprintf(`{"openapi": %q, "info": {"title": "t", "version": "1"},
		"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"schema": %s}}},
		"responses": {"200": {"description": "ok"}}}}},
		"components": {"schemas": %s}}`, version, body, components)
	s, err := Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s.Operations[0].Body.Schema
}

func TestNullableSpellings(t *testing.T) {
	const item = `{"Item": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}`
	tests := []struct {
		name, version, schema, components string
		wantType, wantRef                 string
		wantNullable                      bool
	}{
		{"3.0 nullable", "3.0.3", `{"type": "string", "nullable": true}`, "", "string", "", true},
		{"3.0 plain", "3.0.3", `{"type": "string"}`, "", "string", "", false},
		{"3.0 allOf single ref", "3.0.3", `{"allOf": [{"$ref": "#/components/schemas/Item"}], "nullable": true}`, item, "object", "Item", true},
		{"3.1 type list", "3.1.0", `{"type": ["integer", "null"]}`, "", "integer", "", true},
		{"3.1 anyOf null", "3.1.0", `{"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}]}`, "", "string", "", true},
		{"3.1 anyOf null first", "3.1.0", `{"anyOf": [{"type": "null"}, {"type": "number"}]}`, "", "number", "", true},
		{"3.1 oneOf ref null", "3.1.0", `{"oneOf": [{"$ref": "#/components/schemas/Item"}, {"type": "null"}]}`, item, "object", "Item", true},
		{"3.1 anyOf two types", "3.1.0", `{"anyOf": [{"type": "string"}, {"type": "integer"}]}`, "", "string", "", false},
		{"bare ref", "3.1.0", `{"$ref": "#/components/schemas/Item"}`, item, "object", "Item", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bodySchema(t, tt.version, tt.schema, tt.components)
			if s.Type != tt.wantType || s.Ref != tt.wantRef || s.Nullable != tt.wantNullable {
				t.Errorf("type %q ref %q nullable %v; want %q %q %v", s.Type, s.Ref, s.Nullable, tt.wantType, tt.wantRef, tt.wantNullable)
			}
			if tt.wantRef == "Item" && (s.Properties["name"] == nil || !reflect.DeepEqual(s.Required, []string{"name"})) {
				t.Errorf("Item not resolved: %+v", s)
			}
		})
	}
}

func TestAllOfMerge(t *testing.T) {
	s := bodySchema(t, "3.0.3", `{"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer", "maximum": 5, "exclusiveMaximum": true}}}]}`,
		`{"A": {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "readOnly": true}}}}`)
	if s.Type != "object" || s.Ref != "" || !sameSet(s.Required, []string{"a", "b"}) || !sameSet(keys(s.Properties), []string{"a", "b"}) {
		t.Fatalf("merged allOf = %+v", s)
	}
	if !s.Properties["a"].ReadOnly {
		t.Error("a lost readOnly")
	}
	if b := s.Properties["b"]; *b.Maximum != 5 || !b.ExclusiveMaximum {
		t.Errorf("b = %+v", b)
	}
	// a is read-only, so the example leaves it out.
	if ex := s.Example(); !reflect.DeepEqual(ex, map[string]any{"b": 1}) {
		t.Errorf("example = %#v", ex)
	}
}

func TestSchemaKeywords(t *testing.T) {
	s := bodySchema(t, "3.1.0", `{"type": "object", "properties": {
		"e": {"type": "string", "enum": ["red", "green"]},
		"n": {"type": "number", "exclusiveMinimum": 1.5, "exclusiveMaximum": 9, "default": 2},
		"l": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 3},
		"p": {"type": "string", "pattern": "^[a-z]+$", "example": "abc", "examples": ["def"]},
		"u": {"properties": {"k": {"type": "boolean"}}}
	}}`, "")
	e := s.Properties["e"]
	if !reflect.DeepEqual(e.Enum, []any{"red", "green"}) {
		t.Errorf("enum = %#v", e.Enum)
	}
	n := s.Properties["n"]
	if *n.Minimum != 1.5 || !n.ExclusiveMinimum || *n.Maximum != 9 || !n.ExclusiveMaximum || n.Default != 2 {
		t.Errorf("n = %+v min %v max %v", n, *n.Minimum, *n.Maximum)
	}
	l := s.Properties["l"]
	if *l.MinItems != 2 || *l.MaxItems != 3 || l.Items.Type != "string" {
		t.Errorf("l = %+v", l)
	}
	p := s.Properties["p"]
	if p.Pattern != "^[a-z]+$" || !reflect.DeepEqual(p.Examples, []any{"abc", "def"}) {
		t.Errorf("p = %+v", p)
	}
	if u := s.Properties["u"]; u.Type != "object" || u.Properties["k"].Type != "boolean" {
		t.Errorf("untyped schema with properties = %+v", u)
	}
}

// treeHeight is the number of levels under s (s included). Subtrees are
// shared, so heights are memoised per node.
func treeHeight(s *Schema) int {
	return height(s, map[*Schema]int{})
}

func height(s *Schema, memo map[*Schema]int) int {
	if s == nil {
		return 0
	}
	if h, ok := memo[s]; ok {
		return h
	}
	h := height(s.Items, memo)
	for _, p := range s.Properties {
		h = max(h, height(p, memo))
	}
	memo[s] = h + 1
	return h + 1
}

func TestRefCycleTerminates(t *testing.T) {
	s := bodySchema(t, "3.0.3", `{"$ref": "#/components/schemas/Node"}`, `{
		"Node": {"type": "object", "required": ["name"], "properties": {
			"name": {"type": "string"},
			"next": {"$ref": "#/components/schemas/Node"},
			"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}},
		"A": {"$ref": "#/components/schemas/B"},
		"B": {"$ref": "#/components/schemas/A"}}`)
	if s.Ref != "Node" || s.Properties["next"].Ref != "Node" || s.Properties["children"].Items.Ref != "Node" {
		t.Fatalf("cycle not followed: %+v", s)
	}
	if d := treeHeight(s); d != MaxSchemaDepth+1 {
		t.Errorf("tree depth %d, want %d", d, MaxSchemaDepth+1)
	}
	if ex := s.Example(); !reflect.DeepEqual(ex, map[string]any{"name": "example"}) {
		t.Errorf("example = %#v", ex)
	}
}

func TestDeepInlineSchemaIsCut(t *testing.T) {
	inner := `{"type": "string"}`
	for range 20 {
		inner = `{"type": "object", "required": ["a"], "properties": {"a": ` + inner + `}}`
	}
	s := bodySchema(t, "3.1.0", inner, "")
	if d := treeHeight(s); d != MaxSchemaDepth+1 {
		t.Errorf("tree depth %d, want %d", d, MaxSchemaDepth+1)
	}
}

// TestSharedRefsStayBounded: every property of every component refers to the
// next component, so a naive tree would have 30^8 nodes.
func TestSharedRefsStayBounded(t *testing.T) {
	var comps []string
	for i := range 10 {
		var props []string
		for j := range 30 {
			props = append(props, fmt.Sprintf(`"p%d": {"$ref": "#/components/schemas/C%d"}`, j, (i+1)%10))
		}
		comps = append(comps, fmt.Sprintf(`"C%d": {"type": "object", "required": ["p0", "p1"], "properties": {%s}}`, i, strings.Join(props, ",")))
	}
	s := bodySchema(t, "3.0.3", `{"$ref": "#/components/schemas/C0"}`, "{"+strings.Join(comps, ",")+"}")
	if s.Properties["p0"].Properties["p0"].Ref != "C2" {
		t.Fatalf("refs not resolved: %+v", s.Properties["p0"])
	}
	if ex := s.Example(); ex == nil {
		t.Error("no example")
	}
}
