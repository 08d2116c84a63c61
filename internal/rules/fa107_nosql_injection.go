package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/taint"
)

func init() {
	Register(&Rule{
		ID: "FA107", Name: "nosql-injection", Title: "NoSQL injection",
		Category: "injection", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{943}, OWASP: []string{apiUnsafeConsume, webInjection},
		Remediation: "Build MongoDB filters from typed fields (a Pydantic model with str fields), never pass a request's JSON as a filter, and do not use $where.",
		Doc: Doc{
			What: "Request data that may be a dict or list (a JSON body read with `request.json()`, a `dict` or `Any` " +
				"field) used as a pymongo or motor filter or update (`find`, `find_one`, `update_one`, `delete_many`, " +
				"`aggregate`, ...).",
			Why: "A filter taken from the client can carry operators: `{\"password\": {\"$ne\": null}}` logs in without " +
				"a password, `$where` runs JavaScript on the database, `$regex` scans whole collections.",
			Example: "@app.post(\"/login\")\nasync def login(request: Request):\n    user = await db.users.find_one(await request.json())\n",
			Fix:     "```python\nclass Login(BaseModel):\n    username: str\n    password: str\n\n@app.post(\"/login\")\nasync def login(body: Login):\n    user = await db.users.find_one({\"username\": body.username})\n```",
			References: []string{
				"https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection",
			},
		},
		Check: func(p *Pass) {
			// The sinks are method names any object may have: only a
			// program that talks to MongoDB can have these flows.
			if importsPackage(p.Prog, "pymongo", "motor", "beanie", "odmantic", "mongoengine") {
				reportFlows(p)
			}
		},
	})
	RegisterSinks("FA107",
		&taint.Sink{Class: taint.NoSQL, What: "a MongoDB filter", Args: []int{0, 1}, Kwargs: []string{"filter", "update", "pipeline"}, Structured: true,
			Methods: []string{"find", "find_one", "find_one_and_update", "find_one_and_delete", "find_one_and_replace",
				"update_one", "update_many", "delete_one", "delete_many", "replace_one", "count_documents", "aggregate", "distinct"}},
	)
}
