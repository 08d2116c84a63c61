from typing import List

from pydantic import BaseModel


class User(BaseModel):
    id: int
    name: str
    is_admin: bool = False
    roles: List[str] = []


class Item(BaseModel):
    title: str
    price: float


class ItemOut(Item):
    id: int
