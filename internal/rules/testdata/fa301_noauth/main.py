"""An app with a login route whose token no route requires."""
from fastapi import FastAPI

app = FastAPI()
public = FastAPI()


@app.post("/login")
def login(username: str, password: str):
    return {"access_token": username}


@app.get("/admin/users")  # expect: FA301
def list_users():
    return []


@app.delete("/items/{item_id}")
def delete_item(item_id: int):
    return {"deleted": item_id}


@public.get("/internal/stats")
def stats():
    return {}
