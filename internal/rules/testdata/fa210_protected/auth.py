from typing import Optional

from fastapi import Cookie, HTTPException


def current_user(session: Optional[str] = Cookie(None)) -> dict:
    if session is None:
        raise HTTPException(status_code=401, detail="Not authenticated")
    return {"session": session}
