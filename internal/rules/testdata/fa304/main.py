from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

app = FastAPI()
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


@app.delete("/items/{item_id}", dependencies=[Security(current_user, scopes=["items:delete"])])  # expect: FA304
def delete_item(item_id: int):
    return {"deleted": item_id}


@app.get("/items/{item_id}")
def read_item(item_id: int, user: Annotated[dict, Security(current_user, scopes=["items:read"])]):  # expect: FA304
    return {"item": item_id}


@app.get("/safe/items/{item_id}")
def read_item_safe(item_id: int, user: Annotated[dict, Security(scoped_user, scopes=["items:read"])]):
    return {"item": item_id}


@app.delete("/safe/items/{item_id}", dependencies=[Security(scoped_user, scopes=["items:delete"])])
def delete_item_safe(item_id: int):
    return {"deleted": item_id}
