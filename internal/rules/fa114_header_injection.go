package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA114", Name: "header-injection", Title: "HTTP header built from request data",
		Category: "injection", Severity: finding.Medium, Confidence: finding.MediumConfidence,
		CWE: []int{113}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Validate values before putting them in headers or cookies (allow-lists, strict patterns), and never echo raw request data into Set-Cookie or Location.",
		Doc: Doc{
			What: "Request data passed as response headers (`headers=` of a response, `response.headers[...] = ...`) or as " +
				"a cookie's name or value (`set_cookie`).",
			Why: "Values with line breaks split the response on servers that do not reject them (response splitting, " +
				"cache poisoning); values chosen by the client in Set-Cookie let it fix another user's session or " +
				"overwrite security cookies.",
			Example: "@app.get(\"/lang\")\ndef lang(response: Response, value: str):\n    response.set_cookie(\"lang\", value)\n",
			Fix:     "```python\nLANGS = {\"en\", \"fr\"}\n\n@app.get(\"/lang\")\ndef lang(response: Response, value: str):\n    if value not in LANGS:\n        raise HTTPException(400)\n    response.set_cookie(\"lang\", value, httponly=True, secure=True, samesite=\"lax\")\n```",
			References: []string{
				"https://owasp.org/www-community/attacks/HTTP_Response_Splitting",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	responses := []string{"fastapi.responses.Response", "starlette.responses.Response", "fastapi.Response",
		"fastapi.responses.JSONResponse", "starlette.responses.JSONResponse", "fastapi.responses.PlainTextResponse",
		"fastapi.responses.HTMLResponse", "fastapi.responses.StreamingResponse"}
	RegisterSinks("FA114",
		&taint.Sink{Class: taint.Header, What: "response headers", Kwargs: []string{"headers"}, Callees: responses},
		&taint.Sink{Class: taint.Header, What: "a cookie", Args: []int{0, 1}, Kwargs: []string{"key", "value"}, Methods: []string{"set_cookie"}},
		&taint.Sink{Class: taint.Header, What: "a response header", Store: "headers"},
	)
}
