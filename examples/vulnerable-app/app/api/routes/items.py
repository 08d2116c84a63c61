"""Inventory items owned by users."""
from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select, text

from app import crud
from app.api.deps import CurrentUser, PageDep, SessionDep
from app.models import Item
from app.schemas import ItemCreate, ItemPublic, ItemUpdate, Message, PricePreview

router = APIRouter()


# FA401: ORM rows returned with no response_model
@router.get("/")
def read_items(db: SessionDep, current_user: CurrentUser, page: PageDep):
    # FA503: page.limit comes from Pagination in app/api/deps.py (unbounded)
    stmt = (
        select(Item)
        .where(Item.owner_id == current_user.id)
        .order_by(Item.id)
        .offset(page.skip)
        .limit(page.limit)
    )
    return db.execute(stmt).scalars().all()


@router.get("/search")
def search_items(
    db: SessionDep,
    current_user: CurrentUser,
    q: str = Query(..., max_length=100),
    sort: str = "title",
):
    # FA101: `q` and `sort` from the query string formatted into raw SQL
    sql = (
        "SELECT id, title, price, quantity FROM items "
        f"WHERE owner_id = {current_user.id} AND title ILIKE '%{q}%' "
        f"ORDER BY {sort}"
    )
    rows = db.execute(text(sql)).mappings().all()
    return [dict(row) for row in rows]


@router.get("/lookup")
def lookup_items(db: SessionDep, current_user: CurrentUser, q: str = Query(..., max_length=100)):
    # Safe look-alike (FA101): parameterised query in app/crud.py
    return crud.search_items(db, current_user.id, q)


@router.post("/", response_model=ItemPublic)
def create_item(item_in: ItemCreate, db: SessionDep, current_user: CurrentUser):
    return crud.create_item(db, item_in, owner_id=current_user.id)


@router.get("/{item_id}", response_model=ItemPublic)
def read_item(item_id: int, db: SessionDep, current_user: CurrentUser):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    # FA302: returned without checking that current_user owns it
    return item


@router.put("/{item_id}", response_model=ItemPublic)
def update_item(item_id: int, item_in: ItemUpdate, db: SessionDep, current_user: CurrentUser):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    # Safe look-alike (FA302): ownership checked before the write
    if item.owner_id != current_user.id and not current_user.is_admin:
        raise HTTPException(status_code=403, detail="Not enough permissions")
    # Safe look-alike (FA305): ItemUpdate has no privileged fields
    for field, value in item_in.dict(exclude_unset=True).items():
        setattr(item, field, value)
    db.commit()
    db.refresh(item)
    return item


@router.delete("/{item_id}", response_model=Message)
def delete_item(item_id: int, db: SessionDep, current_user: CurrentUser):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    # FA302: deleted without an owner check
    db.delete(item)
    db.commit()
    return Message(message="Item deleted successfully")


@router.post("/{item_id}/price-preview")
def preview_price(item_id: int, body: PricePreview, db: SessionDep, current_user: CurrentUser):
    # Safe look-alike (FA302): owner condition is part of the query
    item = db.execute(
        select(Item).where(Item.id == item_id, Item.owner_id == current_user.id)
    ).scalar_one_or_none()
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    variables = {"price": float(item.price), "quantity": item.quantity}
    # FA103: pricing formula from the request body evaluated as Python
    # (an empty __builtins__ is not a sandbox)
    preview = eval(body.formula, {"__builtins__": {}}, variables)
    return {"item_id": item.id, "price": variables["price"], "preview": round(float(preview), 2)}
