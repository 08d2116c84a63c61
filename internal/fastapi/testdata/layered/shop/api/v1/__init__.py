from fastapi import APIRouter

from . import admin, items, login

router = APIRouter()
router.include_router(login.router)
router.include_router(items.router, prefix="/items", tags=["items"])
router.include_router(admin.router)
