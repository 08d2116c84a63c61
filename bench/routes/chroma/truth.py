"""Routes truth for chroma-core/chroma, Python server (chromadb/server/fastapi).

usage: python3 truth.py /path/to/extracted/tree > routes.json

Assembly, read by hand:
  chromadb/app.py:6-7  server = FastAPI(settings); app = server.app()
      (chromadb.server.fastapi.FastAPI is a Server class wrapping fastapi.FastAPI)
  chromadb/server/fastapi/__init__.py:196  self._app = fastapi.FastAPI(debug=True, ...)
  :235  self.router = ChromaAPIRouter()   (no prefix)
  :237-238  self.setup_v1_routes(); self.setup_v2_routes()  -- all routes are
        self.router.add_api_route("/api/v1/...", self.<method>, methods=[...])
  :240  self._app.include_router(self.router)   (no prefix)
  :164-189  ChromaAPIRouter.add_api_route registers every path twice: as given and with the
        trailing "/" toggled (the twin has include_in_schema=False). Both are real routes;
        the twin is emitted with "twin": true.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routescan  # noqa: E402

F = "chromadb/server/fastapi/__init__.py"
CHAIN = {(F, "self.router"): ""}
# the two super().add_api_route(path, ...) calls inside ChromaAPIRouter.add_api_route itself
IGNORE_SCOPES = {(F, "ChromaAPIRouter.add_api_route")}


def main(root):
    found = routescan.scan(root, "chromadb", skip=("chromadb/test/",))
    routes = []
    for r in found:
        key = (r["file"], r["receiver"])
        if r["kind"] == "call:include_router" or (r["file"], r["scope"]) in IGNORE_SCOPES:
            continue
        if key not in CHAIN:
            raise SystemExit(f"unmapped registration {r}")
        path = CHAIN[key] + r["path"]
        base = {"file": r["file"], "line": r["line"], "app": "chromadb.app:app", "method": r["method"]}
        routes.append(dict(base, path=path))
        twin = path[:-1] if path.endswith("/") else path + "/"
        routes.append(dict(base, path=twin, twin=True))
    return routes


if __name__ == "__main__":
    routescan.dump(main(sys.argv[1]))
