package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA111", Name: "open-redirect", Title: "Open redirect",
		Category: "injection", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{601}, OWASP: []string{apiUnsafeConsume, webAccess},
		Remediation: "Redirect only to paths or hosts on an allow-list; for a `next` parameter accept relative paths only.",
		Doc: Doc{
			What: "Request data that becomes the target of a `RedirectResponse`, without an allow-list check that " +
				"refuses other values first.",
			Why: "Links to the trusted domain that bounce to the attacker's site make phishing convincing and leak OAuth " +
				"codes and tokens carried in the URL.",
			Example: "@app.get(\"/login/done\")\ndef done(next: str):\n    return RedirectResponse(next)\n",
			Fix: "```python\n@app.get(\"/login/done\")\ndef done(next: str = \"/\"):\n" +
				"    if not next.startswith(\"/\") or next.startswith(\"//\"):\n        raise HTTPException(400)\n    return RedirectResponse(next)\n```",
			References: []string{
				"https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	RegisterSinks("FA111",
		&taint.Sink{Class: taint.Redirect, What: "a redirect target", Args: []int{0}, Kwargs: []string{"url", "location"},
			Callees: []string{"fastapi.responses.RedirectResponse", "starlette.responses.RedirectResponse", "fastapi.RedirectResponse",
				"flask.redirect", "werkzeug.utils.redirect"}},
	)
}
