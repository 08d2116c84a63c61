package probe

import (
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
)

// fuzzSpec is a document whose PATCH body the mass-assignment helpers read
// fuzzed resources against.
const fuzzSpec = `{"openapi": "3.0.2", "info": {"title": "f", "version": "1"}, "paths": {"/users/{user_id}": {"patch": {
 "parameters": [{"name": "user_id", "in": "path", "required": true, "schema": {"type": "integer"}}],
 "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["name"],
  "properties": {"name": {"type": "string"}, "role": {"type": "string", "enum": ["user", "admin"]}, "is_admin": {"type": "boolean", "readOnly": true}}}}}},
 "responses": {"200": {"description": "ok"}}}}}}`

// FuzzResponseReaders feeds server-controlled data, two answers' status,
// headers and bodies, to every helper that reads answers: media types and
// JSON, BOLA's object and owner reading and answer comparison, the
// injection check's database-error signatures and answer shapes, the JWT
// parser (tokens come back from login endpoints) and answer comparison,
// HSTS and rate-limit headers, traceback detection, and the
// mass-assignment field selection. Nothing may panic; the comparisons
// must be symmetric and the extracted texts valid and short.
func FuzzResponseReaders(f *testing.F) {
	spec, err := openapi.Parse([]byte(fuzzSpec))
	if err != nil {
		f.Fatal(err)
	}
	op := spec.Operations[0]
	f.Fuzz(func(t *testing.T, status int, contentType, header string, body, other []byte) {
		h := http.Header{"Content-Type": {contentType}, "Retry-After": {header},
			"Strict-Transport-Security": {header}, "X-" + header: {header}}
		a := &Response{Status: status, Header: h, Body: body}
		b := &Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: other}

		a.MediaType()
		a.IsJSON()
		v := a.JSON()
		meaningful(a)
		userID(v)
		objectID(v)
		ownerOf(v)
		ownedBy(v, "1")
		hasOwnerField(v)
		listedIDs(v)
		if sameObject(body, other) != sameObject(other, body) {
			t.Fatalf("sameObject is not symmetric on %q and %q", body, other)
		}
		if sameAnswer(a, b) != sameAnswer(b, a) {
			t.Fatalf("sameAnswer is not symmetric on %q and %q", body, other)
		}
		if m, ok := matchDBError(body); ok {
			if m.Text == "" || !utf8.ValidString(m.Text) || utf8.RuneCountInString(m.Text) > 163 || strings.Contains(m.Text, "\n") {
				t.Fatalf("database error text %q", m.Text)
			}
		}
		shapeOf(a, string(other))
		shapeOf(b, header)
		describeAnswer(a)
		differential(answer{resp: a, sent: header}, answer{resp: b}, answer{resp: a})

		if tok, err := parseJWT(string(body)); err == nil {
			tok.Alg()
			tok.expiry()
			tok.withAlg("none", nil)
			if _, err := resign(tok, "secret", func(c map[string]any) { c["sub"] = "x" }); err != nil && hmacHash(tok.Alg()) != nil {
				t.Fatalf("resign %q: %v", body, err)
			}
			crackHMAC(tok, []string{"secret", header})
		}
		hstsMaxAge(header)
		throttleHeader(h)
		burstVerdict([]*Response{a, b, a})
		stackTraceRE.Match(body)
		starletteDebugRE.Match(body)

		if before, ok := v.(map[string]any); ok {
			for _, in := range injections(op, before, "1", header) {
				if in.key == "" || in.status == "" {
					t.Fatalf("injection %+v", in)
				}
			}
			baseBody(op, before)
		}
	})
}
