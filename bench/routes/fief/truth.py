"""Routes truth for fief-dev/fief. Usage: python3 truth.py /path/to/extracted/fief > routes.json

One ASGI app is served: fief.app:app (fief/app.py:30). It mounts three FastAPI sub-apps
(fief/app.py:65-67): api_app at "/admin/api", dashboard_app at "/admin", auth_app at "/"
(Starlette Mount strips the trailing slash, so auth routes keep their own paths).
Full paths below = mount path + include prefix + router prefix + route path.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

A = "fief/apps/api/routers/"
D = "fief/apps/dashboard/routers/"
U = "fief/apps/auth/routers/"
# auth sub-app: include_routers() (fief/apps/auth/app.py:22-31) is applied to
# APIRouter() (line 34) and APIRouter(prefix="/{tenant_slug}") (line 35); both are
# included in the auth app (lines 53-54). So every router listed in include_routers
# is served twice: without and with the "/{tenant_slug}" prefix.
TENANT = ["", "/{tenant_slug}"]
CHAIN = {
    # fief/app.py:39,44 own routes
    ("fief/app.py", "app"): [("", "main")],
    # api sub-app, mounted at /admin/api (fief/app.py:65); includes at fief/apps/api/app.py:58-70
    (A + "clients.py", "router"): [("/admin/api/clients", "api")],
    (A + "email_templates.py", "router"): [("/admin/api/email-templates", "api")],
    (A + "oauth_providers.py", "router"): [("/admin/api/oauth-providers", "api")],
    (A + "permissions.py", "router"): [("/admin/api/permissions", "api")],
    (A + "roles.py", "router"): [("/admin/api/roles", "api")],
    (A + "tenants.py", "router"): [("/admin/api/tenants", "api")],
    (A + "users.py", "router"): [("/admin/api/users", "api")],
    (A + "user_fields.py", "router"): [("/admin/api/user-fields", "api")],
    (A + "webhooks.py", "router"): [("/admin/api/webhooks", "api")],
    # dashboard sub-app mounted at /admin (fief/app.py:66); includes at fief/apps/dashboard/app.py:40-51
    ("fief/apps/dashboard/app.py", "app"): [("/admin", "dashboard")],  # GET "/" line 58, static mount line 52
    (D + "permissions.py", "router"): [("/admin/access-control/permissions", "dashboard")],
    (D + "roles.py", "router"): [("/admin/access-control/roles", "dashboard")],
    (D + "api_keys.py", "router"): [("/admin/api-keys", "dashboard")],
    (D + "auth.py", "router"): [("/admin/auth", "dashboard")],
    (D + "clients.py", "router"): [("/admin/clients", "dashboard")],
    (D + "email_templates.py", "router"): [("/admin/customization/email-templates", "dashboard")],
    (D + "themes.py", "router"): [("/admin/customization/themes", "dashboard")],
    (D + "oauth_providers.py", "router"): [("/admin/oauth-providers", "dashboard")],
    (D + "tenants.py", "router"): [("/admin/tenants", "dashboard")],
    (D + "user_fields.py", "router"): [("/admin/user-fields", "dashboard")],
    (D + "users.py", "router"): [("/admin/users", "dashboard")],
    (D + "webhooks.py", "router"): [("/admin/webhooks", "dashboard")],
    # auth sub-app mounted at "/" (fief/app.py:67)
    ("fief/apps/auth/app.py", "app"): [("", "auth")],               # static mount line 55
    (U + "oauth.py", "router"): [("", "auth")],                      # app.include_router(oauth_router) line 52
    (U + "auth.py", "router"): [(t, "auth") for t in TENANT],       # include_routers line 23
    (U + "register.py", "router"): [(t, "auth") for t in TENANT],   # line 24
    (U + "reset.py", "router"): [(t, "auth") for t in TENANT],      # line 25
    (U + "token.py", "router"): [(t + "/api", "auth") for t in TENANT],   # line 26 prefix /api
    (U + "user.py", "router"): [(t + "/api", "auth") for t in TENANT],    # line 27 prefix /api
    (U + "well_known.py", "router"): [(t + "/.well-known", "auth") for t in TENANT],  # line 28
    (U + "dashboard.py", "router"): [(t, "auth") for t in TENANT],  # line 29
}
# sub-app mounts are expanded into their routes rather than listed as MOUNT rows
SUBAPP_MOUNTS = {("fief/app.py", 65), ("fief/app.py", 66), ("fief/app.py", 67)}


def main(root):
    regs, routers = ra.scan_tree(root, ["fief"])
    rows = []
    for r in regs:
        key = (r.file, r.receiver)
        if (r.file, r.line) in SUBAPP_MOUNTS:
            continue
        if key not in CHAIN:
            sys.exit(f"unmapped registration {r}")
        if r.path is None:
            sys.exit(f"non-literal path {r}")
        own = routers.get(key, (0, "", "", ""))[1]
        if own is None:
            sys.exit(f"non-literal router prefix {key}")
        for pre, sub in CHAIN[key]:
            for m in r.methods:
                rows.append({"method": m, "path": pre + own + r.path, "file": r.file, "line": r.line,
                             "app": "main", "subapp": sub})
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
