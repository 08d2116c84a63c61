"""Middleware that authenticates, and middleware that only logs."""
import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.middleware.base import BaseHTTPMiddleware

log = logging.getLogger(__name__)


class TokenMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if not request.headers.get("x-token"):
            return JSONResponse({"detail": "missing token"}, status_code=401)
        return await call_next(request)


class AccessLogMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        log.info("%s %s %s", request.method, request.url.path, response.status_code)
        return response


class KeyGate:
    """A pure ASGI middleware answering 403 without an API key."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        if b"x-api-key" not in headers:
            await send({"type": "http.response.start", "status": 403, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


class OriginCheckMiddleware(BaseHTTPMiddleware):
    """Answers 401 to an untrusted Origin; requests without one pass: no authentication."""

    async def dispatch(self, request: Request, call_next):
        origin = request.headers.get("origin")
        if origin and origin not in ("https://app.example.com",):
            return JSONResponse({"detail": "untrusted origin"}, status_code=401)
        return await call_next(request)


class UserRequired:
    """An ASGI wrapper around one app: 401 when the scope carries no user."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("user") is None:
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


class PathRewriter:
    """An ASGI wrapper that checks nothing."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app({**scope, "path": scope["path"].rstrip("/")}, receive, send)
