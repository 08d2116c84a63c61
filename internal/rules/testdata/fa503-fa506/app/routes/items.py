from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import conint

from app.deps import (
    BoundedPagination,
    ClampedPagination,
    CurrentUser,
    PageSize,
    Pagination,
    SearchBody,
    SearchFilter,
    checked_page,
    cursor_page,
)

router = APIRouter()


@router.get("/")
def list_items(user: CurrentUser, page: Pagination = Depends()):
    return {"skip": page.skip, "limit": page.limit}


@router.get("/archived")
def list_archived(user: CurrentUser, page: Annotated[Pagination, Depends()]):
    return {"skip": page.skip, "limit": page.limit}


@router.get("/bounded")
def list_bounded(page: BoundedPagination = Depends()):
    return page.limit


@router.get("/clamped")
def list_clamped(page: ClampedPagination = Depends()):
    return page.page_size


@router.get("/checked")
def list_checked(per_page: int = Depends(checked_page)):
    return per_page


@router.get("/cursor")
def list_cursor(page: dict = Depends(cursor_page)):
    return page


@router.get("/recent")
def recent(
    size: int = 10,  # expect: FA503
    count: str = "all",
    offset: int = 0,
    page: int = 1,
):
    return size


@router.get("/top")
def top_items(
    top: int = Query(10, ge=1, le=2147483647),  # expect: FA503
):
    return top


@router.get("/annotated")
def annotated(page_size: PageSize = 20, per_page: Annotated[int, Query(le=50)] = 10):
    return page_size + per_page


@router.get("/conint")
def conint_bound(limit: conint(ge=1, le=100) = 10):
    return limit


@router.get("/handler-clamp")
def handler_clamp(limit: int = 100):
    limit = min(limit, 500)
    return limit


@router.get("/search")
def search(f: Annotated[SearchFilter, Query()]):
    return f


@router.post("/search")
def search_body(body: SearchBody):
    return body


@router.post("/")
def create_item(name: str, count: int = 1):
    return {"name": name}
