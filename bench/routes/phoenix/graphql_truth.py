"""GraphQL field truth for Arize-ai/phoenix. Usage: python3 graphql_truth.py /path/to/extracted/phoenix > graphql.json

Schema: src/phoenix/server/api/schema.py build_graphql_schema() -> strawberry.Schema(query=Query,
mutation=Mutation, subscription=Subscription). Query = src/phoenix/server/api/queries.py `class Query`;
Mutation = src/phoenix/server/api/mutations/__init__.py `class Mutation(<27 *MutationMixin>)` whose fields
are defined in the mixin classes in src/phoenix/server/api/mutations/*.py; Subscription =
src/phoenix/server/api/subscriptions.py `class Subscription`.
Fields = methods decorated with strawberry.field / strawberry.mutation / strawberry.subscription.
GraphQL names follow strawberry's default snake_case -> camelCase unless name= is given.
`context_checks` lists lines in the resolver body that consult the caller identity or raise an
authorization error (read by pattern, listed for the reader; permission_classes are the primary guard).
"""
import ast
import json
import os
import re
import sys

API = "src/phoenix/server/api/"
CHECK_RE = re.compile(r"info\.context\.(user|auth_enabled|read_only|locked)|is_admin|is_viewer|Unauthorized|Forbidden|PermissionError")


def camel(name):
    parts = name.split("_")
    return parts[0] + "".join(p.capitalize() if p else "_" for p in parts[1:])


def deco_kind(d):
    f = d.func if isinstance(d, ast.Call) else d
    t = ast.unparse(f)
    for k in ("field", "mutation", "subscription"):
        if t in (f"strawberry.{k}",):
            return k
    return None


def fields_of(cls, rel, lines, kind_default):
    out = []
    for node in cls.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                k = deco_kind(d)
                if k is None:
                    continue
                perms, gname = [], None
                if isinstance(d, ast.Call):
                    for kw in d.keywords:
                        if kw.arg == "permission_classes":
                            perms = [ast.unparse(e) for e in getattr(kw.value, "elts", [])] or [ast.unparse(kw.value)]
                        if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                            gname = kw.value.value
                checks = []
                for i in range(node.lineno, node.end_lineno + 1):
                    if CHECK_RE.search(lines[i - 1]):
                        checks.append(f"{rel}:{i}: {lines[i - 1].strip()[:100]}")
                kind = {"field": "query", "mutation": "mutation", "subscription": "subscription"}[k]
                if kind_default == "mutation" and k == "field":
                    kind = "mutation"
                out.append({"name": gname or camel(node.name), "python_name": node.name, "kind": kind,
                            "resolver": f"{rel}:{node.lineno}", "class": cls.name,
                            "permission_classes": perms, "context_checks": checks[:4]})
        elif isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Call) and deco_kind(node.value):
            perms = [ast.unparse(e) for kw in node.value.keywords if kw.arg == "permission_classes"
                     for e in getattr(kw.value, "elts", [])]
            name = ast.unparse(node.target)
            out.append({"name": camel(name), "python_name": name, "kind": kind_default,
                        "resolver": f"{rel}:{node.lineno}", "class": cls.name,
                        "permission_classes": perms, "context_checks": []})
    return out


def load(root, rel):
    src = open(os.path.join(root, rel), encoding="utf-8").read()
    return ast.parse(src), src.split("\n")


def main(root):
    rows = []
    t, lines = load(root, API + "queries.py")
    for n in t.body:
        if isinstance(n, ast.ClassDef) and n.name == "Query":
            rows += fields_of(n, API + "queries.py", lines, "query")
    # Mutation mixins
    t, _ = load(root, API + "mutations/__init__.py")
    mixins = []
    for n in t.body:
        if isinstance(n, ast.ClassDef) and n.name == "Mutation":
            mixins = [ast.unparse(b) for b in n.bases]
    found = {}
    mdir = os.path.join(root, API, "mutations")
    for fn in sorted(os.listdir(mdir)):
        if fn.endswith(".py"):
            rel = API + "mutations/" + fn
            t, lines = load(root, rel)
            for n in t.body:
                if isinstance(n, ast.ClassDef) and n.name in mixins:
                    found[n.name] = (n, rel, lines)
    missing = [m for m in mixins if m not in found]
    if missing:
        sys.exit(f"mixins not found: {missing}")
    for m in mixins:
        n, rel, lines = found[m]
        rows += fields_of(n, rel, lines, "mutation")
    t, lines = load(root, API + "subscriptions.py")
    for n in t.body:
        if isinstance(n, ast.ClassDef) and n.name == "Subscription":
            rows += fields_of(n, API + "subscriptions.py", lines, "subscription")
    json.dump(rows, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
