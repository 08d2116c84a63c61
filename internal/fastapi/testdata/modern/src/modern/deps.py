from typing import Annotated

import jwt
from fastapi import Depends, Header, HTTPException, Query, Request
from fastapi.security import APIKeyHeader, HTTPBearer, HTTPAuthorizationCredentials

bearer = HTTPBearer()
api_key_header = APIKeyHeader(name="X-API-Key")

SECRET = "change-me"


class InvalidTokenError(Exception):
    pass


def get_session():
    yield object()


SessionDep = Annotated[object, Depends(get_session)]


def current_user(creds: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> dict:
    try:
        return jwt.decode(creds.credentials, SECRET, algorithms=["HS256"])
    except jwt.PyJWTError:
        raise InvalidTokenError()


CurrentUser = Annotated[dict, Depends(current_user)]


def verify_key(key: str = Depends(api_key_header)) -> None:
    if key != SECRET:
        raise HTTPException(403, "bad key")


def tenant_header(x_tenant: Annotated[str, Header()]) -> str:
    return x_tenant


class Filters:
    def __init__(self, q: str | None = None, tags: Annotated[list[str] | None, Query()] = None):
        self.q = q
        self.tags = tags


def owner_only(user: CurrentUser, request: Request) -> dict:
    if request.path_params.get("account_id") != user["sub"]:
        raise HTTPException(status_code=403, detail="not yours")
    return user
