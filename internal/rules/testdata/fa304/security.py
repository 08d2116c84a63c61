from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes={"items:read": "Read", "items:delete": "Delete"})


def decode(token: str) -> dict:
    return {"sub": "alice", "scopes": []}


def current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    payload = decode(token)
    if payload.get("sub") is None:
        raise HTTPException(status_code=401, detail="Invalid token")
    return payload


def scoped_user(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    payload = decode(token)
    if payload.get("sub") is None:
        raise HTTPException(status_code=401, detail="Invalid token")
    for scope in security_scopes.scopes:
        if scope not in payload["scopes"]:
            raise HTTPException(status_code=403, detail="Not enough permissions")
    return payload
