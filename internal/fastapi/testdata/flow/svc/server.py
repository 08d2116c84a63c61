import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .routers import items, users
from .routers.factory import TrailingSlashRouter, init_health_router

STATIC_ROUTE = os.getenv("STATIC_ROUTE", "/assets")


def include_scoped(app, router):
    # Every router given here is served twice: at its own path and under a tenant.
    app.include_router(router)
    app.include_router(router, prefix="/tenants/{tenant_id}")


class Server:
    def __init__(self):
        self.router = TrailingSlashRouter()
        self.app = self._build()

    def _build(self):
        app = FastAPI()
        self.setup_routes()
        self._configure(app)
        app.include_router(self.router, prefix="/v2")
        return app

    def setup_routes(self):
        # Bound methods registered on an instance attribute.
        self.router.add_api_route("/version", self.version, methods=["GET"])

    def version(self):
        return "1"

    def _configure(self, app):
        @app.get("/ping")
        def ping():
            return "pong"

        include_scoped(app, items.router)
        for module in (users,):
            app.include_router(getattr(module, "router"))
        app.include_router(init_health_router(checker=None))
        app.mount(STATIC_ROUTE, StaticFiles(directory="static"))


app = Server().app
