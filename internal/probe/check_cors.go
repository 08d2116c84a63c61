package probe

import (
	"context"
	"net/http"
	"strings"
)

// The CORS check confirms FA601 and FA602 live: it sends requests with
// origins the API cannot mean to trust (a foreign site, "null", look-alikes
// of the target's own host) and reads what the API allows. A dummy Cookie
// header goes with them: Starlette reflects any origin for
// allow_origins=["*"] with credentials only when the request has one.
func init() {
	register(&Check{Name: "cors", Rules: []string{"FA601", "FA602"}, Order: 30, Run: checkCORS})
}

const foreignOrigin = "https://fastapi-audit.invalid"

func checkCORS(ctx context.Context, s *Session) {
	path, op := "/", "GET "+s.Client.Base().Path+"/"
	if o := firstOperation(s, http.MethodGet); o != nil {
		path, op = fillPath(o, nil), "GET "+o.Path
	}
	host := s.Client.Base().Hostname()
	origins := []string{foreignOrigin, "null", "https://" + host + ".fastapi-audit.invalid", "https://fastapi-audit-" + host}
	var credResp, anyResp *Response
	var credOrigins []string
	wildcard := false
	for _, origin := range origins {
		resp := s.Do(ctx, &Request{Method: http.MethodGet, Path: path, Header: http.Header{
			"Origin": {origin}, "Cookie": {"fastapi_audit_probe=1"}}})
		if resp == nil {
			return
		}
		allow := resp.Header.Get("Access-Control-Allow-Origin")
		creds := strings.EqualFold(resp.Header.Get("Access-Control-Allow-Credentials"), "true")
		switch {
		case allow == origin && creds:
			credOrigins = append(credOrigins, origin)
			if credResp == nil {
				credResp = resp
			}
		case allow == "*" || allow == origin:
			wildcard = wildcard || allow == "*"
			if anyResp == nil {
				anyResp = resp
			}
		}
	}
	// A preflight shows what a browser would allow for non-simple requests.
	pre := s.Do(ctx, &Request{Method: http.MethodOptions, Path: path, Header: http.Header{
		"Origin": {foreignOrigin}, "Access-Control-Request-Method": {"PUT"},
		"Access-Control-Request-Headers": {"authorization, content-type"}}})
	if pre != nil && pre.Header.Get("Access-Control-Allow-Origin") == foreignOrigin &&
		strings.EqualFold(pre.Header.Get("Access-Control-Allow-Credentials"), "true") && credResp == nil {
		credOrigins, credResp = append(credOrigins, foreignOrigin+" (preflight)"), pre
	}
	switch {
	case credResp != nil:
		s.Report("FA601", op, credResp, "the API allows credentialed cross-origin requests from origins it cannot trust: %s",
			strings.Join(credOrigins, ", "))
	case anyResp != nil && wildcard:
		s.Report("FA602", op, anyResp, "the API allows any origin (Access-Control-Allow-Origin: *)")
	case anyResp != nil:
		s.Report("FA602", op, anyResp, "the API reflects foreign origins in Access-Control-Allow-Origin")
	}
}
