"""Authentication written as dependency factories and helpers."""
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPBearer
from fastapi_users import FastAPIUsers
import jwt

bearer_optional = HTTPBearer(auto_error=False)


def unauthorized():
    return HTTPException(status_code=401, detail="not signed in")


async def verify_caller(request: Request) -> str:
    token = request.headers.get("authorization")
    if token is None:
        raise HTTPException(status_code=403, detail="credentials required")
    return token


def access_control(*, allow_keys: bool = False, workspace: bool = True):
    """A factory that returns Depends(closure): used as annotation metadata or default."""
    if workspace:

        async def workspace_caller(caller: str = Depends(verify_caller)) -> str:
            return caller

        return Depends(workspace_caller)

    async def org_caller(caller: str = Depends(verify_caller)) -> str:
        return caller

    return Depends(org_caller)


def tagged(name: str):
    """A factory that returns a dependency checking nothing."""

    async def tag() -> str:
        return name

    return Depends(tag)


WorkspaceCaller = Annotated[str, access_control(workspace=True)]


class Users(FastAPIUsers):
    pass


users = Users[dict, int](object(), [])
current_active_user = users.current_user(active=True)
optional_user = users.current_user(active=True, optional=True)


async def maybe_caller(creds=Depends(bearer_optional)):
    """Optional: no credential, no user; a bad one is rejected."""
    if creds is None:
        return None
    if creds.credentials != "ok":
        raise HTTPException(status_code=401)
    return creds.credentials


async def session_or_login(request: Request):
    session = request.cookies.get("session")
    if session is None:
        raise HTTPException(status_code=307, headers={"Location": "/login"})
    return session


async def signed_in(request: Request):
    if not request.cookies.get("sid"):
        raise unauthorized()


async def decode_only(authorization: str = Header("")):
    """Raises a library error (a 500), which is no authentication."""
    try:
        return jwt.decode(authorization, "k", algorithms=["HS256"])
    except ValueError:
        raise jwt.InvalidTokenError("bad")


async def feature_enabled(request: Request):
    """A feature gate on configuration: its 403 checks no credential."""
    if not settings.SAML_ENABLED:
        raise HTTPException(status_code=403, detail="SAML is not enabled")


class Settings:
    SAML_ENABLED: bool = False


settings = Settings()


async def caller_or_none(request: Request, creds=Depends(bearer_optional)):
    """Optional: calls the strict check and turns its 401 into None."""
    try:
        return await signed_in(request)
    except HTTPException:
        return None


async def caller_or_login(request: Request):
    """Required: the handler re-raises, so the 401 still reaches the caller."""
    try:
        return await signed_in(request)
    except HTTPException as exc:
        raise exc
