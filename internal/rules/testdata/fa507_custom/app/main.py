import time

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware

app = FastAPI()


class ThrottleMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, per_minute=120):
        super().__init__(app)
        self.per_minute = per_minute
        self.seen = {}

    async def dispatch(self, request: Request, call_next):
        self.seen[request.client.host] = time.time()
        return await call_next(request)


app.add_middleware(ThrottleMiddleware)


@app.get("/items")
def list_items():
    return []
