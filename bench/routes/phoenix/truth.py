"""Routes truth for Arize-ai/phoenix. Usage: python3 truth.py /path/to/extracted/phoenix > routes.json

App: phoenix.server.app:create_app(...) (src/phoenix/server/app.py:913), called from
src/phoenix/server/main.py. Include chain read in create_app (app.py:1133-1145) and
create_v1_router (src/phoenix/server/api/routers/v1/__init__.py:32-87).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

P = "src/phoenix/server/"
V1 = P + "api/routers/v1/"
AUTH_ON = "PHOENIX_ENABLE_AUTH=true (authentication_enabled)"
CHAIN = {
    # create_v1_router: router = APIRouter(prefix="/v1") (v1/__init__.py:51); the 16 resource routers go
    # through viewer_restricted_router (no prefix, lines 58-79); api_keys and chat_completions directly (82, 86).
    **{(V1 + f, "router"): [""] for f in (
        "annotation_configs.py", "annotations.py", "dataset_labels.py", "datasets.py", "experiments.py",
        "experiment_tags.py", "experiment_runs.py", "experiment_evaluations.py", "traces.py", "spans.py",
        "prompts.py", "projects.py", "sessions.py", "documents.py", "users.py", "secrets.py",
        "api_keys.py", "chat_completions.py")},
    # app.py:1134-1136 (unless PHOENIX_DISABLE_AGENT_ASSISTANT): factories build their own router;
    # agents.py:2638 APIRouter(prefix="/v1"), legacy_agents.py:162 APIRouter() (no prefix)
    (P + "api/routers/agents.py", "router"): [""],
    (P + "api/routers/legacy_agents.py", "router"): [""],
    # app.py:1137 module-level `router = APIRouter()` of app.py (line 190)
    (P + "app.py", "router"): [""],
    # app.py:1139 auth_md_router (auth_md.py:23, no prefix)
    (P + "api/routers/auth_md.py", "router"): [""],
    # app.py:1140-1145 only when authentication_enabled
    (P + "api/routers/oauth2_authorization_server.py", "router"): [""],          # well-known router
    (P + "api/routers/auth.py", "router"): [""],                                 # create_auth_router, prefix /auth
    (P + "api/routers/oauth2_authorization_server.py", "oauth2_router"): [""],   # prefix /oauth2
    (P + "api/routers/oauth2.py", "router"): [""],                               # prefix /oauth2
    # mounts on the app itself
    (P + "app.py", "app"): [""],
}
# router constructor prefix, given explicitly (the AST helper would confuse app.py's module-level
# `router` with the `router = GraphQLRouter(prefix="/graphql")` local in create_graphql_router)
OWN = {
    **{(V1 + f, "router"): "/v1" for f in (
        "annotation_configs.py", "annotations.py", "dataset_labels.py", "datasets.py", "experiments.py",
        "experiment_tags.py", "experiment_runs.py", "experiment_evaluations.py", "traces.py", "spans.py",
        "prompts.py", "projects.py", "sessions.py", "documents.py", "users.py", "secrets.py",
        "api_keys.py", "chat_completions.py")},
    (P + "api/routers/agents.py", "router"): "/v1",
    (P + "api/routers/legacy_agents.py", "router"): "",
    (P + "app.py", "router"): "",
    (P + "api/routers/auth_md.py", "router"): "",
    (P + "api/routers/oauth2_authorization_server.py", "router"): "",
    (P + "api/routers/auth.py", "router"): "/auth",
    (P + "api/routers/oauth2_authorization_server.py", "oauth2_router"): "/oauth2",
    (P + "api/routers/oauth2.py", "router"): "/oauth2",
    (P + "app.py", "app"): "",
}
CONDITION_FILE = {
    P + "api/routers/auth.py": AUTH_ON,
    P + "api/routers/oauth2.py": AUTH_ON,
    P + "api/routers/oauth2_authorization_server.py": AUTH_ON,
    P + "api/routers/agents.py": "agent assistant not disabled (PHOENIX_DISABLE_AGENT_ASSISTANT unset, the default)",
    P + "api/routers/legacy_agents.py": "agent assistant not disabled (PHOENIX_DISABLE_AGENT_ASSISTANT unset, the default)",
}
# app-level registrations with non-literal paths
PATH_AT = {
    (P + "app.py", 1222): "/mcp",  # app.mount(mcp_mount_path, ...) ; MCP_MOUNT_PATH = "/mcp" (mcp_server.py:73)
}
CONDITION_AT = {
    (P + "app.py", 1222): "PHOENIX_ENABLE_MCP_SERVER (default true)",
    (P + "app.py", 1256): "serve_ui and built UI assets present (Static app mounted at /)",
    (P + "api/routers/auth.py", 139): AUTH_ON + " and LDAP configured (ldap_enabled)",
}
# env-dependent f-string paths (app.py:1153,1162,1170, only when PHOENIX_HOST_ROOT_PATH is set): not listed
SKIP_AT = {(P + "app.py", 1153), (P + "app.py", 1162), (P + "app.py", 1170)}

# Strawberry GraphQLRouter (app.py:837-845, prefix="/graphql", included app.py:1138) registers its
# own routes on path "" (library code, not scanned): GET and POST for queries/mutations (GET also
# serves the GraphiQL IDE) and a WebSocket route for subscriptions.
GRAPHQL = [("GET", "/graphql"), ("POST", "/graphql"), ("WEBSOCKET", "/graphql")]


def main(root):
    regs, routers = ra.scan_tree(root, ["src/phoenix"])
    rows = []
    for r in regs:
        key = (r.file, r.receiver)
        if (r.file, r.line) in SKIP_AT:
            continue
        if key not in CHAIN:
            sys.exit(f"unmapped registration {r}")
        path = r.path if r.path is not None else PATH_AT.get((r.file, r.line))
        if path is None:
            sys.exit(f"non-literal path {r}")
        own = OWN[key]
        for pre in CHAIN[key]:
            for m in r.methods:
                row = {"method": m, "path": pre + own + path, "file": r.file, "line": r.line, "app": "phoenix"}
                cond = CONDITION_AT.get((r.file, r.line)) or CONDITION_FILE.get(r.file)
                if cond:
                    row["condition"] = cond
                rows.append(row)
    for m, p in GRAPHQL:
        rows.append({"method": m, "path": p, "file": P + "app.py", "line": 837, "app": "phoenix",
                     "source": "strawberry GraphQLRouter (library)"})
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
