#!/usr/bin/python3
"""Regenerate the OpenAPI documents in this directory from real FastAPI apps.

Run from the repository root with Debian's Python and FastAPI (0.92, which emits
OpenAPI 3.0.2; Pydantic 1.10):

    /usr/bin/python3 internal/probe/openapi/testdata/gen_specs.py [VULN_DIR]

VULN_DIR defaults to /tmp/vuln and holds checkouts of the tuning corpus named
owner+repo (see DESIGN.md section 7). An app whose checkout is missing or that
still fails to import is skipped with a message; the files already here stay.

Outputs (one NAME.json per app):

  stockroom   examples/vulnerable-app (app.main)
  vulnapi     tkisason/vulnapi (main)
  restaurant  theowni/Damn-Vulnerable-RESTaurant-API-Game (app/init_app.init_app())
  apix-owasp  fabriciocastelar/apix-owasp-api-2023 (app.main)
  layered     internal/fastapi/testdata/layered (shop.main)
  modern      internal/fastapi/testdata/modern/src (modern.main)

internal/fastapi/testdata/views is tried too but is not runnable on purpose
(it calls an undefined factory), so it is always skipped.

Two shims make the apps importable without installing anything:

* Third-party packages that are not installed (sqlalchemy, slowapi, jose, ...)
  are replaced by permissive stub modules. The stubs only have to survive import
  time (decorators, base classes, calls at module level); FastAPI builds the
  OpenAPI document from route signatures and Pydantic models, which are real.
* FastAPI 0.92 predates `Annotated[T, Depends(...)]` / `Annotated[T, Query()]`
  parameters (FastAPI 0.95). `get_typed_signature` is wrapped so that such a
  parameter becomes `name: T = marker`, which is how newer FastAPI reads it.

Besides the 3.0.2 documents the script writes stockroom-3.1.json: the Stockroom
document rewritten the way FastAPI >= 0.100 with Pydantic 2 emits it (openapi
3.1.0, Optional as anyOf [X, {"type": "null"}], `examples` arrays,
`contentMediaType` for uploads, no `nullable`). Pydantic 1 does not mark
Optional fields, so _to_31 takes a property or parameter that is neither
required nor defaulted to be `Optional[X] = None`; the few hand edits after
that are listed in _to_31.
"""

import copy
import importlib
import importlib.abc
import importlib.machinery
import inspect
import json
import os
import sys
import types
import typing

sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", "..", ".."))

# Top-level packages the apps import that Debian's python3 does not ship.
STUBBED = {
    "sqlalchemy", "slowapi", "jose", "passlib", "httpx", "requests",
    "email_validator", "dotenv", "bcrypt", "psycopg2", "alembic", "psutil",
    "sqlmodel", "pydantic_settings",
}


class _StubMeta(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub()


class StubBase(metaclass=_StubMeta):
    """Class that stub objects turn into when used as a base class."""

    def __init_subclass__(cls, **kwargs):
        pass

    def __init__(self, *args, **kwargs):
        pass


class Stub:
    """Anything: attribute, call, item, decorator, base class."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub()

    def __call__(self, *args, **kwargs):
        # Used as a decorator (limiter.limit(...)(func)): keep the function.
        if len(args) == 1 and not kwargs and (inspect.isfunction(args[0]) or inspect.isclass(args[0])):
            return args[0]
        return Stub()

    def __getitem__(self, item):
        return Stub()

    def __mro_entries__(self, bases):
        return (StubBase,)

    def __iter__(self):
        return iter(())

    def __or__(self, other):
        return Stub()

    __ror__ = __or__


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub()


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] not in STUBBED:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        mod = _StubModule(spec.name)
        mod.__path__ = []
        return mod

    def exec_module(self, module):
        pass


def _install_stubs():
    missing = set()
    for name in STUBBED:
        try:
            importlib.import_module(name)
        except Exception:
            missing.add(name)
            sys.modules.pop(name, None)
    STUBBED.intersection_update(missing)
    sys.meta_path.append(_StubFinder())


def _install_annotated_shim():
    import fastapi.dependencies.utils as du
    from fastapi import params
    from pydantic.fields import FieldInfo

    original = du.get_typed_signature

    def get_typed_signature(call):
        sig = original(call)
        out = []
        for p in sig.parameters.values():
            ann, default = p.annotation, p.default
            if typing.get_origin(ann) is typing.Annotated:
                args = typing.get_args(ann)
                base = args[0]
                markers = [m for m in args[1:] if isinstance(m, (FieldInfo, params.Depends))]
                if markers:
                    marker = copy.copy(markers[-1])
                    if isinstance(marker, params.Depends):
                        if marker.dependency is None:
                            marker.dependency = base
                    elif default is not inspect.Parameter.empty:
                        marker.default = default
                    default = marker
                ann = base
            out.append(p.replace(annotation=ann, default=default))
        return inspect.Signature(out, __validate_parameters__=False)

    du.get_typed_signature = get_typed_signature


def _fresh_import(root, module, attr="app", call=None):
    """Import root/module and return its app (or call `call` on the module)."""
    for name in list(sys.modules):
        if name.split(".")[0] in {"app", "apis", "db", "config", "init", "init_app",
                                  "rate_limiting", "main", "shop", "views", "modern"}:
            del sys.modules[name]
    old_cwd, old_path = os.getcwd(), list(sys.path)
    os.chdir(root)
    sys.path.insert(0, root)
    try:
        mod = importlib.import_module(module)
        return call(mod) if call else getattr(mod, attr)
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path


def _apps(vuln):
    fa = os.path.join(REPO, "internal", "fastapi", "testdata")
    return [
        ("stockroom", lambda: _fresh_import(os.path.join(REPO, "examples", "vulnerable-app"), "app.main")),
        ("vulnapi", lambda: _fresh_import(os.path.join(vuln, "tkisason+vulnapi"), "main")),
        ("restaurant", lambda: _fresh_import(
            os.path.join(vuln, "theowni+Damn-Vulnerable-RESTaurant-API-Game", "app"),
            "init_app", call=lambda m: m.init_app())),
        ("apix-owasp", lambda: _fresh_import(os.path.join(vuln, "fabriciocastelar+apix-owasp-api-2023"), "app.main")),
        ("layered", lambda: _fresh_import(os.path.join(fa, "layered"), "shop.main")),
        ("views", lambda: _fresh_import(fa, "views.main")),
        ("modern", lambda: _fresh_import(os.path.join(fa, "modern", "src"), "modern.main")),
    ]


# --- 3.1 conversion ------------------------------------------------------------

def _to_31_schema(s, optional=False):
    """Rewrite one Pydantic-1 / OpenAPI-3.0 schema the way Pydantic 2 emits it."""
    if isinstance(s, list):
        return [_to_31_schema(x) for x in s]
    if not isinstance(s, dict):
        return s
    s = {k: _to_31_schema(v) for k, v in s.items()}
    if "properties" in s:
        req = set(s.get("required", []))
        props = {}
        for name, p in s["properties"].items():
            opt = name not in req and "default" not in p
            props[name] = _to_31_schema(p, optional=opt) if opt else p
        s["properties"] = props
    if "example" in s:
        s["examples"] = [s.pop("example")]
    if s.get("format") == "binary":
        del s["format"]
        s["contentMediaType"] = "application/octet-stream"
    if s.pop("nullable", False) or optional:
        title = s.pop("title", None)
        inner = {k: v for k, v in s.items()}
        s = {"anyOf": [inner, {"type": "null"}]}
        if title:
            s["title"] = title
        if optional:
            s["default"] = None
    return s


def _to_31(doc):
    doc = copy.deepcopy(doc)
    doc["openapi"] = "3.1.0"
    for path in doc.get("paths", {}).values():
        for op in path.values():
            for p in op.get("parameters", []):
                opt = not p.get("required") and "default" not in p.get("schema", {})
                p["schema"] = _to_31_schema(p.get("schema", {}), optional=opt)
            for c in op.get("requestBody", {}).get("content", {}).values():
                c["schema"] = _to_31_schema(c["schema"])
            for r in op.get("responses", {}).values():
                for c in r.get("content", {}).values():
                    c["schema"] = _to_31_schema(c["schema"])
    schemas = doc.get("components", {}).get("schemas", {})
    for name in schemas:
        schemas[name] = _to_31_schema(schemas[name])
    # Hand edits for Pydantic 2 forms the Stockroom models do not use:
    # Field(examples=[...]) and an Optional nested model (anyOf [$ref, null]).
    if "ItemCreate" in schemas:
        schemas["ItemCreate"]["properties"]["title"]["examples"] = ["Widget"]
        schemas["ItemCreate"]["properties"]["supplier"] = {
            "anyOf": [{"$ref": "#/components/schemas/UserPublic"}, {"type": "null"}],
            "default": None,
        }
    if "HTTPValidationError" in schemas:  # List[...] = None stays a plain array in Pydantic 2
        schemas["HTTPValidationError"]["properties"]["detail"] = {
            "items": {"$ref": "#/components/schemas/ValidationError"},
            "type": "array", "title": "Detail",
        }
    return doc


def main():
    vuln = sys.argv[1] if len(sys.argv) > 1 else "/tmp/vuln"
    _install_stubs()
    _install_annotated_shim()
    docs = {}
    for name, load in _apps(vuln):
        try:
            app = load()
            docs[name] = app.openapi()
        except Exception as exc:  # report and skip: the corpus is optional
            print(f"skip {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        n = sum(len(v) for v in docs[name].get("paths", {}).values())
        print(f"{name}: openapi {docs[name]['openapi']}, {n} operations")
    if "stockroom" in docs:
        docs["stockroom-3.1"] = _to_31(docs["stockroom"])
    for name, doc in docs.items():
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1, sort_keys=False)
            f.write("\n")


if __name__ == "__main__":
    main()
