from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.applications import Starlette
from starlette.routing import Host, Mount, Route, Router, WebSocketRoute
from starlette.staticfiles import StaticFiles

from .views import (
    Accounts,
    Feed,
    events,
    homepage,
    legacy,
    list_items,
    ping,
    purge,
    report,
    setup_view,
    stats,
    status,
)

REPORTS = ["daily", "weekly"]

# Route objects in module variables, joined and expanded.
admin_routes = [
    Route("/stats", stats),
    Route("/purge", purge, methods=["POST"]),
]
report_routes = [Route(f"/reports/{name}", report) for name in REPORTS]

accounts = Router(routes=[Route("/accounts", Accounts), WebSocketRoute("/feed", Feed)])

routes = [
    Route("/", homepage),
    Mount("/admin", routes=admin_routes + report_routes),
    Mount("/api", app=accounts),
    Mount("/static", app=StaticFiles(directory="static"), name="static"),
    Host("status.example.com", routes=[Route("/status", status)]),
]

site = Starlette(routes=routes)

# A FastAPI app given route objects, and its router's routes edited.
api = FastAPI(routes=[APIRoute("/items", list_items, methods=["GET"])])
api.router.routes.append(Route("/legacy", legacy, methods=["POST"]))
api.router.routes.extend([WebSocketRoute("/events", events)])
api.routes.insert(0, Mount("/old", routes=[Route("/ping", ping)]))


def install(target):
    # The app arrives as a parameter.
    target.router.routes.append(Route("/setup", setup_view, methods=["DELETE"]))


install(api)
