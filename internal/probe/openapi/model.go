package openapi

import (
	"net/url"
	"strings"
)

// Spec is the normalised view of one OpenAPI document. Every value in it,
// schemas included, may be shared between operations: treat it as read-only.
type Spec struct {
	// Version is the document's "openapi" field, e.g. "3.0.2" or "3.1.0".
	Version string
	// Title is info.title.
	Title string
	// Servers are the servers[].url values in document order, with server
	// variables replaced by their defaults. They may be relative ("/api",
	// as FastAPI emits for root_path); see ResolveServers.
	Servers []string
	// Operations are all operations, paths in document order and, within a
	// path, methods in the order GET, PUT, POST, DELETE, OPTIONS, HEAD,
	// PATCH, TRACE.
	Operations []*Operation
	// SecuritySchemes are components.securitySchemes by name.
	SecuritySchemes map[string]*SecurityScheme
	// Warnings lists what was dropped or approximated while normalising:
	// security requirements naming an undeclared scheme, schemas that could
	// not be built, schema trees cut at the node budget. Never fatal.
	Warnings []string
}

// Operation is one method on one path.
type Operation struct {
	// Method is upper-case: GET, POST, ...
	Method string
	// Path is the path template as written in the document, e.g.
	// /items/{item_id}.
	Path string
	// ID is the operationId. FastAPI may emit the same one twice (a route
	// with several methods), so it is not a key.
	ID string
	// Summary is the operation summary.
	Summary string
	// Tags are the operation tags.
	Tags []string
	// Params are the path-item and operation parameters (the operation's win
	// on the same name and location), in document order. The parser drops
	// an operation's whole list when one of them has a $ref that does not
	// resolve (the reason is in Spec.Warnings).
	Params []*Param
	// Body is the request body, nil when the operation takes none. A body
	// whose $ref does not resolve is dropped by the parser too (the reason
	// is in Spec.Warnings).
	Body *Body
	// Security holds the effective requirement sets: the operation's own
	// "security" when present, else the document's. The outer slice lists
	// alternatives (any one suffices); each inner slice names the schemes
	// that must all be satisfied. An empty inner slice is an anonymous
	// alternative. nil means neither the operation nor the document declares
	// security; an empty non-nil slice means the operation explicitly
	// declared "security: []". FastAPI writes security per operation.
	Security [][]string
	// Scopes maps each scheme named in Security to the scopes the operation
	// requires from it (union over the alternatives); schemes without
	// scopes are absent.
	Scopes map[string][]string
	// Deprecated is the operation's deprecated flag.
	Deprecated bool
}

// Param is one parameter of an operation.
type Param struct {
	// Name is the parameter name (for headers as written, e.g. x-tenant).
	Name string
	// In is path, query, header or cookie.
	In string
	// Required is true for every path parameter and for others marked so.
	Required bool
	// Schema is the parameter schema (from "content" when the parameter uses
	// that form); never nil.
	Schema *Schema
}

// Body is an operation's request body.
type Body struct {
	// ContentType is the chosen media type: application/json when offered,
	// else another JSON type (+json), else
	// application/x-www-form-urlencoded, else multipart/form-data, else the
	// first one listed.
	ContentType string
	// Required is the requestBody.required flag.
	Required bool
	// Schema is the schema for ContentType; never nil.
	Schema *Schema
}

// Schema is a normalised JSON schema. OpenAPI 3.0 and 3.1 spellings of the
// same thing come out the same: a single-element allOf is replaced by its
// element, anyOf/oneOf of X and {"type": "null"} (and a type list holding
// "null") becomes X with Nullable set, and 3.1 contentMediaType becomes
// Format "binary". Trees are cut at MaxSchemaDepth levels, which also ends
// $ref cycles.
type Schema struct {
	// Type is string, integer, number, boolean, array, object or "" (any).
	// When the document gives several non-null types or anyOf/oneOf
	// alternatives, the first is used. A schema without a type but with
	// properties is an object; one with items is an array.
	Type string
	// Format is the format keyword (email, uuid, date-time, binary, ...).
	Format string
	// Enum lists the allowed values, decoded (string, int, float64, bool,
	// nil, []any, map[string]any).
	Enum []any
	// Nullable is true when null is allowed (3.0 nullable, 3.1 null type).
	Nullable bool
	// Minimum and Maximum are the numeric bounds. An exclusive bound (3.0
	// boolean or 3.1 number form) is folded in and flagged below.
	Minimum, Maximum *float64
	// ExclusiveMinimum and ExclusiveMaximum mark Minimum/Maximum as
	// exclusive (Pydantic gt/lt).
	ExclusiveMinimum, ExclusiveMaximum bool
	// MinLength and MaxLength bound strings.
	MinLength, MaxLength *int
	// MinItems and MaxItems bound arrays.
	MinItems, MaxItems *int
	// Pattern is the regular expression a string must match.
	Pattern string
	// Default is the decoded default value.
	Default any
	// Examples holds the document's examples for this schema: the 3.0
	// "example" value, then the 3.1 "examples" values. (The method Example
	// builds a value; this field is what the document says.)
	Examples []any
	// Properties are the object properties by name.
	Properties map[string]*Schema
	// Required lists the required property names.
	Required []string
	// Items is the array item schema.
	Items *Schema
	// ReadOnly is the readOnly flag.
	ReadOnly bool
	// Ref is the component name (components/schemas/<Ref>) when the schema
	// came from a $ref, or the raw reference for other targets.
	Ref string
}

// Unsafe reports whether the method may change state: anything but GET,
// HEAD and OPTIONS.
func (o *Operation) Unsafe() bool {
	switch o.Method {
	case "GET", "HEAD", "OPTIONS":
		return false
	}
	return true
}

// PathParams returns the path parameters in document order.
func (o *Operation) PathParams() []*Param {
	var out []*Param
	for _, p := range o.Params {
		if p.In == "path" {
			out = append(out, p)
		}
	}
	return out
}

// AuthRequired reports whether the document says the operation needs
// credentials: some security is declared and no alternative is anonymous.
func (o *Operation) AuthRequired() bool {
	if len(o.Security) == 0 {
		return false
	}
	for _, alt := range o.Security {
		if len(alt) == 0 {
			return false
		}
	}
	return true
}

// Find returns the operation for method and path, or nil. path may be the
// template as written ("/items/{item_id}") or a concrete path
// ("/items/42"); an exact template match wins over a concrete one, and a
// query string is ignored. method is case-insensitive.
func (s *Spec) Find(method, path string) *Operation {
	method = strings.ToUpper(method)
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	for _, op := range s.Operations {
		if op.Method == method && op.Path == path {
			return op
		}
	}
	for _, op := range s.Operations {
		if op.Method == method && templateMatch(op.Path, path) {
			return op
		}
	}
	return nil
}

// templateMatch reports whether path fits template, where a {name} segment
// matches any one non-empty segment.
func templateMatch(template, path string) bool {
	ts := strings.Split(template, "/")
	ps := strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, t := range ts {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if t != ps[i] {
			return false
		}
	}
	return true
}

// ResolveServers returns absolute base URLs for the operations, resolving
// each server URL against docURL, the URL the document was fetched from.
// With no servers it returns docURL's scheme and host (OpenAPI's default
// server is "/"). Server URLs that do not parse are skipped. The result has
// no trailing slash, so callers append Operation.Path directly.
func (s *Spec) ResolveServers(docURL string) []string {
	base, err := url.Parse(docURL)
	if err != nil {
		return nil
	}
	servers := s.Servers
	if len(servers) == 0 {
		servers = []string{"/"}
	}
	var out []string
	for _, srv := range servers {
		ref, err := url.Parse(srv)
		if err != nil {
			continue
		}
		u := base.ResolveReference(ref)
		u.RawQuery, u.Fragment = "", ""
		out = append(out, strings.TrimSuffix(u.String(), "/"))
	}
	return out
}

// SecurityScheme is one entry of components.securitySchemes.
type SecurityScheme struct {
	// Name is the scheme's key in components.securitySchemes.
	Name string
	// Type is http, apiKey, oauth2 or openIdConnect.
	Type string
	// Scheme is the lower-cased HTTP scheme for type http (bearer, basic).
	Scheme string
	// BearerFormat is the bearerFormat hint (e.g. JWT).
	BearerFormat string
	// In is header, query or cookie for type apiKey.
	In string
	// ParamName is the header, query or cookie name for type apiKey.
	ParamName string
	// TokenURL is the password flow's tokenUrl for type oauth2, as written
	// (FastAPI apps often use a relative one such as "token").
	TokenURL string
	// Scopes are the scope names of all oauth2 flows, sorted.
	Scopes []string
	// OpenIDConnectURL is openIdConnectUrl for type openIdConnect.
	OpenIDConnectURL string
}
