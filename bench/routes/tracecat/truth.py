"""Routes truth for TracecatHQ/tracecat. Usage: python3 truth.py /path/to/extracted/tracecat > routes.json

Include chain read by hand in tracecat/api/app.py create_app() (lines 493-718) and
tracecat/executor/action_gateway/app.py create_app() (lines 193-212).
`ws` = registered through _include_workspace_scoped_router (app.py:484-490): the router is
included twice, once with no prefix (include_in_schema=False) and once under
prefix "/workspaces/{workspace_id}" with dependencies=[Depends(require_workspace_id_path)].
Router constructor prefixes (APIRouter(prefix=...)) are read by routes_ast from the same file;
OWN_PREFIX below supplies the ones that are not literals.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

WS = [("api", ""), ("api", "/workspaces/{workspace_id}")]
API = [("api", "")]
EE = "packages/tracecat-ee/tracecat_ee/"
CHAIN = {
    # app.py:532-536
    ("tracecat/webhooks/router.py", "router"): API,
    ("tracecat/agent/channels/router.py", "router"): API,
    ("tracecat/workspaces/router.py", "router"): API,
    ("tracecat/service_accounts/router.py", "workspace_router"): API,
    ("tracecat/mcp/personal_access_tokens/router.py", "router"): API,
    # app.py:537-547 workspace scoped
    ("tracecat/workflow/management/router.py", "router"): WS,
    ("tracecat/workflow/executions/router.py", "workflow_router"): WS,
    ("tracecat/workflow/graph/router.py", "router"): WS,
    ("tracecat/workflow/executions/router.py", "router"): WS,
    ("tracecat/workflow/actions/router.py", "router"): WS,
    ("tracecat/workflow/tags/router.py", "router"): WS,
    ("tracecat/workflow/store/router.py", "router"): WS,
    ("tracecat/secrets/router.py", "router"): WS,
    ("tracecat/variables/router.py", "router"): WS,
    ("tracecat/workflow/schedules/router.py", "router"): WS,
    ("tracecat/tags/router.py", "router"): WS,
    # app.py:548-554
    ("tracecat/auth/router.py", "router"): API,
    ("tracecat/organization/router.py", "router"): API,
    ("tracecat/service_accounts/router.py", "org_router"): API,
    ("tracecat/agent/router.py", "router"): API,
    ("tracecat/agent/catalog/router.py", "router"): API,
    ("tracecat/agent/access/router.py", "router"): API,
    ("tracecat/agent/provider/router.py", "router"): API,
    # app.py:555-563 workspace scoped
    ("tracecat/agent/router.py", "workspace_router"): WS,
    ("tracecat/agent/channels/management_router.py", "router"): WS,
    ("tracecat/agent/preset/router.py", "router"): WS,
    ("tracecat/agent/tags/router.py", "router"): WS,
    ("tracecat/agent/folders/router.py", "router"): WS,
    ("tracecat/agent/tags/definitions_router.py", "router"): WS,
    ("tracecat/agent/skill/router.py", "router"): WS,
    ("tracecat/agent/session/router.py", "router"): WS,
    (EE + "agent/approvals/router.py", "router"): WS,
    # app.py:564
    (EE + "watchtower/router.py", "router"): API,
    # app.py:565 admin_router = tracecat_ee/admin/router.py APIRouter(prefix="/admin") which
    # includes (router.py:12-15) the organizations/settings/tiers/users routers without extra prefix
    (EE + "admin/organizations/router.py", "router"): [("api", "/admin")],
    (EE + "admin/settings/router.py", "router"): [("api", "/admin")],
    (EE + "admin/tiers/router.py", "router"): [("api", "/admin")],
    (EE + "admin/users/router.py", "router"): [("api", "/admin")],
    # app.py:566-567 include_router(..., prefix="/admin")
    ("tracecat/admin/agent/router.py", "router"): [("api", "/admin")],
    ("tracecat/admin/registry/router.py", "router"): [("api", "/admin")],
    # app.py:568-569
    ("tracecat/inbox/router.py", "router"): WS,
    ("tracecat/editor/router.py", "router"): WS,
    # app.py:570-573
    ("tracecat/registry/repositories/router.py", "router"): API,
    ("tracecat/registry/actions/router.py", "router"): API,
    ("tracecat/settings/router.py", "router"): API,
    ("tracecat/secrets/router.py", "org_router"): API,
    # app.py:574-584 workspace scoped
    ("tracecat/tables/router.py", "router"): WS,
    ("tracecat/cases/router.py", "cases_router"): WS,
    ("tracecat/cases/rows/router.py", "router"): WS,
    ("tracecat/cases/router.py", "case_fields_router"): WS,
    ("tracecat/cases/tags/router.py", "router"): WS,
    ("tracecat/cases/tag_definitions/router.py", "router"): WS,
    ("tracecat/cases/attachments/router.py", "router"): WS,
    ("tracecat/cases/dropdowns/router.py", "definitions_router"): WS,
    ("tracecat/cases/dropdowns/router.py", "values_router"): WS,
    # case_durations_router = durations/router.py `router` (no prefix, line 30) which includes
    # definitions_router and durations_router (lines 337-338)
    ("tracecat/cases/durations/router.py", "definitions_router"): WS,
    ("tracecat/cases/durations/router.py", "durations_router"): WS,
    ("tracecat/workflow/management/folders/router.py", "router"): WS,
    # app.py:585-588
    ("tracecat/integrations/router.py", "oauth_router"): API,
    ("tracecat/integrations/router.py", "integrations_router"): WS,
    ("tracecat/integrations/router.py", "providers_router"): WS,
    ("tracecat/integrations/router.py", "mcp_router"): WS,
    # app.py:589 mcp_oidc_router = tracecat/mcp/oidc/__init__.py:17 APIRouter(prefix="/oauth/mcp")
    # including endpoints.py `router` (no prefix) at __init__.py:18
    ("tracecat/mcp/oidc/endpoints.py", "router"): [("api", "/oauth/mcp")],
    # app.py:590
    ("tracecat/feature_flags/router.py", "router"): API,
    # app.py:591 vcs_router = vcs/router.py org_router (prefix "/organization/vcs", line 26)
    # which includes github_router and gitlab_router (lines 342-343)
    ("tracecat/vcs/router.py", "github_router"): [("api", "/organization/vcs")],
    ("tracecat/vcs/router.py", "gitlab_router"): [("api", "/organization/vcs")],
    # app.py:593-595
    ("tracecat/authz/rbac/router.py", "user_scopes_router"): API,
    ("tracecat/authz/rbac/router.py", "roles_router"): API,
    ("tracecat/authz/rbac/router.py", "user_assignments_router"): API,
    # app.py:611-614 (EE rbac, imported inside create_app)
    (EE + "rbac/router.py", "scopes_router"): API,
    (EE + "rbac/router.py", "roles_router"): API,
    (EE + "rbac/router.py", "groups_router"): API,
    (EE + "rbac/router.py", "assignments_router"): API,
    # app.py:666-667
    ("tracecat/auth/saml.py", "router"): API,
    ("tracecat/auth/discovery.py", "router"): API,
    # app.py:671-675: fastapi_users.get_logout_router(auth_backend), prefix="/auth", only when
    # BASIC not in TRACECAT__AUTH_TYPES; the router is built in auth/users.py:732 (tracecat subclass)
    ("tracecat/auth/users.py", "router"): [("api", "/auth")],
    # app-level routes app.py:728,742,772
    ("tracecat/api/app.py", "app"): API,
    # action gateway (tracecat/executor/action_gateway/app.py create_app, served by server.py:48)
    ("tracecat/executor/action_gateway/app.py", "router"): [("action-gateway", "")],   # app.py:209
    ("tracecat/agent/internal_router.py", "router"): [("action-gateway", "")],        # :150
    ("tracecat/agent/preset/internal_router.py", "router"): [("action-gateway", "")], # :151
    ("tracecat/agent/skill/internal_router.py", "router"): [("action-gateway", "")],  # :152
    ("tracecat/cases/attachments/internal_router.py", "router"): [("action-gateway", "")],  # :153
    ("tracecat/cases/internal_router.py", "router"): [("action-gateway", "")],        # :154
    # cases/internal_router.py:1460-1461 router.include_router(task_router / duration_router);
    # `router` has prefix "/internal/cases" (line 73-77), the two sub-routers none.
    ("tracecat/cases/internal_router.py", "task_router"): [("action-gateway", "/internal/cases")],
    ("tracecat/cases/internal_router.py", "duration_router"): [("action-gateway", "/internal/cases")],
    ("tracecat/deduplicate/internal_router.py", "router"): [("action-gateway", "")],  # :155
    ("tracecat/cases/rows/internal_router.py", "router"): [("action-gateway", "")],   # :156
    ("tracecat/cases/internal_router.py", "comments_router"): [("action-gateway", "")],  # :157
    ("tracecat/cases/tags/internal_router.py", "router"): [("action-gateway", "")],   # :158
    ("tracecat/cases/tag_definitions/internal_router.py", "router"): [("action-gateway", "")],  # :159
    ("tracecat/tables/internal_router.py", "router"): [("action-gateway", "")],       # :160
    ("tracecat/variables/internal_router.py", "router"): [("action-gateway", "")],    # :161
    ("tracecat/workflow/executions/internal_router.py", "router"): [("action-gateway", "")],  # :162
}
# constructor prefixes that are constants (tracecat/registry/constants.py:8,11)
OWN_PREFIX = {
    ("tracecat/registry/repositories/router.py", "router"): "/registry/repos",
    ("tracecat/registry/actions/router.py", "router"): "/registry/actions",
}
# registrations that are not routes / routers never included anywhere
IGNORE = {
    ("tracecat/executor/registry_artifacts.py", "self"),  # self.mount(ctx, image_path): squashfs mount, not HTTP
    (EE + "agent/router.py", "router"),  # APIRouter(prefix="/approvals") never included (dead)
}
CONDITION = {
    "tracecat/auth/users.py": "TRACECAT__AUTH_TYPES without 'basic' (default is {basic}, so not served by default)",
}

# fastapi-users library routers included in app.py (paths from the library's documented API,
# fastapi-users 15.0.2 per uv.lock; the library source was not read)
LIB = [
    # (method, path, include line, condition)
    ("GET", "/users/me", 615, None), ("PATCH", "/users/me", 615, None),
    ("GET", "/users/{id}", 615, None), ("PATCH", "/users/{id}", 615, None), ("DELETE", "/users/{id}", 615, None),
    ("POST", "/auth/login", 622, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/logout", 622, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/register", 627, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/forgot-password", 632, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/reset-password", 632, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/request-verify-token", 637, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("POST", "/auth/verify", 637, "'basic' in TRACECAT__AUTH_TYPES (the default)"),
    ("GET", "/auth/oauth/authorize", 648, "'oidc' in TRACECAT__AUTH_TYPES"),
    ("GET", "/auth/oauth/callback", 648, "'oidc' in TRACECAT__AUTH_TYPES"),
]


def main(root):
    regs, routers = ra.scan_tree(root, ["tracecat", "packages/tracecat-ee", "packages/tracecat-admin"])
    rows = []
    for r in regs:
        key = (r.file, r.receiver)
        if key in IGNORE:
            continue
        if key not in CHAIN:
            sys.exit(f"unmapped registration {r}")
        if r.path is None:
            sys.exit(f"non-literal path {r}")
        own = OWN_PREFIX.get(key)
        if own is None:
            own = routers.get(key, (0, "", "", ""))[1]
            if own is None:
                sys.exit(f"non-literal router prefix {key}")
        for app, pre in CHAIN[key]:
            for m in r.methods:
                row = {"method": m, "path": pre + own + r.path, "file": r.file, "line": r.line, "app": app}
                if r.file in CONDITION:
                    row["condition"] = CONDITION[r.file]
                rows.append(row)
    for m, p, line, cond in LIB:
        row = {"method": m, "path": p, "file": "tracecat/api/app.py", "line": line, "app": "api",
               "source": "fastapi-users library router"}
        if cond:
            row["condition"] = cond
        rows.append(row)
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
