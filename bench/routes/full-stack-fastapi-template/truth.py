"""Routes truth for fastapi/full-stack-fastapi-template (backend/app).

usage: python3 truth.py /path/to/extracted/tree > routes.json
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routescan  # noqa: E402

# Prefix chain, read by hand:
#  backend/app/main.py:35  app.include_router(api_router, prefix=settings.API_V1_STR)
#  backend/app/core/config.py:22  API_V1_STR = "/api/v1"
#  backend/app/api/main.py:7-14  api_router (no prefix) includes login/users/utils/items
#     routers with no include prefix; private.router only when FASTAPI_ENV == "development"
#  each routes/*.py declares `router = APIRouter(prefix=...)`:
API = "/api/v1"
CHAIN = {
    # (file, receiver): (full prefix, condition or None)
    ("backend/app/api/routes/login.py", "router"): (API + "", None),          # login.py:20 no prefix
    ("backend/app/api/routes/users.py", "router"): (API + "/users", None),    # users.py:29
    ("backend/app/api/routes/utils.py", "router"): (API + "/utils", None),    # utils.py:8
    ("backend/app/api/routes/items.py", "router"): (API + "/items", None),    # items.py:10
    ("backend/app/api/routes/private.py", "router"): (API + "/private",       # private.py:13
                                                       "only when settings.FASTAPI_ENV == 'development' (api/main.py:13)"),
}

def main(root):
    found = routescan.scan(root, "backend/app")
    routes = []
    for r in found:
        if r["kind"] in ("call:include_router",):
            continue
        key = (r["file"], r["receiver"])
        if key not in CHAIN:
            raise SystemExit(f"unmapped registration {r}")
        prefix, cond = CHAIN[key]
        rec = {"method": r["method"], "path": routescan.join(prefix, r["path"]),
               "file": r["file"], "line": r["line"], "app": "main"}
        if cond:
            rec["condition"] = cond
        routes.append(rec)
    # backend/app/main.py:36 app.frontend("/", directory=FRONTEND_DIR): static SPA build
    # served as low-priority fallback routes (FastAPI >= 0.141 `frontend`).
    routes.append({"method": "MOUNT", "path": "/", "file": "backend/app/main.py", "line": 36,
                   "app": "main", "note": "app.frontend() static frontend, checked after path operations"})
    return routes

if __name__ == "__main__":
    routescan.dump(main(sys.argv[1]))
