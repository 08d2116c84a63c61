"""Print the routes FastAPI itself builds for an app, one "METHOD PATH" per line.

Usage: fastapi_routes.py APP_DIR MODULE:ATTR. The interactive docs routes
FastAPI adds (openapi.json, docs, redoc) are left out.
"""
import importlib
import sys

from starlette.routing import Mount

DOCS = ("/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc")


def walk(routes, prefix=""):
    for r in routes:
        if isinstance(r, Mount):
            walk(r.routes, prefix + r.path)
            continue
        path = prefix + r.path
        if r.path in DOCS:
            continue
        methods = getattr(r, "methods", None) or ["WEBSOCKET"]
        for m in sorted(methods):
            print(m, path)


def main():
    sys.path.insert(0, sys.argv[1])
    module, attr = sys.argv[2].split(":")
    walk(getattr(importlib.import_module(module), attr).routes)


main()
