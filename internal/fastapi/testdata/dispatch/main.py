import os

from fastapi import FastAPI

from plugins.base import Registry, backend_for

app = FastAPI()


@app.get("/health")
def health():
    return {"ok": True}


backend = Registry.pick(os.environ.get("LOGIN_KIND", "open"))
backend.install(app)

hooks = Registry.pick("hooks")
hooks.attach(app)

typed = backend_for("password")
typed.extras(app)
