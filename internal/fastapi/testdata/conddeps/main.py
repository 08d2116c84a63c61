"""Dependencies listed under a condition: `[Depends(x)] if cond else []`."""

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer

from settings import settings

AUTH_ENABLED = settings.auth_enabled
oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def get_current_user(token: str = Depends(oauth2)) -> dict:
    if token != "valid":
        raise HTTPException(status_code=401)
    return {"name": "alice"}


def log_request() -> None:
    pass


app = FastAPI()

guarded = APIRouter(dependencies=[Depends(get_current_user)] if settings.auth_enabled else [])


@guarded.get("/guarded")
def guarded_route():
    return {}


included = APIRouter()


@included.get("/included")
def included_route():
    return {}


always = APIRouter(
    dependencies=[Depends(get_current_user)] if AUTH_ENABLED else [Depends(get_current_user), Depends(log_request)]
)


@always.get("/always")
def always_route():
    return {}


@app.post("/inverted", dependencies=[] if settings.dev_mode else [Depends(get_current_user)])
def inverted_route():
    return {}


@app.get("/open")
def open_route():
    return {}


app.include_router(guarded)
app.include_router(included, dependencies=(Depends(get_current_user),) if AUTH_ENABLED else ())
app.include_router(always)


def make_built_router(authentication_enabled: bool) -> APIRouter:
    dependencies = [Depends(log_request)]
    if authentication_enabled:
        dependencies.append(Depends(get_current_user))
    router = APIRouter(dependencies=dependencies)
    dependencies.append(Depends(get_current_user))  # too late: not the router's

    @router.get("/built")
    def built_route():
        return {}

    return router


def make_late_router() -> APIRouter:
    deps = [Depends(log_request)]
    router = APIRouter(dependencies=deps)
    deps.append(Depends(get_current_user))  # after the router copied the list

    @router.get("/late")
    def late_route():
        return {}

    return router


app.include_router(make_built_router(AUTH_ENABLED))
app.include_router(make_late_router())
