"""Routes truth for Netflix/dispatch (src/dispatch).

usage: python3 truth.py /path/to/extracted/tree > routes.json

Assembly, read by hand:
  src/dispatch/main.py:56  app = FastAPI(openapi_url="")           -- root ASGI app (served)
  src/dispatch/main.py:62  frontend = FastAPI(openapi_url="")      -- SPA app
  src/dispatch/main.py:76  api = FastAPI(root_path="/api/v1", redoc_url="/docs",
                                         openapi_url="/docs/openapi.json", docs_url=None)
  src/dispatch/main.py:259 install_plugin_events(api_router)  -> common/utils/cli.py:12-16
        every loaded plugin with `.events` router is included into api_router with
        prefix "/{organization}/events"; only dispatch_slack has one
        (plugins/dispatch_slack/plugin.py:83 events = slack_event_router).
  src/dispatch/main.py:262 api.include_router(api_router)
  src/dispatch/main.py:265-266 frontend.mount("/", StaticFiles) if STATIC_DIR is a dir
  src/dispatch/main.py:268 app.mount("/api/v1", app=api)
  src/dispatch/main.py:269 app.mount("/", app=frontend)
  src/dispatch/api.py:71  api_router = APIRouter(...) (no prefix)
  src/dispatch/api.py:83  authenticated_api_router = APIRouter()
  src/dispatch/api.py:98  authenticated_organization_api_router = APIRouter(prefix="/{organization}",
                              dependencies=[Depends(get_organization_path)])
  src/dispatch/api.py:91  api_router.include_router(auth_router, prefix="/{organization}/auth")
  src/dispatch/api.py:94  authenticated_api_router.include_router(organization_router, prefix="/organizations")
  src/dispatch/api.py:102-254 authenticated_organization_api_router.include_router(X, prefix=P)
  src/dispatch/api.py:262 api_router.include_router(authenticated_organization_api_router,
                              dependencies=[Depends(get_current_user)])
  src/dispatch/api.py:266 api_router.include_router(authenticated_api_router,
                              dependencies=[Depends(get_current_user)])
All view routers are `router = APIRouter()` without prefix (checked every views.py).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routescan  # noqa: E402

MOUNT = "/api/v1"
ORG = MOUNT + "/{organization}"
S = "src/dispatch/"
# (file, receiver) -> full prefix; include prefix read at api.py line given in comment
CHAIN = {
    (S + "api.py", "api_router"): MOUNT,                                   # /healthcheck decorator in api.py
    (S + "auth/views.py", "auth_router"): ORG + "/auth",                   # api.py:91 (not authenticated router)
    (S + "organization/views.py", "router"): MOUNT + "/organizations",     # api.py:94-96
    (S + "project/views.py", "router"): ORG + "/projects",                 # api.py:103
    (S + "data/source/type/views.py", "router"): ORG + "/data/sources/types",
    (S + "data/source/transport/views.py", "router"): ORG + "/data/sources/transports",
    (S + "data/source/status/views.py", "router"): ORG + "/data/sources/statuses",
    (S + "data/source/data_format/views.py", "router"): ORG + "/data/sources/dataFormats",
    (S + "data/source/environment/views.py", "router"): ORG + "/data/sources/environments",
    (S + "data/source/views.py", "router"): ORG + "/data/sources",
    (S + "data/query/views.py", "router"): ORG + "/data/queries",
    (S + "data/alert/views.py", "router"): ORG + "/data/alerts",
    (S + "signal/views.py", "router"): ORG + "/signals",
    (S + "auth/views.py", "user_router"): ORG + "/users",
    (S + "document/views.py", "router"): ORG + "/documents",
    (S + "entity/views.py", "router"): ORG + "/entity",
    (S + "entity_type/views.py", "router"): ORG + "/entity_type",
    (S + "tag/views.py", "router"): ORG + "/tags",
    (S + "tag_type/views.py", "router"): ORG + "/tag_types",
    (S + "service/views.py", "router"): ORG + "/services",
    (S + "team/views.py", "router"): ORG + "/teams",
    (S + "individual/views.py", "router"): ORG + "/individuals",
    (S + "definition/views.py", "router"): ORG + "/definitions",
    (S + "term/views.py", "router"): ORG + "/terms",
    (S + "task/views.py", "router"): ORG + "/tasks",
    (S + "search/views.py", "router"): ORG + "/search",
    (S + "search_filter/views.py", "router"): ORG + "/search/filters",
    (S + "incident/views.py", "router"): ORG + "/incidents",
    (S + "incident/priority/views.py", "router"): ORG + "/incident_priorities",
    (S + "incident/severity/views.py", "router"): ORG + "/incident_severities",
    (S + "incident/type/views.py", "router"): ORG + "/incident_types",
    (S + "case/views.py", "router"): ORG + "/cases",
    (S + "case/type/views.py", "router"): ORG + "/case_types",
    (S + "case/priority/views.py", "router"): ORG + "/case_priorities",
    (S + "case/severity/views.py", "router"): ORG + "/case_severities",
    (S + "case_cost/views.py", "router"): ORG + "/case_costs",
    (S + "case_cost_type/views.py", "router"): ORG + "/case_cost_types",
    (S + "cost_model/views.py", "router"): ORG + "/cost_models",
    (S + "workflow/views.py", "router"): ORG + "/workflows",
    (S + "plugin/views.py", "router"): ORG + "/plugins",
    (S + "feedback/incident/views.py", "router"): ORG + "/feedback",
    (S + "feedback/service/views.py", "router"): ORG + "/service_feedback",
    (S + "notification/views.py", "router"): ORG + "/notifications",
    (S + "incident_cost/views.py", "router"): ORG + "/incident_costs",
    (S + "incident_cost_type/views.py", "router"): ORG + "/incident_cost_types",
    (S + "incident_role/views.py", "router"): ORG + "/incident_roles",
    (S + "forms/views.py", "router"): ORG + "/forms",
    (S + "forms/type/views.py", "router"): ORG + "/forms_type",
    (S + "email_templates/views.py", "router"): ORG + "/email_template",
    (S + "ai/prompt/views.py", "router"): ORG + "/ai",
    # plugin events (cli.py:16), included only when the slack plugin entry point loads
    (S + "plugins/dispatch_slack/endpoints.py", "router"): ORG + "/events",
}
IGNORE = {
    # slack_bolt App.options() listener, not an HTTP route
    (S + "plugins/dispatch_slack/incident/interactive.py", "app"),
}


def main(root):
    found = routescan.scan(root, "src/dispatch")
    routes = []
    for r in found:
        key = (r["file"], r["receiver"])
        if r["kind"] == "call:include_router" or key in IGNORE:
            continue
        if r["kind"] == "call:mount":
            continue  # handled below
        if key not in CHAIN:
            raise SystemExit(f"unmapped registration {r}")
        rec = {"method": r["method"], "path": CHAIN[key] + r["path"], "file": r["file"],
               "line": r["line"], "app": "dispatch.main:api (mounted at /api/v1)"}
        if "dispatch_slack" in r["file"]:
            rec["condition"] = "plugin events router, included when the slack_conversation entry point (pyproject.toml:151, SlackConversationPlugin) loads (cli.py:12-16)"
        if rec["path"].endswith("/auth/register"):
            rec["condition"] = ("only when DISPATCH_AUTH_REGISTRATION_ENABLED (config.py:99, default true); "
                                "registered by calling auth_router.post(...)(register_user) at auth/views.py:444")
        routes.append(rec)
    routes.append({"method": "MOUNT", "path": "/", "file": S + "main.py", "line": 266,
                   "app": "dispatch.main:frontend (mounted at / in dispatch.main:app)",
                   "note": "StaticFiles(directory=STATIC_DIR) when STATIC_DIR is a directory"})
    return routes


if __name__ == "__main__":
    routescan.dump(main(sys.argv[1]))
