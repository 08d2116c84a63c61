package probe

import (
	"encoding/json"
	"mime"
	"strings"
)

// Text is the body as text.
func (r *Response) Text() string { return string(r.Body) }

// MediaType is the response's media type without parameters, lower-case.
func (r *Response) MediaType() string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	}
	return mt
}

// IsJSON reports a JSON media type (application/json, application/problem+json).
func (r *Response) IsJSON() bool {
	mt := r.MediaType()
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// JSON decodes the body; nil when it is not JSON.
func (r *Response) JSON() any {
	var v any
	if json.Unmarshal(r.Body, &v) != nil {
		return nil
	}
	return v
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }
