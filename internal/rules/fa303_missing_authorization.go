package rules

import (
	"github.com/fastapi-audit/fastapi-audit/internal/namere"

	"github.com/fastapi-audit/fastapi-audit/internal/finding"
)

// privilegedHandlerRE names handlers that do operator work.
var privilegedHandlerRE = namere.MustCompile(`(?i)(^|_)(admin|superuser|impersonate|ban_user|promote|demote|grant_role|revoke_role|set_role|change_role|update_role|set_user_role|list_all_users|all_users)(_|$)`)

func init() {
	Register(&Rule{
		ID: "FA303", Name: "missing-authorization", Title: "Privileged route without a role or scope check",
		Category: "access-control", Severity: finding.High, Confidence: finding.MediumConfidence,
		CWE: []int{285}, OWASP: []string{apiFunctionAuthz, webAccess},
		Remediation: "Require an authorizing dependency (require_admin, Security(..., scopes=[\"admin\"])) on the route or its router, not only authentication.",
		Doc: Doc{
			What: "A route under an admin, internal or management path, or whose handler does operator work (backups, " +
				"role changes, user listings), that authenticates the caller but checks no role, scope or permission: " +
				"no authorizing dependency at any level and no privilege check in the handler.",
			Why: "Authentication only says who the caller is. Without a role check every signed-up user can call the " +
				"admin API (broken function level authorization), which usually means full control of the service.",
			Example: "app.include_router(admin.router, prefix=\"/admin\", dependencies=[Depends(get_current_user)])\n",
			Fix:     "```python\napp.include_router(admin.router, prefix=\"/admin\", dependencies=[Depends(require_admin)])\n```",
			References: []string{
				"https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
			},
		},
		Check: func(p *Pass) {
			for _, e := range p.Model.Endpoints {
				if e.Auth == nil || len(e.Authz) > 0 || len(e.Scopes) > 0 || e.Handler == nil {
					continue
				}
				privileged := privilegedPathRE.MatchString(e.FullPath)
				if !privileged && !privilegedHandlerRE.MatchString(e.Handler.Node.Name.Name) {
					continue
				}
				if _, authz := p.Model.EndpointChecks(e); authz {
					continue
				}
				p.Report(e.Module, e.Node, "%s is a privileged route: it authenticates the caller (%s) but checks no role, scope or permission",
					routeName(e), e.AuthText())
			}
		},
	})
}
