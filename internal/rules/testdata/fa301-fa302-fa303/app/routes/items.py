from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select

from app.deps import CurrentUser, OwnedItem, SessionDep, get_current_user
from app.models import Item

router = APIRouter()


@router.get("/")
def list_items(db: SessionDep, user: CurrentUser):
    return db.execute(select(Item).where(Item.owner_id == user.id)).scalars().all()


@router.get("/{item_id}")
def read_item(item_id: int, db: SessionDep, user: CurrentUser):
    return db.get(Item, item_id)  # expect: FA302


@router.delete("/{item_id}", dependencies=[Depends(get_current_user)])
def delete_item(item_id: int, db: SessionDep):
    item = db.execute(select(Item).where(Item.id == item_id)).scalar_one()  # expect: FA302
    db.delete(item)
    db.commit()


@router.put("/{item_id}/owner-checked")
def update_checked(item_id: int, title: str, db: SessionDep, user: CurrentUser):
    item = db.get(Item, item_id)
    if item is None or item.owner_id != user.id:
        raise HTTPException(status_code=404)
    item.title = title
    db.commit()
    return item


@router.get("/{item_id}/filtered")
def read_filtered(item_id: int, db: SessionDep, user: CurrentUser):
    return db.query(Item).filter(Item.id == item_id, Item.owner_id == user.id).first()


@router.get("/{item_id}/owned")
def read_owned(item: OwnedItem):
    return item


@router.patch("/{item_id}")  # expect: FA301
def rename_item(item_id: int, title: str, db: SessionDep):
    item = db.get(Item, item_id)
    item.title = title
    db.commit()
    return item


@router.get("/{item_id}/summary")
def summary(item_id: int, user: CurrentUser):
    return {"item": item_id, "viewer": user.id}


class ItemRename(BaseModel):
    item_id: int
    title: str


@router.put("/rename")
def rename_by_body(body: ItemRename, db: SessionDep, user: CurrentUser):
    item = db.get(Item, body.item_id)  # expect: FA302
    item.title = body.title
    db.commit()


@router.put("/rename-owned")
def rename_owned_by_body(body: ItemRename, db: SessionDep, user: CurrentUser):
    item = db.execute(select(Item).where(Item.id == body.item_id, Item.owner_id == user.id)).scalar_one()
    item.title = body.title
    db.commit()


@router.post("/copy")
def copy_item(body: ItemRename, db: SessionDep, user: CurrentUser):
    source = db.get(Item, body.item_id)
    db.add(Item(title=source.title, owner_id=user.id))
    db.commit()
