"""Routes truth for permitio/opal. Usage: python3 truth.py /path/to/extracted/opal > routes.json

Two apps:
  server = opal_server.main:app (packages/opal-server/opal_server/main.py:8 -> OpalServer().app,
           docker/Dockerfile:224); routes attached in OpalServer._configure_api_routes
           (packages/opal-server/opal_server/server.py:226-316). Every router is built by an
           init_*_router() factory function; none has a prefix except scopes ("/scopes", server.py:272-276).
  client = opal_client.main:app (packages/opal-client/opal_client/main.py -> OpalClient().app,
           docker/Dockerfile:67); routes in OpalClient._configure_api_routes (client.py:281-351).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import routes_ast as ra  # noqa: E402

S = "packages/opal-server/opal_server/"
C = "packages/opal-client/opal_client/"
CHAIN = {
    (S + "policy/bundles/api.py", "router"): [("server", "")],      # server.py:246-250
    (S + "data/api.py", "router"): [("server", "")],                # server.py:251
    (S + "policy/webhook/api.py", "router"): [("server", "")],      # server.py:252
    (S + "security/api.py", "router"): [("server", "")],            # server.py:253
    (S + "pubsub.py", "self.pubsub_router"): [("server", "")],      # server.py:254
    (S + "pubsub.py", "self.api_router"): [("server", "")],         # server.py:255-259
    (S + "statistics.py", "router"): [("server", "")],              # server.py:260-264
    (S + "loadlimiting.py", "router"): [("server", "")],            # server.py:265-269
    (S + "scopes/api.py", "router"): [("server", "/scopes")],       # server.py:271-276 (only if SCOPES)
    (S + "server.py", "app"): [("server", "")],                     # server.py:282,293,298
    (S + "security/jwks.py", "app"): [("server", "")],              # JwksStaticEndpoint.configure_app, server.py:278-280
    (C + "policy/api.py", "router"): [("client", "")],              # client.py:296
    (C + "data/api.py", "router"): [("client", "")],                # client.py:297
    (C + "policy_store/api.py", "router"): [("client", "")],        # client.py:298
    (C + "callbacks/api.py", "router"): [("client", "")],           # client.py:299 (router prefix /callbacks)
    (C + "connectivity/api.py", "router"): [("client", "")],        # client.py:300 (router prefix /opal-server)
    (C + "client.py", "app"): [("client", "")],                     # client.py:303-305,330
}
# Non-literal paths resolved by hand (defaults in packages/opal-server/opal_server/config.py)
PATH_AT = {
    (S + "data/api.py", 32): "/policy-data",            # ALL_DATA_ROUTE config.py:287-289
    (S + "data/api.py", 46): "/data/callback_report",   # DATA_CALLBACK_DEFAULT_ROUTE config.py:300-304
    (S + "data/api.py", 66): "/data/config",            # DATA_CONFIG_ROUTE config.py:295-299
    (S + "data/api.py", 107): "/data/config",           # DATA_CONFIG_ROUTE
    # app.mount(str(jwks_url.parent), StaticFiles(...)) with AUTH_JWKS_URL "/.well-known/jwks.json" (config.py:130-134)
    (S + "security/jwks.py", 38): "/.well-known",
}
# Router constructor prefixes (given here explicitly; the routers are built inside factory functions).
OWN = {
    (C + "callbacks/api.py", "router"): "/callbacks",      # callbacks/api.py:27-29
    (C + "connectivity/api.py", "router"): "/opal-server",  # connectivity/api.py:40-43
}
CONDITION_AT = {
    (S + "loadlimiting.py", 22): "CLIENT_LOAD_LIMIT_NOTATION set (rate-limited variant)",
    (S + "loadlimiting.py", 29): "CLIENT_LOAD_LIMIT_NOTATION unset (the default)",
}
CONDITION_FILE = {
    S + "scopes/api.py": "OPAL_SCOPES=true (default false)",
    S + "security/jwks.py": "enable_jwks_endpoint (default True)",
}


def main(root):
    regs, routers = ra.scan_tree(root, ["packages/opal-server/opal_server", "packages/opal-client/opal_client"],
                                 exclude=("tests/",))
    rows = []
    for r in regs:
        key = (r.file, r.receiver)
        if key not in CHAIN:
            sys.exit(f"unmapped registration {r}")
        path = r.path if r.path is not None else PATH_AT.get((r.file, r.line))
        if path is None:
            sys.exit(f"non-literal path {r}")
        own = OWN.get(key, "")
        for app, pre in CHAIN[key]:
            for m in r.methods:
                row = {"method": m, "path": pre + own + path, "file": r.file, "line": r.line, "app": app}
                cond = CONDITION_AT.get((r.file, r.line)) or CONDITION_FILE.get(r.file)
                if cond:
                    row["condition"] = cond
                rows.append(row)
    ra.emit(rows)


if __name__ == "__main__":
    main(sys.argv[1])
