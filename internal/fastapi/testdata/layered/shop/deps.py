from typing import Optional

from fastapi import Depends, HTTPException, Query, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

from .models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login", scopes={"items:write": "write items"})
optional_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/login", auto_error=False)


def get_db():
    yield "session"


def decode(token: str) -> dict:
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
    )
    if not token:
        raise credentials_exception
    return {"sub": token}


def get_current_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme), db=Depends(get_db)) -> User:
    claims = decode(token)
    for scope in security_scopes.scopes:
        if scope not in claims.get("scopes", []):
            raise HTTPException(status_code=403, detail="Not enough permissions")
    return User(id=1, name=claims["sub"])


def get_optional_user(token: Optional[str] = Depends(optional_scheme)) -> Optional[User]:
    if token is None:
        return None
    return User(id=1, name=token)


def require_admin(user: User = Depends(get_current_user)) -> User:
    if not user.is_admin:
        raise HTTPException(status_code=403, detail="Administrators only")
    return user


class Paginator:
    """A callable-class dependency: its __call__ parameters come from the query."""

    def __init__(self, max_limit: int):
        self.max_limit = max_limit

    def __call__(self, skip: int = 0, limit: int = Query(10, le=100)):
        return skip, min(limit, self.max_limit)


paginate = Paginator(max_limit=50)


def require_role(role: str):
    def checker(user: User = Depends(get_current_user)) -> User:
        if role not in user.roles:
            raise HTTPException(status_code=403, detail="Forbidden")
        return user

    return checker
