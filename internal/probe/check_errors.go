package probe

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/probe/openapi"
	"github.com/fastapi-audit/fastapi-audit/internal/rules"
)

// The errors check sends malformed values the schema does not expect
// (wrong types, huge numbers, NUL bytes, broken JSON) and reads the
// answers: a 5xx is FA901, a stack trace in the body FA902, Starlette's
// debug page FA404 live. FastAPI's normal answer to bad input, a 422 with
// validation details, is not a finding.
func init() {
	rules.Register(&rules.Rule{
		ID: "FA901", Name: "server-error-on-malformed-input", Title: "Server error on malformed input",
		Category: "input", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{248}, OWASP: []string{"API8:2023", "A04:2021"},
		Remediation: "Validate the input with the parameter's type and constraints (or a Pydantic model) so FastAPI answers 422, and catch the exceptions the handler can raise on odd but valid values.",
		Doc: rules.Doc{
			What: "A live operation answers 5xx to a malformed or unexpected value: a wrong type where the handler " +
				"parses the value itself, a number too large for the database column, a NUL byte, broken JSON. Found by `probe`, " +
				"which sends a few such values to each operation it may call.",
			Why: "An unhandled exception means input reached code that did not expect it: the same path often leads to " +
				"injection, denial of service (an exception per request is costly) or a leak of internals in the error page.",
			Example: "@app.get(\"/items\")\ndef items(page: str = \"1\"):\n    return ITEMS[int(page) * 10:]  # page=abc -> 500\n",
			Fix:     "Declare the real type and bounds so FastAPI rejects bad values with a 422:\n\n```python\n@app.get(\"/items\")\ndef items(page: int = Query(1, ge=1, le=1000)):\n    ...\n```",
			References: []string{"https://cwe.mitre.org/data/definitions/248.html",
				"https://fastapi.tiangolo.com/tutorial/handling-errors/"},
		},
	})
	rules.Register(&rules.Rule{
		ID: "FA902", Name: "stack-trace-in-response", Title: "Stack trace or debug page in a response",
		Category: "exposure", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{209}, OWASP: []string{"API8:2023", "A05:2021"},
		Remediation: "Turn debug off and answer unhandled errors with a generic message (an exception handler for Exception that logs the details server-side).",
		Doc: rules.Doc{
			What: "A live response carries a Python traceback (`Traceback (most recent call last)`, `File \"...\", line N`), " +
				"Starlette's or Werkzeug's debug page, or another framework's stack trace. Found by `probe` on the answers " +
				"to malformed input.",
			Why: "A traceback shows file paths, library versions, code lines and sometimes local variables and SQL: a map " +
				"for the next attack, and occasionally secrets.",
			Example: "app = FastAPI(debug=True)\n\n@app.get(\"/items/{item_id}\")\ndef item(item_id: str):\n    return {\"id\": int(item_id)}  # /items/x -> traceback page\n",
			Fix: "```python\napp = FastAPI(debug=False)\n\n@app.exception_handler(Exception)\nasync def unhandled(request, exc):\n" +
				"    logger.exception(\"unhandled error\")\n    return JSONResponse({\"detail\": \"Internal Server Error\"}, status_code=500)\n```",
			References: []string{"https://cwe.mitre.org/data/definitions/209.html",
				"https://owasp.org/www-community/Improper_Error_Handling"},
		},
	})
	register(&Check{Name: "errors", Rules: []string{"FA901", "FA902", "FA404"}, Order: 60, Run: checkErrors})
}

// stackTraceRE matches tracebacks and debug pages of common stacks.
var stackTraceRE = regexp.MustCompile(`Traceback \(most recent call last\)|File "[^"]+", line \d+, in |` +
	`class="traceback-container"|<title>Starlette Debugger</title>|Werkzeug Debugger|` +
	`You're seeing this error because you have <code>DEBUG = True</code>|` +
	`\bat [a-z]+(\.[a-zA-Z_$][\w$]*)+\([A-Za-z]+\.java:\d+\)|Server Error in '/' Application`)

// starletteDebugRE matches Starlette's debug responses (debug=True).
var starletteDebugRE = regexp.MustCompile(`class="traceback-container"|<h1>500 Server Error</h1>|Traceback \(most recent call last\)`)

// malformed are values that do not fit what a schema expects.
func malformed(sc *openapi.Schema) []string {
	t := ""
	if sc != nil {
		t = sc.Type
	}
	switch t {
	case "integer", "number":
		return []string{"99999999999999999999999", "-1", "1e309"}
	case "boolean":
		return []string{"maybe"}
	}
	return []string{"'\"\x00%s{{7*7}}", strings.Repeat("9", 30), "-1"}
}

// maxErrorOps bounds the operations the check tries; it also stops when it
// has spent a third of what remains of the budget.
const maxErrorOps = 40

func checkErrors(ctx context.Context, s *Session) {
	allowance := s.Client.Remaining() / 3
	spent := func(start int) bool { return s.Client.Sent()-start >= allowance || s.Exhausted() }
	start := s.Client.Sent()
	tried, traced := 0, false
	user := s.firstUser()
	for _, op := range s.Operations() {
		if tried >= maxErrorOps || spent(start) {
			break
		}
		if !s.mayCall(op) || op.Method == http.MethodDelete {
			continue
		}
		tried++
		for _, r := range malformedRequests(op) {
			if spent(start) {
				break
			}
			resp := s.Do(ctx, user.As(r.Request))
			if resp == nil {
				return
			}
			if resp.Status >= 500 {
				what := r.Note
				s.Report("FA901", opName(op), resp, "%s answers %d to %s", opName(op), resp.Status, what)
				if stackTraceRE.Match(resp.Body) {
					s.Report("FA902", opName(op), resp, "the %d answer of %s carries a stack trace", resp.Status, opName(op))
					if !traced && starletteDebugRE.Match(resp.Body) {
						traced = true
						s.Report("FA404", opName(op), resp, "the application runs in debug mode: %s answers errors with the debug traceback", opName(op))
					}
				}
				break // one finding per operation
			}
		}
	}
}

// noted is a request with a description of what is odd about it.
type noted struct {
	*Request
	Note string
}

// malformedRequests builds the odd requests for an operation: each path
// and query parameter in turn gets a value that does not fit its schema,
// and a JSON body is sent broken.
func malformedRequests(op *openapi.Operation) []noted {
	var out []noted
	for _, prm := range op.Params {
		if prm.In != "path" && prm.In != "query" {
			continue
		}
		for _, v := range malformed(prm.Schema)[:1] {
			r := operationRequest(op, map[string]string{prm.Name: v})
			out = append(out, noted{r, fmt.Sprintf("%s parameter %s=%q", prm.In, prm.Name, v)})
		}
	}
	for _, prm := range op.Params {
		if prm.In == "path" || prm.In == "query" {
			if vs := malformed(prm.Schema); len(vs) > 1 {
				r := operationRequest(op, map[string]string{prm.Name: vs[1]})
				out = append(out, noted{r, fmt.Sprintf("%s parameter %s=%q", prm.In, prm.Name, vs[1])})
			}
		}
	}
	if op.Body != nil && strings.Contains(op.Body.ContentType, "json") {
		r := operationRequest(op, nil)
		r.Body = []byte(`{"` + strings.Repeat("[", 64))
		out = append(out, noted{r, "a truncated JSON body"})
	}
	return out
}
