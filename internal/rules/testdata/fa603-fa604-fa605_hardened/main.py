from fastapi import FastAPI, Request
from starlette.middleware.httpsredirect import HTTPSRedirectMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

hardened = FastAPI()
hardened.add_middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com"])
hardened.add_middleware(HTTPSRedirectMiddleware)


@hardened.middleware("http")
async def headers(request: Request, call_next):
    response = await call_next(request)
    response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@hardened.get("/")
def index():
    return {}
