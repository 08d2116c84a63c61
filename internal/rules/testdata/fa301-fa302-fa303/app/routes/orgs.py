"""Tenant-scoped routes: objects are shared within the organization."""
from fastapi import APIRouter

from app.deps import SessionDep
from app.models import Item

router = APIRouter()


@router.get("/items/{item_id}")
def read_org_item(org_id: int, item_id: int, db: SessionDep):
    return db.get(Item, item_id)
