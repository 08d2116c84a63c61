from typing import Annotated, Optional

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, Field
from slowapi import Limiter
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")

MAX_PAGE = 100


def get_current_user(token: str = Depends(oauth2_scheme)) -> str:
    if token != "secret":
        raise HTTPException(status_code=401, detail="Not authenticated")
    return token


CurrentUser = Annotated[str, Depends(get_current_user)]


def throttle(rate: str):
    def wrap(fn):
        return fn

    return wrap


async def check_rate_limit(request: Request) -> None:
    pass


class Pagination:
    def __init__(
        self,
        skip: int = Query(0, ge=0),
        limit: int = Query(100, ge=1),  # expect: FA503
    ) -> None:
        self.skip = skip
        self.limit = limit


class BoundedPagination:
    def __init__(self, skip: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=100)) -> None:
        self.skip = skip
        self.limit = limit


class ClampedPagination:
    def __init__(self, page_size: int = 20) -> None:
        self.page_size = min(page_size, MAX_PAGE)


def checked_page(per_page: int = Query(20, ge=1)) -> int:
    if per_page > MAX_PAGE:
        raise HTTPException(status_code=400, detail="per_page too large")
    return per_page


def cursor_page(
    cursor: Optional[str] = None,
    take: Optional[int] = None,  # expect: FA503
) -> dict:
    return {"cursor": cursor, "take": take}


PageSize = Annotated[int, Query(ge=1, le=100)]


class SearchFilter(BaseModel):
    q: Optional[str] = None
    max_results: int = 50  # expect: FA503
    take: int = Field(10, ge=1, le=50)


class SearchBody(BaseModel):
    query: str
    limit: int = Field(20, ge=1)  # expect: FA503
    count: int = 1
    page_size: Annotated[int, Field(le=100)] = 10


class ResetWithToken(BaseModel):
    token: str
    new_password: str


class ResetWithCode(BaseModel):
    email: str
    code: str
    new_password: str
