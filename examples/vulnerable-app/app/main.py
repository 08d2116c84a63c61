"""Stockroom API: application factory and entry point."""
import logging
import traceback

import uvicorn
from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from sqlalchemy.exc import IntegrityError
from starlette.middleware.sessions import SessionMiddleware

from app.api.deps import limiter
from app.api.routes import admin, files, items, login, users, webhooks
from app.core.config import settings
from app.core.security import get_current_user

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger("stockroom")

# FA404: debug mode on in the module production imports
# FA406: Swagger UI, ReDoc and the OpenAPI schema served with no environment gating
app = FastAPI(
    title=settings.PROJECT_NAME,
    version="1.4.2",
    debug=True,
    docs_url="/docs",
    redoc_url="/redoc",
    openapi_url=f"{settings.API_V1_STR}/openapi.json",
)

app.state.limiter = limiter
app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)

# FA601: any origin may make credentialed requests
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
# FA211: session cookies signed with SECRET_KEY, whose default is hard-coded in config.py
app.add_middleware(SessionMiddleware, secret_key=settings.SECRET_KEY)


@app.exception_handler(IntegrityError)
async def integrity_error_handler(request: Request, exc: IntegrityError) -> JSONResponse:
    # Safe look-alike (FA405): logged server-side, generic message to the client
    logger.warning("integrity error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=409, content={"detail": "Conflict with existing data"})


@app.exception_handler(Exception)
async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    # FA405: exception message and full traceback sent to the client
    return JSONResponse(
        status_code=500,
        content={"detail": str(exc), "traceback": traceback.format_exc()},
    )


app.include_router(login.router, prefix=settings.API_V1_STR, tags=["login"])
app.include_router(users.router, prefix=f"{settings.API_V1_STR}/users", tags=["users"])
app.include_router(items.router, prefix=f"{settings.API_V1_STR}/items", tags=["items"])
app.include_router(
    files.router,
    prefix=f"{settings.API_V1_STR}/files",
    tags=["files"],
    dependencies=[Depends(get_current_user)],
)
app.include_router(
    webhooks.router,
    prefix=f"{settings.API_V1_STR}/webhooks",
    tags=["webhooks"],
)
# FA303: the admin router requires a login but not the admin role
app.include_router(
    admin.router,
    prefix=f"{settings.API_V1_STR}/admin",
    tags=["admin"],
    dependencies=[Depends(get_current_user)],
)


@app.get("/health", include_in_schema=False)
def health() -> dict:
    return {"status": "ok"}


if __name__ == "__main__":
    # FA607: bound to every interface with the auto-reloader on
    uvicorn.run("app.main:app", host="0.0.0.0", port=8000, reload=True)
