import os

from fastapi import Depends, FastAPI, HTTPException

from app.deps import get_current_user, require_admin
from app.routes import admin, auth, debug, items, orgs, public, reports, secured

app = FastAPI()

app.include_router(auth.router, prefix="/auth")
app.include_router(items.router, prefix="/items", tags=["items"])
app.include_router(orgs.router, prefix="/orgs/{org_id}", dependencies=[Depends(get_current_user)])
app.include_router(reports.router, prefix="/reports", dependencies=[Depends(get_current_user)])
app.include_router(admin.router, prefix="/admin", dependencies=[Depends(get_current_user)])
app.include_router(admin.safe_router, prefix="/admin/v2", dependencies=[Depends(require_admin)])
app.include_router(public.router, prefix="/explore")
app.include_router(secured.router, prefix="/archive")

if os.getenv("ENVIRONMENT") == "local":
    app.include_router(debug.router, prefix="/internal")


@app.delete("/users/{user_id}")  # expect: FA301
def delete_user(user_id: int):
    return {"deleted": user_id}


@app.get("/healthz")
def health():
    return {"ok": True}


@app.put("/webhooks/{hook_id}")
def update_hook(hook_id: int, x_signature: str | None = None):
    if x_signature is None:
        raise HTTPException(status_code=401, detail="Missing signature")
    return {"updated": hook_id}


@app.get("/dump/users", include_in_schema=False)  # expect: FA301
def dump_users():
    return []


@app.get("/healthz/details", include_in_schema=False)
def health_details():
    return {"db": "ok"}
