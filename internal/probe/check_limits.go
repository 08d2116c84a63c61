package probe

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The limits check asks for more than an API should give or take:
//
//   - page size: each GET operation's integer page-size parameter (limit,
//     page_size, per_page, size, count, take, top, max_results) is sent as
//     1, left at its default, and sent as 100000. When the document gives
//     the parameter no maximum and the API answers 100000 with 2xx instead
//     of a 4xx, or when the API returns more items than the documented
//     maximum, the static FA503 is confirmed live (FA912 when only the live
//     rules are selected), with the item counts in the message. When the
//     operation also has an offset or page number, the page after the
//     huge one tells a server that clamps the size silently (more rows
//     follow: no finding) from one that returned everything;
//   - body size: with --allow-unsafe, a POST (else PUT or PATCH) operation
//     with a JSON body gets its example body with 1 MiB in a string
//     property that documents no maxLength; a 2xx answer (not 413, 422 or
//     400) is FA912. At most two such bodies are sent in a run, POSTs
//     first, as PUT and PATCH overwrite existing data.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA912", Name: "oversized-request-accepted", Title: "Oversized page or body accepted",
		Category: "input", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{770}, OWASP: []string{"API4:2023"},
		Remediation: "Limit request bodies (at the proxy, e.g. nginx client_max_body_size, or with a middleware that answers 413), give string fields a max_length and page sizes an upper bound (Query(50, ge=1, le=100)).",
		Doc: rules.Doc{
			What: "A live operation accepts a request far larger than it needs: a JSON body with 1 MiB in one string " +
				"field is answered 2xx (not 413 Payload Too Large, 422 or 400). Found by `probe` with `--allow-unsafe` " +
				"on POST operations (then PUT and PATCH) whose body has a string property without `maxLength`; at most " +
				"two such bodies are sent. The same check asks list operations for 100000 items per page: that is " +
				"reported as the static FA503 confirmed live, or as FA912 when FA503 is not selected.",
			Why: "Every byte accepted is parsed, validated, held in memory and often stored: a few concurrent " +
				"megabyte bodies exhaust a small worker's memory, fill the database and the logs, and make every later " +
				"read of the stored value slow. Unbounded input is the cheapest denial of service there is.",
			Example: "class Feedback(BaseModel):\n    message: str  # no max_length\n\n" +
				"@app.post(\"/feedback\")\ndef send_feedback(body: Feedback):\n    db.add(FeedbackRow(message=body.message))\n",
			Fix: "```python\nclass Feedback(BaseModel):\n    message: str = Field(..., max_length=2000)\n```\n\n" +
				"and cap the body size before FastAPI reads it, at the proxy (`client_max_body_size 64k;`) or with a " +
				"middleware that answers 413 when Content-Length (or the bytes read) exceed the limit.",
			References: []string{"https://cwe.mitre.org/data/definitions/770.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/"},
		},
	})
	register(&Check{Name: "limits", Rules: []string{"FA503", "FA912"}, Order: 85, Run: checkLimits})
}

// Bounds of the limits check.
const (
	hugePage     = 100000  // the page size asked for
	maxPageOps   = 10      // most page-size parameters tried
	bigBodySize  = 1 << 20 // bytes put in a string property
	maxBodyTries = 2       // most oversized bodies sent
)

// bigBodyChar fills the oversized string.
const bigBodyChar = "A"

// bigBodyCurl rewrites the curl command of an oversized body, which would
// carry the whole megabyte (more than a shell accepts in one argument),
// into a pipeline that makes the same body and gives it to curl on stdin.
func bigBodyCurl(cmd string, body []byte) string {
	big := strings.Repeat(bigBodyChar, bigBodySize)
	before, after, ok := strings.Cut(string(body), big)
	quoted := " --data-binary " + shellQuote(string(body), nil)
	if !ok || !strings.Contains(cmd, quoted) {
		return strings.Replace(cmd, big, fmt.Sprintf("<%d x %s>", bigBodySize, bigBodyChar), 1)
	}
	return fmt.Sprintf("{ printf %%s %s; head -c %d /dev/zero | tr '\\0' %s; printf %%s %s; } | %s",
		shellQuote(before, nil), bigBodySize, bigBodyChar, shellQuote(after, nil),
		strings.Replace(cmd, quoted, " --data-binary @-", 1))
}

// pageSizeNames are page-size parameter names, lower-case, without
// separators.
var pageSizeNames = map[string]bool{
	"limit": true, "pagesize": true, "perpage": true, "size": true, "maxresults": true,
	"count": true, "take": true, "top": true, "pagelimit": true, "itemsperpage": true,
}

// isPageSize reports an integer query parameter named like a page size.
func isPageSize(prm *openapi.Param) bool {
	if prm.In != "query" || prm.Schema == nil || (prm.Schema.Type != "integer" && prm.Schema.Type != "number") {
		return false
	}
	return pageSizeNames[normName(prm.Name)]
}

func checkLimits(ctx context.Context, s *Session) {
	if s.Enabled("FA503") || s.Enabled("FA912") {
		checkPageSizes(ctx, s)
	}
	if s.Enabled("FA912") {
		checkBodySizes(ctx, s)
	}
}

// checkPageSizes asks each page-size parameter for a huge page.
func checkPageSizes(ctx context.Context, s *Session) {
	rule := "FA503"
	if !s.Enabled(rule) {
		rule = "FA912"
	}
	user := s.firstUser()
	tried := 0
	for _, op := range s.Operations() {
		if op.Method != http.MethodGet {
			continue
		}
		for _, prm := range op.Params {
			if !isPageSize(prm) {
				continue
			}
			if tried >= maxPageOps || s.Exhausted() || ctx.Err() != nil {
				return
			}
			limit, bounded := schemaMaximum(prm.Schema)
			if bounded && limit >= hugePage {
				continue // the document allows the huge page
			}
			tried++
			send := func(values map[string]string) *Response {
				return s.Do(ctx, user.As(operationRequest(op, values)))
			}
			pages := pageAnswers{}
			if !bounded {
				// Without a documented maximum, the small and the default
				// page show whether the huge one really gave more.
				if pages.small = send(map[string]string{prm.Name: "1"}); pages.small == nil {
					continue // not sent (budget, error): the loop stops if the budget is spent
				}
				if !pages.small.OK() {
					continue // credentials or other parameters needed; nothing to compare
				}
				pages.def = pages.small
				if !prm.Required {
					if pages.def = send(nil); pages.def == nil {
						continue
					}
				}
			}
			if pages.huge = send(map[string]string{prm.Name: strconv.Itoa(hugePage)}); pages.huge == nil {
				continue
			}
			// A server that clamps the page size silently gives a full page
			// of the clamped size: the rows after it tell the two apart.
			if n := itemCount(pages.huge); !bounded && pages.huge.OK() && !pages.huge.Truncated && n > 0 {
				if pg, value := nextPageParam(op, prm, n); pg != nil {
					pages.nextParam = pg.Name + "=" + value
					if pages.next = send(map[string]string{prm.Name: strconv.Itoa(n), pg.Name: value}); pages.next == nil {
						continue
					}
				}
			}
			if msg, confident, ok := pageVerdict(prm, pages); ok {
				f := s.Report(rule, opName(op), pages.huge, "%s accepts %s=%d: %s", opName(op), prm.Name, hugePage, msg)
				if !confident {
					f.Confidence = finding.MediumConfidence
				}
				break // one finding per operation
			}
		}
	}
}

// pageAnswers are the answers to the page sizes asked for; any but huge
// may be nil (not asked).
type pageAnswers struct {
	small, def, huge *Response // page size 1, the default, hugePage
	next             *Response // the page after the huge one, same size
	nextParam        string    // how next was asked for: "offset=30"
}

// offsetNames and pageNumberNames are the parameters that move to the next
// page, lower-case without separators.
var (
	offsetNames     = map[string]bool{"offset": true, "skip": true, "start": true, "from": true}
	pageNumberNames = map[string]bool{"page": true, "pagenumber": true, "pageno": true, "pagenum": true, "pageindex": true}
)

// nextPageParam finds the parameter that asks for the rows after the first
// n (offset=n, or page=2 with n rows a page); nil when the operation has
// none.
func nextPageParam(op *openapi.Operation, size *openapi.Param, n int) (*openapi.Param, string) {
	for _, prm := range op.Params {
		if prm == size || prm.In != "query" || prm.Schema == nil || prm.Schema.Type != "integer" {
			continue
		}
		switch name := normName(prm.Name); {
		case offsetNames[name]:
			return prm, strconv.Itoa(n)
		case pageNumberNames[name]:
			return prm, "2"
		}
	}
	return nil, ""
}

// normName lower-cases a parameter name and drops separators.
func normName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '$' || r == '[' || r == ']' || r == '.' {
			return -1
		}
		return r
	}, strings.ToLower(name))
}

// pageVerdict decides on the answers to the page sizes: a finding when
// the huge page is answered 2xx and the document gives no maximum (unless
// the rows after it show the server clamped the size), or when it holds
// more items than the documented maximum. The message says how many items
// came back; confident is false when nothing shows that the huge page gave
// more than a clamped one would.
func pageVerdict(prm *openapi.Param, a pageAnswers) (msg string, confident, ok bool) {
	huge := a.huge
	if !huge.OK() {
		return "", false, false // 4xx: rejected; 5xx: another rule's business
	}
	count := func(r *Response) int {
		if r == nil || !r.OK() {
			return -1
		}
		return itemCount(r)
	}
	nSmall, nDef, nHuge, nNext := count(a.small), count(a.def), count(huge), count(a.next)
	switch {
	case huge.Truncated:
		msg = fmt.Sprintf("the %d answer exceeded the %d-byte response cap", huge.Status, len(huge.Body))
	case nHuge >= 0:
		msg = fmt.Sprintf("the %d answer holds %d items", huge.Status, nHuge)
		if nSmall >= 0 {
			msg += fmt.Sprintf(" (%s=1 gave %d", prm.Name, nSmall)
			if a.def != a.small && nDef >= 0 {
				msg += fmt.Sprintf(", the default %d", nDef)
			}
			msg += ")"
		}
	default:
		msg = fmt.Sprintf("answered %d instead of rejecting the value", huge.Status)
	}
	if limit, bounded := schemaMaximum(prm.Schema); bounded {
		if limit < hugePage && (huge.Truncated || nHuge > int(limit)) {
			return msg + fmt.Sprintf(", more than the documented maximum of %d", int(limit)), true, true
		}
		return "", false, false // bounded in the document, and the server keeps to it
	}
	if nNext > 0 {
		return "", false, false // more rows after the huge page: the server clamps the size
	}
	confident = huge.Truncated || nNext == 0 || (nDef >= 0 && nHuge > nDef)
	if nNext == 0 {
		msg += fmt.Sprintf(", and there is nothing after them (%s): the whole collection came back", a.nextParam)
	}
	return msg + "; the document gives the parameter no maximum", confident, true
}

// schemaMaximum is a schema's upper bound, if it has one.
func schemaMaximum(sc *openapi.Schema) (float64, bool) {
	if sc == nil || sc.Maximum == nil {
		return 0, false
	}
	return *sc.Maximum, true
}

// checkBodySizes sends at most maxBodyTries oversized JSON bodies.
func checkBodySizes(ctx context.Context, s *Session) {
	user := s.firstUser()
	tries := 0
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodPatch} {
		for _, op := range s.Operations() {
			if tries >= maxBodyTries || s.Exhausted() || ctx.Err() != nil {
				return
			}
			if op.Method != method || !s.mayCall(op) || isAuthEndpoint(op) || (user == nil && requiresAuth(op)) {
				continue
			}
			r, field := oversizedRequest(op)
			if r == nil {
				continue
			}
			tries++
			resp := s.Do(ctx, user.As(r))
			if resp == nil {
				continue
			}
			if resp.OK() {
				f := s.Report("FA912", opName(op), resp,
					"%s accepted a %d KiB JSON body (%d characters in %s) with %d; nothing limits the body or the field's length",
					opName(op), len(r.Body)>>10, bigBodySize, field, resp.Status)
				if f.HTTP != nil {
					f.HTTP.Curl = bigBodyCurl(f.HTTP.Curl, r.Body)
				}
				return
			}
		}
	}
}

// oversizedRequest builds an operation's example request with 1 MiB in a
// top-level string property that has no maxLength; nil when the body is
// not JSON or has no such property.
func oversizedRequest(op *openapi.Operation) (*Request, string) {
	if op.Body == nil || op.Body.Schema == nil || !strings.Contains(op.Body.ContentType, "json") {
		return nil, ""
	}
	field := ""
	for _, name := range sortedProps(op.Body.Schema) {
		p := op.Body.Schema.Properties[name]
		if p == nil || p.Type != "string" || p.ReadOnly || len(p.Enum) > 0 || p.MaxLength != nil || p.Pattern != "" {
			continue
		}
		switch p.Format {
		case "", "password", "text":
		default:
			continue // email, uuid, date...: validated, a megabyte of "A" is a 422
		}
		field = name // required ones come first: they are always read
		break
	}
	if field == "" {
		return nil, ""
	}
	body, _ := op.Body.Schema.Example().(map[string]any)
	if body == nil {
		body = map[string]any{}
	}
	body[field] = strings.Repeat(bigBodyChar, bigBodySize)
	r := operationRequest(op, nil)
	b, err := json.Marshal(body)
	if err != nil {
		return nil, ""
	}
	r.Body = b
	return r, field
}

// sortedProps lists a schema's property names, required ones first.
func sortedProps(sc *openapi.Schema) []string {
	var req, opt []string
	for _, name := range slices.Sorted(maps.Keys(sc.Properties)) {
		if isRequired(sc, name) {
			req = append(req, name)
		} else {
			opt = append(opt, name)
		}
	}
	return append(req, opt...)
}

// isRequired reports a required property.
func isRequired(sc *openapi.Schema, name string) bool {
	return slices.Contains(sc.Required, name)
}
