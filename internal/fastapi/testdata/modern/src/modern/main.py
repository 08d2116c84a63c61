from fastapi import Depends, FastAPI

from .api.accounts import build_router
from .deps import verify_key


def create_app() -> FastAPI:
    application = FastAPI(docs_url=None, redoc_url=None)
    application.include_router(build_router(), prefix="/v2")
    internal = FastAPI()
    application.mount("/internal", internal)

    @internal.get("/metrics", dependencies=[Depends(verify_key)])
    def metrics():
        return ""

    return application


app = create_app()


@app.get("/")
def root():
    return {"hello": "world"}
