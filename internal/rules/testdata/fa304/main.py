from typing import Annotated

from fastapi import FastAPI, Security

from security import current_user, scoped_user

app = FastAPI()


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
