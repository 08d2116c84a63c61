from typing import Annotated, Optional

from fastapi import Header, HTTPException


def current_user(authorization: Annotated[Optional[str], Header()] = None) -> dict:
    if authorization is None:
        raise HTTPException(status_code=401)
    return {"name": "alice", "role": "user"}


def require_admin_header(x_role: Annotated[str, Header()] = "user") -> None:
    if x_role != "admin":  # expect: FA307
        raise HTTPException(status_code=403)
