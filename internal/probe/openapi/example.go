package openapi

import (
	"math"
	"regexp"
	"strings"
)

// exampleBudget caps the values Example builds for one call, so a wide
// schema (many required properties that are themselves wide objects) stays
// cheap.
const exampleBudget = 1000

// Example builds a plausible value FastAPI will accept for s, for use in a
// request: the first enum value, else the document's own example or default
// when it fits the schema, else a value made from the type, format and
// bounds. Objects get their required, non-read-only properties; arrays get
// one item (or MinItems copies). Booleans are false, so a generated body
// never asks for a privilege. Values are JSON-ready: string, int, float64,
// bool, nil, []any, map[string]any. A nil schema gives nil.
func (s *Schema) Example() any {
	budget := exampleBudget
	return s.example(0, &budget)
}

func (s *Schema) example(depth int, budget *int) any {
	if s == nil || depth > 2*MaxSchemaDepth || *budget <= 0 {
		return nil
	}
	*budget--
	for _, v := range s.Enum {
		if v != nil {
			return v
		}
	}
	if len(s.Enum) > 0 {
		return nil
	}
	for _, v := range s.Examples {
		if s.fits(v) {
			return v
		}
	}
	if s.Default != nil && s.fits(s.Default) {
		return s.Default
	}
	switch s.kind() {
	case "string":
		return s.exampleString()
	case "integer":
		return s.exampleInteger()
	case "number":
		return s.exampleNumber()
	case "boolean":
		return false
	case "array":
		return s.exampleArray(depth, budget)
	case "object":
		return s.exampleObject(depth, budget)
	}
	return "example"
}

// kind is Type, or "object" for an untyped schema with properties.
func (s *Schema) kind() string {
	if s.Type == "" && len(s.Properties) > 0 {
		return "object"
	}
	return s.Type
}

func (s *Schema) exampleObject(depth int, budget *int) map[string]any {
	out := map[string]any{}
	for _, name := range s.Required {
		p, ok := s.Properties[name]
		if !ok {
			out[name] = "example"
			continue
		}
		if p.ReadOnly {
			continue
		}
		out[name] = p.example(depth+1, budget)
	}
	return out
}

func (s *Schema) exampleArray(depth int, budget *int) []any {
	n := 1
	if s.MinItems != nil && *s.MinItems > n {
		n = min(*s.MinItems, 100)
	}
	if s.MaxItems != nil && *s.MaxItems < n {
		n = *s.MaxItems
	}
	out := make([]any, 0, n)
	for range n {
		if s.Items == nil {
			out = append(out, "example")
			continue
		}
		out = append(out, s.Items.example(depth+1, budget))
	}
	return out
}

// formatExamples are valid values for the string formats FastAPI emits
// (Pydantic EmailStr, UUID, datetime, date, time, AnyUrl, IP types, ...).
var formatExamples = map[string]string{
	"email":     "user@example.com",
	"idn-email": "user@example.com",
	"uuid":      "3fa85f64-5717-4562-b3fc-2c963f66afa6",
	"date-time": "2024-01-01T00:00:00Z",
	"date":      "2024-01-01",
	"time":      "12:00:00",
	"duration":  "P1D",
	"uri":       "https://example.com/",
	"url":       "https://example.com/",
	"iri":       "https://example.com/",
	"hostname":  "example.com",
	"ipv4":      "192.0.2.1",
	"ipv6":      "2001:db8::1",
	"byte":      "ZXhhbXBsZQ==",
	"binary":    "example",
	"password":  "Example-passw0rd",
}

func (s *Schema) exampleString() string {
	v, ok := formatExamples[s.Format]
	if !ok {
		v = "example"
	}
	if s.Pattern != "" {
		if p, ok := patternExample(s.Pattern, v); ok {
			v = p
		}
	}
	if s.MinLength != nil && len(v) < *s.MinLength {
		pad := strings.Repeat("x", min(*s.MinLength, 1<<16)-len(v))
		if at := strings.IndexByte(v, '@'); at >= 0 && s.Format != "" {
			v = v[:at] + pad + v[at:] // keep an email an email
		} else {
			v += pad
		}
	}
	if s.MaxLength != nil && len(v) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// patternExample finds a string matching pattern: the pattern itself when
// it is a plain literal (FastAPI's OAuth2 form has pattern "password"),
// else the first candidate that matches. Patterns Go cannot compile are
// ignored.
func patternExample(pattern, preferred string) (string, bool) {
	lit := strings.TrimSuffix(strings.TrimPrefix(pattern, "^"), "$")
	if lit != "" && !strings.ContainsAny(lit, `\.+*?()|[]{}^$`) {
		return lit, true
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	for _, c := range []string{preferred, "example", "a", "A", "1", "abc123", "example-1", "x_1", "2024-01-01"} {
		if re.MatchString(c) {
			return c, true
		}
	}
	return "", false
}

// intBounds returns the inclusive integer range allowed by s.
func (s *Schema) intBounds() (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if s.Minimum != nil {
		lo = math.Ceil(*s.Minimum)
		if s.ExclusiveMinimum && lo == *s.Minimum {
			lo++
		}
	}
	if s.Maximum != nil {
		hi = math.Floor(*s.Maximum)
		if s.ExclusiveMaximum && hi == *s.Maximum {
			hi--
		}
	}
	return lo, hi
}

func (s *Schema) exampleInteger() int {
	lo, hi := s.intBounds()
	v := 1.0
	switch {
	case !math.IsInf(lo, -1):
		v = lo
	case hi < v:
		v = hi
	}
	return int(math.Max(math.Min(v, math.MaxInt32), math.MinInt32))
}

func (s *Schema) exampleNumber() float64 {
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		return (*s.Minimum + *s.Maximum) / 2
	case s.Minimum != nil:
		return *s.Minimum + 1
	case s.Maximum != nil:
		return math.Min(1, *s.Maximum-1)
	}
	return 1
}

// fits reports whether v, taken from the document, satisfies the parts of
// s that Example respects; examples in documents are not always valid.
func (s *Schema) fits(v any) bool {
	if v == nil {
		return false // a null example is never what a probe wants
	}
	switch s.kind() {
	case "string":
		str, ok := v.(string)
		if !ok {
			return false
		}
		if s.MinLength != nil && len(str) < *s.MinLength || s.MaxLength != nil && len(str) > *s.MaxLength {
			return false
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(str) {
				return false
			}
		}
		return true
	case "integer", "number":
		f, ok := toFloat(v)
		if !ok || s.Type == "integer" && f != math.Trunc(f) {
			return false
		}
		if s.Minimum != nil && (f < *s.Minimum || s.ExclusiveMinimum && f == *s.Minimum) {
			return false
		}
		if s.Maximum != nil && (f > *s.Maximum || s.ExclusiveMaximum && f == *s.Maximum) {
			return false
		}
		return true
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		a, ok := v.([]any)
		return ok && (s.MinItems == nil || len(a) >= *s.MinItems) && (s.MaxItems == nil || len(a) <= *s.MaxItems)
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				return false
			}
		}
		return true
	}
	return true
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
