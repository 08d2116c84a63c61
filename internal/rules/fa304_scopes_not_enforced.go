package rules

import (
	"strings"

	"github.com/fastapi-audit/fastapi-audit/internal/fastapi"
	"github.com/fastapi-audit/fastapi-audit/internal/finding"
	"github.com/fastapi-audit/fastapi-audit/internal/python/syntax"
)

func init() {
	Register(&Rule{
		ID: "FA304", Name: "scopes-not-enforced", Title: "Declared OAuth2 scopes never enforced",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{863}, OWASP: []string{apiFunctionAuthz, webAccess},
		Remediation: "Give the authenticating dependency a SecurityScopes parameter and reject the request (401/403) when a scope in security_scopes.scopes is missing from the token.",
		Doc: Doc{
			What: "A route that requires scopes with `Security(dependency, scopes=[...])` when no dependency in its chain " +
				"takes a `SecurityScopes` parameter and rejects the request after comparing it with the token's scopes.",
			Why: "FastAPI only collects the scopes a route declares and hands them to dependencies that ask for " +
				"`SecurityScopes`; it never checks them itself. If no dependency compares them with the token, the scopes " +
				"appear in the OpenAPI document and in code review, yet every valid token reaches the route.",
			Example: "def get_current_user(token: str = Depends(oauth2_scheme)) -> User: ...\n\n" +
				"@app.delete(\"/items/{item_id}\", dependencies=[Security(get_current_user, scopes=[\"items:delete\"])])\n",
			Fix: "```python\ndef get_current_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)) -> User:\n" +
				"    payload = decode(token)\n    for scope in security_scopes.scopes:\n        if scope not in payload[\"scopes\"]:\n" +
				"            raise HTTPException(status_code=403, detail=\"Not enough permissions\")\n    ...\n```",
			References: []string{
				"https://fastapi.tiangolo.com/advanced/security/oauth2-scopes/",
			},
		},
		Check: func(p *Pass) {
			done := map[syntax.Node]bool{}
			for _, e := range p.Model.Endpoints {
				if len(e.Scopes) == 0 {
					continue
				}
				enforced := false
				var declaring *fastapi.Dependency
				seen := map[*fastapi.Dependency]bool{}
				var walk func(d *fastapi.Dependency, depth int)
				walk = func(d *fastapi.Dependency, depth int) {
					if d == nil || seen[d] || depth > 16 {
						return
					}
					seen[d] = true
					enforced = enforced || d.ChecksScopes()
					if len(d.Scopes) > 0 && declaring == nil {
						declaring = d
					}
					for _, sub := range d.Sub {
						walk(sub, depth+1)
					}
				}
				for _, d := range e.Deps {
					walk(d, 0)
				}
				if enforced || declaring == nil || done[declaring.Node] {
					continue
				}
				done[declaring.Node] = true
				p.Report(declaring.Module, declaring.Node, "%s requires scopes %s, but no dependency compares SecurityScopes with the token: any valid token reaches the route",
					routeName(e), strings.Join(e.Scopes, ", "))
			}
		},
	})
}
