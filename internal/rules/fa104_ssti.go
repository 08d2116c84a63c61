package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA104", Name: "template-injection", Title: "Server-side template injection",
		Category: "injection", Severity: finding.Critical, Confidence: finding.HighConfidence,
		CWE: []int{1336}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Never compile request data as a template: render fixed templates and pass request data as variables (in a sandboxed environment if users must write templates).",
		Doc: Doc{
			What: "Request data that becomes template source: `jinja2.Template(...)`, `Environment.from_string(...)`, " +
				"`mako.template.Template(...)`.",
			Why: "Template languages reach Python objects: `{{ ''.__class__.__mro__[1].__subclasses__() }}` leads to " +
				"reading files and running commands. Compiling a user's string as a template is remote code execution.",
			Example: "@app.post(\"/preview\")\ndef preview(body: Preview):\n    return Template(body.template).render(user=user)\n",
			Fix:     "```python\nenv = Environment(loader=FileSystemLoader(\"templates\"), autoescape=True)\n\n@app.post(\"/preview\")\ndef preview(body: Preview):\n    return env.get_template(\"preview.html\").render(text=body.text)\n```",
			References: []string{
				"https://portswigger.net/web-security/server-side-template-injection",
				"https://jinja.palletsprojects.com/en/stable/sandbox/",
			},
		},
		Check: func(p *Pass) { reportFlows(p) },
	})
	RegisterSinks("FA104",
		&taint.Sink{Class: taint.Template, What: "template source", Args: []int{0}, Kwargs: []string{"source", "text"},
			Callees: []string{"jinja2.Template", "jinja2.environment.Template", "mako.template.Template", "jinja2.Environment.from_string",
				"jinja2.environment.Environment.from_string", "jinja2.sandbox.SandboxedEnvironment.from_string"}},
		&taint.Sink{Class: taint.Template, What: "template source", Args: []int{0}, Kwargs: []string{"source"}, Methods: []string{"from_string"}},
	)
}
