from typing import Annotated, Optional

from fastapi import Cookie, Depends, FastAPI, Header, HTTPException, Query, Request

from deps import current_user, require_admin_header

app = FastAPI()


@app.delete("/users/{user_id}", dependencies=[Depends(require_admin_header)])
def delete_user(user_id: int):
    return {"deleted": user_id}


@app.get("/reports")
def reports(request: Request):
    bypass = request.headers.get("X-Bypass-Auth") == "1"
    if not bypass:  # expect: FA307
        raise HTTPException(status_code=401)
    return {"reports": []}


@app.get("/settings")
def settings(is_admin: bool = Query(False)):
    return {"advanced": True} if is_admin else {"advanced": False}  # expect: FA307


@app.get("/panel")
def panel(request: Request):
    if request.cookies.get("role") == "admin":  # expect: FA307
        return {"panel": "admin"}
    return {"panel": "user"}


@app.get("/profile")
def profile(user: Annotated[dict, Depends(current_user)]):
    if user["role"] == "admin":
        return {"admin": True}
    return {"admin": False}


@app.get("/items")
def items(request: Request, sort: str = "name", theme: Optional[str] = Cookie(None)):
    if request.headers.get("Accept-Language") == "de":
        return {"items": [], "lang": "de"}
    if theme == "dark":
        return {"items": [], "theme": "dark"}
    return {"items": []}
