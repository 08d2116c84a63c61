from typing import Any, Dict, List

from fastapi import APIRouter, Body, Depends, Form, Query

from ..schemas import Capped, Formula, OrderIn, OrderOut, Search, TagCreate

router = APIRouter(prefix="/orders")


@router.post("/", response_model=OrderOut)
def create_order(order: OrderIn) -> OrderOut:
    return OrderOut(title=order.title, comment=order.comment or "", lines=order.lines)


@router.get("/", response_model=list[OrderOut])
def list_orders(q: str = "", tags: list[str] = Query([])) -> list:
    return []


@router.post("/price")
def price(body: Formula) -> dict:
    return {"price": eval(body.expression, {"__builtins__": {}})}


@router.post("/search")
def search(body: Search, capped: Capped) -> dict:
    return {"ok": True}


@router.post("/tags")
def add_tags(tags: list[TagCreate]) -> dict:  # expect: FA504
    return {"n": len(tags)}


@router.post("/tags/bounded")
def add_tags_bounded(tags: list[TagCreate] = Body(..., max_length=50)) -> dict:
    return {"n": len(tags)}


@router.post("/note")
def add_note(
    text: str = Body(..., embed=True),  # expect: FA501
    title: str = Body(..., max_length=80, embed=True),
) -> dict:
    return {"text": text, "title": title}


@router.post("/contact")
def contact(
    name: str = Form(..., max_length=100),
    message: str = Form(...),  # expect: FA501
    signature: str = Form(...),
) -> dict:
    return {"name": name, "message": message, "signature": signature}


@router.post("/raw")
async def raw(payload: dict = Body(...)) -> dict:  # expect: FA502
    return {"type": payload.get("type")}


@router.post("/raw-any")
async def raw_any(payload: Any = Body(...)) -> dict:  # expect: FA502
    return {"payload": payload}


@router.post("/bulk")
async def bulk(rows: List[Dict[str, Any]]) -> dict:  # expect: FA502
    return {"n": len(rows)}


@router.post("/validated")
async def validated(payload: Dict[str, Any]) -> dict:
    order = OrderIn.model_validate(payload)
    return {"title": order.title}


@router.post("/labels")
async def labels(mapping: Dict[str, str] = Body(..., max_length=20)) -> dict:
    return mapping
