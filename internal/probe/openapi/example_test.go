package openapi

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"regexp"
	"testing"
	"time"
)

func ptrF(f float64) *float64 { return &f }
func ptrI(i int) *int         { return &i }

// validate is an independent check of v against s (the constraints Example
// promises to respect), written from the JSON Schema rules rather than from
// Example's code.
func validate(s *Schema, v any) error {
	if len(s.Enum) > 0 {
		for _, e := range s.Enum {
			if fmt.Sprint(e) == fmt.Sprint(v) {
				return nil
			}
		}
		return fmt.Errorf("%v not in enum %v", v, s.Enum)
	}
	switch s.Type {
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%T is not a string", v)
		}
		n := len([]rune(str))
		if s.MinLength != nil && n < *s.MinLength {
			return fmt.Errorf("%q shorter than %d", str, *s.MinLength)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			return fmt.Errorf("%q longer than %d", str, *s.MaxLength)
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			return fmt.Errorf("%q does not match %s", str, s.Pattern)
		}
		return validateFormat(s.Format, str)
	case "integer", "number":
		var f float64
		switch n := v.(type) {
		case int:
			f = float64(n)
		case float64:
			f = n
			if s.Type == "integer" && f != math.Trunc(f) {
				return fmt.Errorf("%v is not an integer", v)
			}
		default:
			return fmt.Errorf("%T is not a number", v)
		}
		if s.Type == "integer" {
			if _, ok := v.(int); !ok {
				return fmt.Errorf("integer example is %T", v)
			}
		}
		if s.Minimum != nil && (f < *s.Minimum || s.ExclusiveMinimum && f <= *s.Minimum) {
			return fmt.Errorf("%v below minimum %v (exclusive %v)", f, *s.Minimum, s.ExclusiveMinimum)
		}
		if s.Maximum != nil && (f > *s.Maximum || s.ExclusiveMaximum && f >= *s.Maximum) {
			return fmt.Errorf("%v above maximum %v (exclusive %v)", f, *s.Maximum, s.ExclusiveMaximum)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%T is not a bool", v)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%T is not an array", v)
		}
		if s.MinItems != nil && len(a) < *s.MinItems || s.MaxItems != nil && len(a) > *s.MaxItems {
			return fmt.Errorf("%d items outside [%v, %v]", len(a), s.MinItems, s.MaxItems)
		}
		for _, it := range a {
			if s.Items != nil {
				if err := validate(s.Items, it); err != nil {
					return fmt.Errorf("item: %w", err)
				}
			}
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%T is not an object", v)
		}
		for _, r := range s.Required {
			p := s.Properties[r]
			if p != nil && p.ReadOnly {
				continue
			}
			pv, ok := m[r]
			if !ok {
				return fmt.Errorf("required %q missing", r)
			}
			if p != nil {
				if err := validate(p, pv); err != nil {
					return fmt.Errorf("%s: %w", r, err)
				}
			}
		}
	}
	return nil
}

func validateFormat(format, s string) error {
	var err error
	switch format {
	case "email":
		var a *mail.Address
		if a, err = mail.ParseAddress(s); err == nil && a.Address != s {
			err = fmt.Errorf("not a bare address")
		}
	case "uuid":
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(s) {
			err = fmt.Errorf("not a uuid")
		}
	case "date-time":
		_, err = time.Parse(time.RFC3339, s)
	case "date":
		_, err = time.Parse(time.DateOnly, s)
	case "uri":
		var u *url.URL
		if u, err = url.Parse(s); err == nil && (u.Scheme == "" || u.Host == "") {
			err = fmt.Errorf("not absolute")
		}
	}
	if err != nil {
		return fmt.Errorf("%q is not a valid %s: %w", s, format, err)
	}
	return nil
}

func TestExampleValidates(t *testing.T) {
	item := &Schema{Type: "object", Required: []string{"id", "name"}, Properties: map[string]*Schema{
		"id":   {Type: "integer", ReadOnly: true},
		"name": {Type: "string", MinLength: ptrI(3)},
		"note": {Type: "string"},
	}}
	tests := []struct {
		name string
		s    *Schema
	}{
		{"plain string", &Schema{Type: "string"}},
		{"enum", &Schema{Type: "string", Enum: []any{"asc", "desc"}}},
		{"integer enum", &Schema{Type: "integer", Enum: []any{3, 5}}},
		{"email", &Schema{Type: "string", Format: "email"}},
		{"email min length", &Schema{Type: "string", Format: "email", MinLength: ptrI(30)}},
		{"uuid", &Schema{Type: "string", Format: "uuid"}},
		{"date-time", &Schema{Type: "string", Format: "date-time"}},
		{"date", &Schema{Type: "string", Format: "date"}},
		{"uri", &Schema{Type: "string", Format: "uri"}},
		{"min length", &Schema{Type: "string", MinLength: ptrI(12)}},
		{"max length", &Schema{Type: "string", MaxLength: ptrI(3)}},
		{"min and max length", &Schema{Type: "string", MinLength: ptrI(8), MaxLength: ptrI(8)}},
		{"literal pattern", &Schema{Type: "string", Pattern: "password"}},
		{"anchored literal pattern", &Schema{Type: "string", Pattern: "^bearer$"}},
		{"class pattern", &Schema{Type: "string", Pattern: "^[0-9]+$"}},
		{"integer", &Schema{Type: "integer"}},
		{"integer ge 0", &Schema{Type: "integer", Minimum: ptrF(0)}},
		{"integer gt 0", &Schema{Type: "integer", Minimum: ptrF(0), ExclusiveMinimum: true}},
		{"integer ge 10 le 20", &Schema{Type: "integer", Minimum: ptrF(10), Maximum: ptrF(20)}},
		{"integer le -5", &Schema{Type: "integer", Maximum: ptrF(-5)}},
		{"integer lt 0", &Schema{Type: "integer", Maximum: ptrF(0), ExclusiveMaximum: true}},
		{"integer gt 2.5", &Schema{Type: "integer", Minimum: ptrF(2.5), ExclusiveMinimum: true}},
		{"number", &Schema{Type: "number"}},
		{"number gt 0 lt 1", &Schema{Type: "number", Minimum: ptrF(0), ExclusiveMinimum: true, Maximum: ptrF(1), ExclusiveMaximum: true}},
		{"number le 0.5", &Schema{Type: "number", Maximum: ptrF(0.5)}},
		{"number ge 100", &Schema{Type: "number", Minimum: ptrF(100)}},
		{"boolean", &Schema{Type: "boolean"}},
		{"array", &Schema{Type: "array", Items: &Schema{Type: "string", Format: "uuid"}}},
		{"array min items", &Schema{Type: "array", MinItems: ptrI(3), Items: &Schema{Type: "integer", Minimum: ptrF(7)}}},
		{"array max items 0", &Schema{Type: "array", MaxItems: ptrI(0), Items: &Schema{Type: "integer"}}},
		{"object", item},
		{"nested", &Schema{Type: "object", Required: []string{"items", "owner"}, Properties: map[string]*Schema{
			"items": {Type: "array", Items: item},
			"owner": {Type: "object", Required: []string{"email"}, Properties: map[string]*Schema{"email": {Type: "string", Format: "email"}}},
		}}},
		{"nullable", &Schema{Type: "integer", Nullable: true, Minimum: ptrF(5)}},
		{"valid document example", &Schema{Type: "string", MaxLength: ptrI(5), Examples: []any{"abcd"}}},
		{"invalid document example", &Schema{Type: "string", MaxLength: ptrI(2), Examples: []any{"abcd"}}},
		{"invalid default", &Schema{Type: "integer", Minimum: ptrF(1), Default: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.s.Example()
			if err := validate(tt.s, v); err != nil {
				t.Errorf("Example() = %#v: %v", v, err)
			}
			if _, err := json.Marshal(v); err != nil {
				t.Errorf("Example() = %#v is not JSON-encodable: %v", v, err)
			}
		})
	}
}

func TestExampleChoices(t *testing.T) {
	tests := []struct {
		name string
		s    *Schema
		want any
	}{
		{"nil schema", nil, nil},
		{"first enum", &Schema{Type: "string", Enum: []any{"b", "a"}}, "b"},
		{"document example", &Schema{Type: "string", Examples: []any{"Widget"}}, "Widget"},
		{"default", &Schema{Type: "integer", Default: 100}, 100},
		{"boolean is false", &Schema{Type: "boolean"}, false},
		{"skip ge 0", &Schema{Type: "integer", Minimum: ptrF(0)}, 0},
		{"grant_type", &Schema{Type: "string", Pattern: "password"}, "password"},
		{"readonly dropped", &Schema{Type: "object", Required: []string{"id"}, Properties: map[string]*Schema{"id": {Type: "integer", ReadOnly: true}}}, map[string]any{}},
		{"optional dropped", &Schema{Type: "object", Properties: map[string]*Schema{"a": {Type: "string"}}}, map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Example()
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
				t.Errorf("Example() = %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestExampleOnSpecs: every parameter and body example built from the
// testdata documents validates against its schema.
func TestExampleOnSpecs(t *testing.T) {
	for _, f := range []string{"stockroom.json", "stockroom-3.1.json", "vulnapi.json", "restaurant.json", "apix-owasp.json", "layered.json", "modern.json"} {
		s := loadTestdata(t, f)
		for _, op := range s.Operations {
			for _, p := range op.Params {
				if err := validate(p.Schema, p.Schema.Example()); err != nil {
					t.Errorf("%s %s %s param %s: %v", f, op.Method, op.Path, p.Name, err)
				}
			}
			if op.Body != nil {
				if err := validate(op.Body.Schema, op.Body.Schema.Example()); err != nil {
					t.Errorf("%s %s %s body: %v", f, op.Method, op.Path, err)
				}
			}
		}
	}
}

// TestValidateRejects keeps the validator above honest.
func TestValidateRejects(t *testing.T) {
	bad := []struct {
		s *Schema
		v any
	}{
		{&Schema{Type: "integer", Minimum: ptrF(1)}, 0},
		{&Schema{Type: "integer", Minimum: ptrF(0), ExclusiveMinimum: true}, 0},
		{&Schema{Type: "integer"}, 1.5},
		{&Schema{Type: "string", Format: "email"}, "example"},
		{&Schema{Type: "string", Format: "uuid"}, "example"},
		{&Schema{Type: "string", MaxLength: ptrI(2)}, "abc"},
		{&Schema{Type: "string", Pattern: "^a$"}, "b"},
		{&Schema{Type: "string", Enum: []any{"x"}}, "y"},
		{&Schema{Type: "array", MinItems: ptrI(2)}, []any{1}},
		{&Schema{Type: "object", Required: []string{"a"}}, map[string]any{}},
		{&Schema{Type: "boolean"}, "true"},
	}
	for _, b := range bad {
		if validate(b.s, b.v) == nil {
			t.Errorf("validate(%+v, %#v) accepted", b.s, b.v)
		}
	}
}
