from fastapi import APIRouter, HTTPException

from app.deps import AdminUser, CurrentUser, SessionDep
from app.models import User

router = APIRouter()
safe_router = APIRouter()


@router.get("/users")  # expect: FA303
def list_users(db: SessionDep):
    return db.query(User).all()


@router.post("/settings")  # expect: FA303
def change_settings(user: CurrentUser, value: str):
    return {"value": value}


@router.delete("/cache")
def clear_cache(user: CurrentUser):
    if not user.is_superuser:
        raise HTTPException(status_code=403, detail="Forbidden")
    return {"cleared": True}


@router.get("/stats")
def stats(admin: AdminUser):
    return {"users": 1}


@safe_router.get("/users")
def list_users_v2(db: SessionDep):
    return db.query(User).all()
