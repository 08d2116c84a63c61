package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/namere"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

var loggerRE = namere.MustCompile(`(?i)(^|\.)_?(log|logger|logging|audit_log|_logger|structlog)$`)

func init() {
	Register(&Rule{
		ID: "FA113", Name: "log-injection", Title: "Log injection",
		Category: "injection", Severity: finding.Low, Confidence: finding.MediumConfidence,
		CWE: []int{117}, OWASP: []string{apiUnsafeConsume, webLogging},
		Remediation: "Pass request data as logging arguments (logger.info(\"login %r\", name)) or log structured fields; %r shows line breaks instead of writing them.",
		Doc: Doc{
			What: "Request data formatted into the message of a logging call (`logger.info(f\"... {name}\")`, string " +
				"concatenation, `%` or `.format`).",
			Why: "Line breaks in the value forge whole log entries (\"login failed\\nINFO login succeeded for admin\"), " +
				"which misleads incident response and log-based alerting; ANSI escapes can attack the terminal reading " +
				"the logs.",
			Example: "logger.info(f\"password reset requested for {email}\")\n",
			Fix:     "```python\nlogger.info(\"password reset requested for %r\", email)\n```",
			References: []string{
				"https://owasp.org/www-community/attacks/Log_Injection",
				"https://cwe.mitre.org/data/definitions/117.html",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	formatted := func(c *syntax.Call) []syntax.Expr {
		msg := arg(c, 0, "msg")
		switch msg.(type) {
		case *syntax.JoinedStr, *syntax.BinOp:
			return []syntax.Expr{msg}
		case *syntax.Call:
			if a, ok := msg.(*syntax.Call).Func.(*syntax.Attribute); ok && a.Attr.Name == "format" {
				return []syntax.Expr{msg}
			}
		}
		return nil
	}
	methods := []string{"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"}
	var callees []string
	for _, m := range methods {
		callees = append(callees, "logging."+m)
	}
	RegisterSinks("FA113",
		&taint.Sink{Class: taint.Log, What: "a log message", Callees: callees, Pick: formatted},
		&taint.Sink{Class: taint.Log, What: "a log message", Methods: methods, Pick: formatted,
			Recv: func(r string) bool { return loggerRE.MatchString(r) }},
	)
}
