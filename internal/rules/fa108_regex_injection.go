package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA108", Name: "regex-injection", Title: "Regular expression built from request data",
		Category: "injection", Severity: finding.Medium, Confidence: finding.HighConfidence,
		CWE: []int{1333}, OWASP: []string{apiResources, webInjection},
		Remediation: "Escape request data with re.escape before putting it in a pattern, or search with plain string methods.",
		Doc: Doc{
			What: "Request data used as a regular expression pattern in `re` or `regex` functions without `re.escape`.",
			Why: "A client-written pattern can take exponential time on Python's backtracking engine (ReDoS): one " +
				"request like `(a+)+$` pins a worker. It also changes what the search matches.",
			Example: "@app.get(\"/search\")\ndef search(q: str):\n    return [n for n in names if re.search(q, n)]\n",
			Fix:     "```python\npattern = re.compile(re.escape(q), re.IGNORECASE)\n```",
			References: []string{
				"https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	var callees []string
	for _, mod := range []string{"re.", "regex."} {
		for _, f := range []string{"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"} {
			callees = append(callees, mod+f)
		}
	}
	RegisterSinks("FA108",
		&taint.Sink{Class: taint.Regex, What: "a regular expression", Args: []int{0}, Kwargs: []string{"pattern"}, Callees: callees},
	)
}
