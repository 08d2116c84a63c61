from fastapi import FastAPI, Depends
from fastapi.middleware.cors import CORSMiddleware

from .api import api_router
from .deps import get_db
from .sub import subapp
from . import health

app = FastAPI(title="Shop", dependencies=[Depends(get_db)])
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"])
app.include_router(api_router, prefix="/api")
app.include_router(health.router)
app.mount("/internal", subapp)


def legacy_ping():
    return {"ok": True}


app.add_api_route("/legacy/ping", legacy_ping, methods=["GET", "HEAD"])

for name in ["alpha", "beta"]:
    app.add_api_route("/static/" + name, legacy_ping)


@app.exception_handler(ValueError)
async def value_error_handler(request, exc):
    return {"detail": "bad value"}
