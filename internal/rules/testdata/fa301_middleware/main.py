from fastapi import Depends, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse

from gate import AccessLogMiddleware, KeyGate, OriginCheckMiddleware, TokenMiddleware


def current_user(authorization: str = Header("")):
    if not authorization:
        raise HTTPException(status_code=401)
    return authorization


guarded = FastAPI()
guarded.add_middleware(TokenMiddleware)


@guarded.get("/me", dependencies=[Depends(current_user)])
def me():
    return {}


@guarded.delete("/things/{thing_id}")
def delete_thing(thing_id: int):
    return {}


logged = FastAPI()
logged.add_middleware(AccessLogMiddleware)
logged.add_middleware(OriginCheckMiddleware)


@logged.get("/me", dependencies=[Depends(current_user)])
def logged_me():
    return {}


@logged.delete("/things/{thing_id}")  # expect: FA301
def delete_logged(thing_id: int):
    return {}


def check_signature(signature: str) -> None:
    if signature != "expected":
        raise HTTPException(status_code=403, detail="bad signature")


@logged.post("/hooks/{hook_id}")
def hook(hook_id: int, x_signature: str = Header("")):
    check_signature(x_signature)
    return {}


@logged.post("/reports")
def report(authorization: str = Header("")):
    if not authorization.startswith("Bearer "):
        return JSONResponse({"detail": "bearer token required"}, status_code=401)
    return {}


wrapped = FastAPI()


@wrapped.get("/me", dependencies=[Depends(current_user)])
def wrapped_me():
    return {}


@wrapped.delete("/items/{item_id}")
def delete_item(item_id: int):
    return {}


wrapped = KeyGate(wrapped)
