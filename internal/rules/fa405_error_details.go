package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/semantic"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

var (
	// clientErrorRE are exceptions whose message is written for the client.
	clientErrorRE = namere.MustCompile(`(HTTPException|RequestValidationError|ValidationError|WebSocketException)$`)
	// internalErrorRE are exceptions whose message describes the server:
	// every exception, and database, driver, I/O and network errors.
	internalErrorRE = namere.MustCompile(`^(builtins\.)?(Exception|BaseException|OSError|IOError|RuntimeError|ConnectionError|TimeoutError)$|^(sqlalchemy|psycopg2?|asyncpg|pymongo|motor|redis|aiomysql|pymysql|sqlite3|requests|httpx|aiohttp|urllib3|boto3|botocore|subprocess|jwt|jose)\.`)
	// errorSinkRE are the calls whose argument reaches the client.
	errorSinkRE = namere.MustCompile(`(^|\.)(HTTPException|JSONResponse|ORJSONResponse|UJSONResponse|PlainTextResponse|HTMLResponse|Response)$`)
	// tracebackRE are calls that render the current exception.
	tracebackRE = namere.MustCompile(`^(traceback\.(format_exc|format_exception|format_tb|format_stack|extract_tb)|sys\.exc_info)$`)
)

func init() {
	Register(&Rule{
		ID: "FA405", Name: "error-details-to-client", Title: "Error details sent to the client",
		Category: "data-exposure", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{209}, OWASP: []string{apiMisconfig, webMisconfig},
		Remediation: "Log the exception server-side (logger.exception) and send a fixed message, optionally with a correlation id.",
		Doc: Doc{
			What: "An `HTTPException` detail or a response body built from a caught exception (`str(exc)`, `repr(exc)`, " +
				"an f-string of it, `exc.args`) or from a traceback (`traceback.format_exc()`), when the exception is broad " +
				"(`Exception`) or comes from the database, a driver, the file system or an HTTP client, in route code or " +
				"in an exception handler. Exceptions meant for clients (`HTTPException`, validation errors) and the " +
				"application's own exception classes are not reported.",
			Why: "Exception messages describe the server: SQL statements and table names, file paths, internal hosts, " +
				"library versions and sometimes data of other users. They guide an attacker's next request.",
			Example: "try:\n    db.commit()\nexcept Exception as exc:\n    raise HTTPException(status_code=400, detail=str(exc))\n",
			Fix: "```python\ntry:\n    db.commit()\nexcept Exception:\n    logger.exception(\"commit failed\")\n" +
				"    raise HTTPException(status_code=400, detail=\"Could not save the item\")\n```",
			References: []string{
				"https://cwe.mitre.org/data/definitions/209.html",
				"https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
			},
		},
		Check: func(p *Pass) {
			// Exception handlers: their exc parameter is the error.
			handlerErrors := map[*semantic.Function]string{}
			for _, r := range p.Model.Routers {
				for _, h := range r.Handlers {
					if h.Func == nil || clientErrorRE.MatchString(h.Exception) || len(h.Func.Node.Args.All()) < 2 {
						continue
					}
					handlerErrors[h.Func] = h.Func.Node.Args.All()[1].Name.Name
				}
			}
			for _, c := range p.Index.CallsNamed("HTTPException", "JSONResponse", "ORJSONResponse", "UJSONResponse", "PlainTextResponse", "HTMLResponse", "Response") {
				if c.Func == nil || !errorSinkRE.MatchString(c.Callee) || !strings.Contains(c.Callee, "fastapi") && !strings.Contains(c.Callee, "starlette") {
					continue
				}
				var detail syntax.Expr
				if strings.HasSuffix(c.Callee, "HTTPException") {
					detail = c.Call.Arg(1, "detail")
				} else {
					detail = c.Call.Arg(0, "content")
				}
				if detail == nil {
					continue
				}
				errs := caughtErrors(p, c.Func, c.Call)
				if name := handlerErrors[c.Func]; name != "" {
					errs[name] = true
				}
				if what := errorText(p, c.Func, detail, errs); what != "" {
					p.Report(c.Module, c.Call, "%s sends %s to the client: exception text describes the server", callText(c.Module.File, c.Call), what)
				}
			}
		},
	})
}

// caughtErrors returns the names bound by the except clauses around a call
// that catch broad or library exceptions.
func caughtErrors(p *Pass, f *semantic.Function, call *syntax.Call) map[string]bool {
	out := map[string]bool{}
	syntax.Inspect(f.Node, func(n syntax.Node) bool {
		h, ok := n.(*syntax.ExceptHandler)
		if !ok || h.Name == nil {
			return true
		}
		if !contains(h.Body, call) {
			return true
		}
		if h.Type == nil || internalException(p, f.Scope, h.Type) {
			out[h.Name.Name] = true
		}
		return true
	})
	return out
}

// internalException reports a caught type (or tuple of types) naming a
// broad or library exception.
func internalException(p *Pass, s *semantic.Scope, e syntax.Expr) bool {
	if t, ok := e.(*syntax.Tuple); ok {
		for _, el := range t.Elts {
			if internalException(p, s, el) {
				return true
			}
		}
		return false
	}
	return internalErrorRE.MatchString(p.Prog.Qualify(s, e))
}

// contains reports whether a node lies within statements.
func contains(body []syntax.Stmt, target syntax.Node) bool {
	found := false
	for _, st := range body {
		syntax.Inspect(st, func(n syntax.Node) bool {
			if n == target {
				found = true
			}
			return !found
		})
	}
	return found
}

// errorText describes how an expression carries an error, or "".
func errorText(p *Pass, f *semantic.Function, e syntax.Expr, errs map[string]bool) string {
	what := ""
	syntax.Inspect(e, func(n syntax.Node) bool {
		switch v := n.(type) {
		case *syntax.Call:
			if tracebackRE.MatchString(p.Prog.Qualify(f.Scope, v.Func)) {
				what = "a traceback"
				return false
			}
			switch v.CalleeName() {
			case "str", "repr", "format":
				if len(v.Args) == 1 {
					if name, ok := v.Args[0].(*syntax.Name); ok && errs[name.ID] {
						what = v.CalleeName() + "(" + name.ID + ")"
						return false
					}
				}
			}
		case *syntax.FormattedValue:
			if name, ok := v.Value.(*syntax.Name); ok && errs[name.ID] {
				what = "the text of " + name.ID
				return false
			}
		case *syntax.Attribute:
			if name, ok := v.Value.(*syntax.Name); ok && errs[name.ID] {
				switch v.Attr.Name {
				case "args", "orig", "message", "msg", "strerror", "filename", "statement":
					what = name.ID + "." + v.Attr.Name
				}
				return false
			}
		case *syntax.Name:
			if errs[v.ID] && e == syntax.Expr(v) {
				what = v.ID
			}
		}
		return what == ""
	})
	return what
}
