"""Shared helper for the per-code-base truth.py scripts (standard library only).

It does not decide full paths: it only lists every route registration it can see
syntactically, with the receiver expression (the router/app object) so that each
truth.py can map (file, receiver) to the include_router/mount prefix chain that was
read by hand from the code base.
"""
import ast
import json
import os
import sys

HTTP = {"get", "post", "put", "patch", "delete", "head", "options", "trace"}


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted(node.func)
        return f"{base}()" if base else None
    return None


def const_str(node):
    """String value of a literal, or of an f-string / concatenation made of literals
    only; otherwise a '<expr:...>' marker so unresolved paths are visible."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                out.append(v.value)
            else:
                out.append("<expr:" + ast.unparse(v.value) + ">")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return const_str(node.left) + const_str(node.right)
    return "<expr:" + ast.unparse(node) + ">"


def kw(call, name):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def methods_of(call, default):
    m = kw(call, "methods")
    if m is None:
        return default
    if isinstance(m, (ast.List, ast.Tuple, ast.Set)):
        return [const_str(e).upper() for e in m.elts]
    return ["<expr:" + ast.unparse(m) + ">"]


class Visitor(ast.NodeVisitor):
    def __init__(self, rel):
        self.rel = rel
        self.out = []
        self.scope = []

    def _scoped(self, node):
        self.scope.append(node.name)
        for d in getattr(node, "decorator_list", []):
            self.decorator(d, node)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def add(self, kind, receiver, method, path, line, func=None):
        self.out.append({
            "file": self.rel, "line": line, "kind": kind, "receiver": receiver,
            "method": method, "path": path, "scope": ".".join(self.scope),
            "handler": func,
        })

    def decorator(self, d, fn):
        if not (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)):
            return
        attr = d.func.attr
        recv = dotted(d.func.value)
        path = const_str(d.args[0]) if d.args else (const_str(kw(d, "path")) if kw(d, "path") is not None else "")
        if attr in HTTP:
            self.add("decorator", recv, attr.upper(), path, d.lineno, fn.name)
        elif attr in ("api_route", "route"):
            for m in methods_of(d, ["GET"]):
                self.add("decorator", recv, m, path, d.lineno, fn.name)
        elif attr in ("websocket", "websocket_route"):
            self.add("decorator", recv, "WEBSOCKET", path, d.lineno, fn.name)

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Attribute):
            recv = dotted(f.value)
            a = f.attr
            path = const_str(node.args[0]) if node.args else (const_str(kw(node, "path")) if kw(node, "path") is not None else "")
            ep = ast.unparse(node.args[1]) if len(node.args) > 1 else (ast.unparse(kw(node, "endpoint")) if kw(node, "endpoint") is not None else None)
            if a in ("add_api_route", "add_route"):
                for m in methods_of(node, ["GET"]):
                    self.add("call:" + a, recv, m, path, node.lineno, ep)
            elif a in ("add_api_websocket_route", "add_websocket_route"):
                self.add("call:" + a, recv, "WEBSOCKET", path, node.lineno, ep)
            elif a == "mount":
                self.add("call:mount", recv, "MOUNT", path, node.lineno, ast.unparse(node.args[1]) if len(node.args) > 1 else ast.unparse(kw(node, "app")) if kw(node, "app") is not None else None)
            elif a == "include_router":
                r = ast.unparse(node.args[0]) if node.args else ast.unparse(kw(node, "router"))
                p = kw(node, "prefix")
                self.add("call:include_router", recv, "INCLUDE", const_str(p) if p is not None else "", node.lineno, r)
        elif (isinstance(f, ast.Call) and isinstance(f.func, ast.Attribute)
              and f.func.attr in HTTP | {"api_route", "websocket"}):
            # decorator applied by a plain call: router.post("/x")(handler)
            inner = f
            recv = dotted(inner.func.value)
            path = const_str(inner.args[0]) if inner.args else (const_str(kw(inner, "path")) if kw(inner, "path") is not None else "")
            h = ast.unparse(node.args[0]) if node.args else None
            if inner.func.attr == "api_route":
                for m in methods_of(inner, ["GET"]):
                    self.add("call:decorator-call", recv, m, path, node.lineno, h)
            else:
                m = "WEBSOCKET" if inner.func.attr == "websocket" else inner.func.attr.upper()
                self.add("call:decorator-call", recv, m, path, node.lineno, h)
        elif isinstance(f, ast.Name) and f.id in ("Route", "WebSocketRoute", "Mount", "APIRoute", "APIWebSocketRoute"):
            path = const_str(node.args[0]) if node.args else ""
            default = ["WEBSOCKET"] if "WebSocket" in f.id else (["MOUNT"] if f.id == "Mount" else ["GET"])
            for m in methods_of(node, default):
                self.add("call:" + f.id, None, m, path, node.lineno, ast.unparse(node.args[1]) if len(node.args) > 1 else None)
        self.generic_visit(node)


def scan(root, sub, skip=()):
    base = os.path.join(root, sub)
    found = []
    for dp, dns, fns in os.walk(base):
        dns.sort()
        for fn in sorted(fns):
            if not fn.endswith(".py"):
                continue
            full = os.path.join(dp, fn)
            rel = os.path.relpath(full, root)
            if any(rel.startswith(s) for s in skip):
                continue
            try:
                tree = ast.parse(open(full, encoding="utf-8").read(), filename=rel)
            except SyntaxError as e:
                print(f"syntax error {rel}: {e}", file=sys.stderr)
                continue
            v = Visitor(rel)
            v.visit(tree)
            found.extend(v.out)
    return found


def join(*parts):
    """FastAPI-style concatenation: prefixes and path are plain string concatenation."""
    return "".join(parts)


def dump(routes, out=sys.stdout):
    json.dump(routes, out, indent=1)
    out.write("\n")
