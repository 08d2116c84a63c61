"""Routes truth for keephq/keep. Usage: python3 truth.py /path/to/extracted/keep > routes.json

The include chain below was read by hand in keep/api/api.py (get_app, lines 265-342).
Every router module defines `router = APIRouter()` with no prefix and no dependencies.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

R = "keep/api/routes/"
# (file, receiver) -> list of (app, prefix).  keep/api/api.py line of include_router in comment.
CHAIN = {
    (R + "providers.py", "router"): [("api", "/providers")],          # api.py:291
    (R + "actions.py", "router"): [("api", "/actions")],              # 292
    (R + "ai.py", "router"): [("api", "/ai")],                        # 293
    (R + "healthcheck.py", "router"): [("api", "/healthcheck")],      # 294
    (R + "alerts.py", "router"): [("api", "/alerts")],                # 295
    (R + "incidents.py", "router"): [("api", "/incidents")],          # 296
    (R + "settings.py", "router"): [("api", "/settings")],            # 297
    (R + "workflows.py", "router"): [("api", "/workflows")],          # 298-300
    (R + "whoami.py", "router"): [("api", "/whoami")],                # 301
    (R + "pusher.py", "router"): [("api", "/pusher")],                # 302
    (R + "status.py", "router"): [("api", "/status")],                # 303
    (R + "rules.py", "router"): [("api", "/rules")],                  # 304
    (R + "preset.py", "router"): [("api", "/preset")],                # 305
    (R + "mapping.py", "router"): [("api", "/mapping")],              # 306-308
    (R + "auth/groups.py", "router"): [("api", "/auth/groups")],      # 309-311
    (R + "auth/permissions.py", "router"): [("api", "/auth/permissions")],  # 312-314
    (R + "auth/roles.py", "router"): [("api", "/auth/roles")],        # 315
    (R + "auth/users.py", "router"): [("api", "/auth/users")],        # 316
    (R + "metrics.py", "router"): [("api", "/metrics")],              # 317
    (R + "extraction.py", "router"): [("api", "/extraction")],        # 318-320
    (R + "dashboard.py", "router"): [("api", "/dashboard")],          # 321
    (R + "tags.py", "router"): [("api", "/tags")],                    # 322
    (R + "maintenance.py", "router"): [("api", "/maintenance")],      # 323
    (R + "topology.py", "router"): [("api", "/topology")],            # 324
    (R + "deduplications.py", "router"): [("api", "/deduplications")],  # 325-327
    # facets.router is included TWICE with the same prefix (api.py:328 and :329);
    # the duplicate registrations serve the same paths, recorded once here.
    (R + "facets.py", "router"): [("api", "/{entity_name}/facets")],
    (R + "cel.py", "router"): [("api", "/cel")],                      # 330
    (R + "provider_images.py", "router"): [("api", "/provider-images")],  # 331-333
    # app-level routes
    ("keep/api/api.py", "app"): [("api", "")],                        # @app.get("/") api.py:272
    # identity_manager.on_start(app) (api.py:337-340) adds routes on the main app depending on AUTH_TYPE
    ("keep/identitymanager/identity_managers/noauth/noauth_identitymanager.py", "app"): [("api", "")],
    ("keep/identitymanager/identity_managers/db/db_identitymanager.py", "app"): [("api", "")],
    ("ee/identitymanager/identity_managers/keycloak/keycloak_identitymanager.py", "app"): [("api", "")],
    # separate apps
    ("keep/api/arq_worker_gunicorn.py", "app"): [("arq-worker", "")],
    ("keep/cli/cli.py", "app"): [("cli-login-callback", "")],
}
CONDITION = {
    "keep/identitymanager/identity_managers/noauth/noauth_identitymanager.py": "AUTH_TYPE=noauth (the default)",
    "keep/identitymanager/identity_managers/db/db_identitymanager.py": "AUTH_TYPE=db",
    "ee/identitymanager/identity_managers/keycloak/keycloak_identitymanager.py": "AUTH_TYPE=keycloak and KEYCLOAK multi-org and not SKIP_KEYCLOAK_ONSTART",
}


# module-level if/else in keep/api/routes/metrics.py:29-52 defines GET /metrics/processing twice
CONDITION_LINE = {
    ("keep/api/routes/metrics.py", 31): "KEEP_NO_AUTH_METRICS=true (no auth dependency)",
    ("keep/api/routes/metrics.py", 42): "KEEP_NO_AUTH_METRICS=false (the default; auth verifier read:metrics)",
}


def main(root):
    regs, routers = ra.scan_tree(root, ["keep", "ee"])
    rows = []
    for r in regs:
        key = (r.file, r.receiver)
        if key not in CHAIN:
            sys.exit(f"unmapped registration {r}")
        if r.path is None:
            sys.exit(f"non-literal path {r}")
        own = routers.get(key, (0, "", "", ""))[1] or ""
        for app, pre in CHAIN[key]:
            for m in r.methods:
                row = {"method": m, "path": pre + own + r.path, "file": r.file, "line": r.line, "app": app}
                if r.file in CONDITION:
                    row["condition"] = CONDITION[r.file]
                if (r.file, r.line) in CONDITION_LINE:
                    row["condition"] = CONDITION_LINE[(r.file, r.line)]
                rows.append(row)
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
