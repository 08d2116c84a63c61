"""Shared helper for the per-code-base truth.py scripts (standard library only).

It finds route registrations syntactically and leaves the include_router/mount
chain to the caller, which passes it as data read by hand from the code.

What is recognised (each gives a Reg with the receiver expression as text):
  @R.get/post/put/patch/delete/head/options/trace(path, ...)   (decorator)
  @R.api_route(path, methods=[...])                            (default GET)
  @R.websocket(path) / @R.websocket_route(path)                method WEBSOCKET
  @R.route(path, methods=[...])  (Starlette-style, default GET)
  R.add_api_route(path, endpoint, methods=[...])               (default GET)
  R.add_api_websocket_route(path, ...) / R.add_websocket_route  WEBSOCKET
  R.add_route(path, endpoint, methods=[...])                    (default GET)
  R.mount(path, app)                                            MOUNT
  Route(path, endpoint, methods=[...]) / WebSocketRoute(path, ...) / Mount(path, ...)
     (receiver "<starlette>")
Paths that are not string literals are returned as None with the source text
in `path_src`, so the caller must resolve them by hand.
"""
import ast
import json
import os
import sys
from dataclasses import dataclass, field

HTTP = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


@dataclass
class Reg:
    file: str
    line: int
    receiver: str
    methods: list
    path: object
    path_src: str
    func: str = ""
    kind: str = ""
    extra: dict = field(default_factory=dict)


def src(node):
    try:
        return ast.unparse(node)
    except Exception:
        return "?"


def _lit(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _kw(call, name):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def _methods(call, default):
    m = _kw(call, "methods")
    if m is None:
        return list(default)
    if isinstance(m, (ast.List, ast.Tuple, ast.Set)):
        out = []
        for e in m.elts:
            v = _lit(e)
            out.append(v.upper() if v else "?" + src(e))
        return out
    return ["?" + src(m)]


def _path(call, pos=0, kwname="path"):
    node = _kw(call, kwname)
    if node is None and len(call.args) > pos:
        node = call.args[pos]
    if node is None:
        return None, "<missing>"
    return _lit(node), src(node)


def scan_file(path, rel):
    with open(path, "rb") as f:
        data = f.read()
    try:
        tree = ast.parse(data, filename=rel)
    except SyntaxError as e:
        print(f"warning: cannot parse {rel}: {e}", file=sys.stderr)
        return [], {}
    regs = []
    routers = {}  # name -> (line, prefix or None, ctor text)
    for node in ast.walk(tree):
        # router constructors: X = APIRouter(...) / FastAPI(...)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            ctor = src(node.value.func).split(".")[-1]
            if ctor in ("APIRouter", "FastAPI", "Starlette") or ctor.endswith("Router"):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    p = _kw(node.value, "prefix")
                    routers[src(t)] = (node.lineno, _lit(p) if p is not None else "", src(node.value)[:300], ctor)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                if not (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)):
                    continue
                attr = d.func.attr
                recv = src(d.func.value)
                if attr in HTTP:
                    ms = [attr.upper()]
                elif attr == "api_route":
                    ms = _methods(d, ["GET"])
                elif attr == "route":
                    ms = _methods(d, ["GET"])
                elif attr in ("websocket", "websocket_route"):
                    ms = ["WEBSOCKET"]
                else:
                    continue
                p, ps = _path(d)
                regs.append(Reg(rel, d.lineno, recv, ms, p, ps, node.name, "decorator:" + attr))
        if isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Attribute):
                attr = fn.attr
                recv = src(fn.value)
                if attr == "add_api_route":
                    p, ps = _path(node)
                    ep = node.args[1] if len(node.args) > 1 else _kw(node, "endpoint")
                    regs.append(Reg(rel, node.lineno, recv, _methods(node, ["GET"]), p, ps, src(ep) if ep is not None else "", "add_api_route"))
                elif attr in ("add_api_websocket_route", "add_websocket_route"):
                    p, ps = _path(node)
                    ep = node.args[1] if len(node.args) > 1 else _kw(node, "endpoint")
                    regs.append(Reg(rel, node.lineno, recv, ["WEBSOCKET"], p, ps, src(ep) if ep is not None else "", attr))
                elif attr == "add_route":
                    p, ps = _path(node)
                    ep = node.args[1] if len(node.args) > 1 else _kw(node, "route")
                    regs.append(Reg(rel, node.lineno, recv, _methods(node, ["GET"]), p, ps, src(ep) if ep is not None else "", "add_route"))
                elif attr == "mount" and (node.args or _kw(node, "path")):
                    p, ps = _path(node)
                    a = node.args[1] if len(node.args) > 1 else _kw(node, "app")
                    regs.append(Reg(rel, node.lineno, recv, ["MOUNT"], p, ps, src(a) if a is not None else "", "mount"))
            name = src(fn).split(".")[-1]
            if name in ("Route", "WebSocketRoute", "Mount", "APIRoute", "APIWebSocketRoute") and (node.args or _kw(node, "path")):
                p, ps = _path(node)
                if name == "Mount":
                    ms = ["MOUNT"]
                elif name in ("WebSocketRoute", "APIWebSocketRoute"):
                    ms = ["WEBSOCKET"]
                else:
                    ms = _methods(node, ["GET"])
                ep = node.args[1] if len(node.args) > 1 else (_kw(node, "endpoint") or _kw(node, "app") or _kw(node, "routes"))
                regs.append(Reg(rel, node.lineno, "<starlette>", ms, p, ps, src(ep)[:120] if ep is not None else "", name))
    return regs, routers


def scan_tree(root, subdirs, exclude=()):
    regs, routers = [], {}
    for sub in subdirs:
        base = os.path.join(root, sub)
        for dp, dns, fns in os.walk(base):
            dns[:] = sorted(d for d in dns if d not in ("node_modules", ".git", "__pycache__"))
            for fn in sorted(fns):
                if not fn.endswith(".py"):
                    continue
                full = os.path.join(dp, fn)
                rel = os.path.relpath(full, root)
                if any(rel.startswith(e) or ("/" + e) in ("/" + rel) for e in exclude):
                    continue
                r, rt = scan_file(full, rel)
                regs.extend(r)
                for k, v in rt.items():
                    routers[(rel, k)] = v
    return regs, routers


def emit(rows):
    rows = sorted(rows, key=lambda r: (r["app"], r["path"], r["method"], r["file"], r["line"]))
    json.dump(rows, sys.stdout, indent=1)
    sys.stdout.write("\n")
