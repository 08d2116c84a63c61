package probe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
)

// firstOperation returns the first operation with a method whose path
// parameters can all be filled from examples, preferring operations without
// declared security; nil when there is none.
func firstOperation(s *Session, method string) *openapi.Operation {
	var secured *openapi.Operation
	for _, op := range s.Operations() {
		if op.Method != method {
			continue
		}
		if len(op.Security) == 0 {
			return op
		}
		if secured == nil {
			secured = op
		}
	}
	return secured
}

// fillPath substitutes an operation's path parameters: values by name,
// else an example from the parameter's schema.
func fillPath(op *openapi.Operation, values map[string]string) string {
	p := op.Path
	for _, prm := range op.PathParams() {
		v, ok := values[prm.Name]
		if !ok {
			v = exampleString(prm.Schema)
		}
		p = strings.ReplaceAll(p, "{"+prm.Name+"}", url.PathEscape(v))
	}
	return p
}

// exampleString renders a schema's example value as a parameter string.
func exampleString(sc *openapi.Schema) string {
	if sc == nil {
		return "1"
	}
	switch v := sc.Example().(type) {
	case nil:
		return "1"
	case string:
		return v
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprint(int64(v))
		}
		return fmt.Sprint(v)
	default:
		return fmt.Sprint(v)
	}
}

// operationRequest builds a request FastAPI should accept for an
// operation: path parameters from values or examples, required query
// parameters from examples (values override), and an example JSON or form
// body.
func operationRequest(op *openapi.Operation, values map[string]string) *Request {
	r := &Request{Method: op.Method, Path: fillPath(op, values), Operation: opName(op), OperationID: op.ID, Query: url.Values{}}
	for _, prm := range op.Params {
		if prm.In != "query" {
			continue
		}
		if v, ok := values[prm.Name]; ok {
			r.Query.Set(prm.Name, v)
		} else if prm.Required {
			r.Query.Set(prm.Name, exampleString(prm.Schema))
		}
	}
	if op.Body != nil && op.Body.Schema != nil {
		r.Header = http.Header{}
		if strings.Contains(op.Body.ContentType, "form") {
			form := url.Values{}
			if m, ok := op.Body.Schema.Example().(map[string]any); ok {
				for k, v := range m {
					form.Set(k, fmt.Sprint(v))
				}
			}
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = []byte(form.Encode())
		} else {
			r.Header.Set("Content-Type", "application/json")
			r.Body, _ = json.Marshal(op.Body.Schema.Example())
		}
	}
	return r
}

// opName names an operation in findings: "GET /items/{item_id}".
func opName(op *openapi.Operation) string { return op.Method + " " + op.Path }
