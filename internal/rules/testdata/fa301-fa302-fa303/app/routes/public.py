"""A router public by design: none of its routes authenticate."""
from fastapi import APIRouter

from app.deps import SessionDep
from app.models import Item

router = APIRouter()


@router.get("/items/{item_id}")
def explore_item(item_id: int, db: SessionDep):
    return db.get(Item, item_id)


@router.post("/feedback")
def feedback(text: str):
    return {"thanks": True}


@router.delete("/items/{item_id}")  # expect: FA301
def explore_delete(item_id: int, db: SessionDep):
    db.delete(db.get(Item, item_id))
