"""Shared dependencies for the route modules."""
from typing import Annotated, Optional

from fastapi import Depends, HTTPException, Query, Security, status
from fastapi.security import APIKeyHeader
from slowapi import Limiter
from slowapi.util import get_remote_address
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import get_db
from app.core.security import get_current_user, require_admin
from app.models import User

SessionDep = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[User, Depends(get_current_user)]
AdminUser = Annotated[User, Depends(require_admin)]

limiter = Limiter(key_func=get_remote_address)

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def verify_internal_api_key(api_key: Optional[str] = Security(api_key_header)) -> None:
    # FA206: secret compared with ==, which returns early on the first differing byte
    valid = api_key is not None and api_key == settings.INTERNAL_API_KEY
    if not valid:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Invalid API key")


class Pagination:
    """Paging parameters shared by the list endpoints."""

    def __init__(
        self,
        skip: int = Query(0, ge=0),
        # FA503: no upper bound, so ?limit=100000000 is accepted
        limit: int = Query(100, ge=1),
    ) -> None:
        self.skip = skip
        self.limit = limit


PageDep = Annotated[Pagination, Depends()]
