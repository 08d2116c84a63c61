import sqlite3
from enum import Enum
from typing import Literal
from uuid import UUID

import pandas as pd
from fastapi import Depends, FastAPI, Query, Request
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .db import get_db, run_report, safe_report
from .models import Item

app = FastAPI()


class SortField(str, Enum):
    name = "name"
    price = "price"


class Search(BaseModel):
    term: str
    limit: int = 10
    code: str = Field(pattern=r"^[A-Z]{3}$")


def search_term(q: str = "") -> str:
    return q.strip()


@app.get("/items")
def search(q: str, db: Session = Depends(get_db)):
    return db.execute(text(f"SELECT * FROM items WHERE name LIKE '%{q}%'")).all()  # expect: FA101


@app.get("/items/sorted")
def sorted_items(sort: str, db: Session = Depends(get_db)):
    query = "SELECT * FROM items ORDER BY " + sort
    return db.execute(query).all()  # expect: FA101


@app.get("/items/raw")
def raw(name: str):
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("SELECT * FROM items WHERE name = '%s'" % name)  # expect: FA101
    cur.execute("SELECT * FROM items WHERE name = ?", (name,))
    return cur.fetchall()


@app.post("/items/search")
def search_body(body: Search, db: Session = Depends(get_db)):
    db.execute(text("SELECT * FROM items WHERE name = '{}'".format(body.term)))  # expect: FA101
    db.execute(text(f"SELECT * FROM items LIMIT {body.limit}"))
    db.execute(text(f"SELECT * FROM items WHERE code = '{body.code}'"))
    return db.execute(select(Item).where(Item.name == body.term)).all()


@app.get("/items/dep")
def with_dependency(term: str = Depends(search_term), db: Session = Depends(get_db)):
    return db.execute(text("SELECT * FROM items WHERE name = '" + term + "'")).all()  # expect: FA101


@app.get("/reports")
def reports(kind: str, db: Session = Depends(get_db)):
    run_report(db, kind)
    safe_report(db, kind)
    return pd.read_sql(f"SELECT * FROM reports WHERE kind = '{kind}'", db.bind)  # expect: FA101


@app.get("/typed/{item_id}")
def typed(item_id: int, uid: UUID, field: SortField, mode: Literal["a", "b"], db: Session = Depends(get_db)):
    db.execute(text(f"SELECT * FROM items WHERE id = {item_id} AND uid = '{uid}'"))
    db.execute(text(f"SELECT * FROM items ORDER BY {field.value} {mode}"))
    return db.execute(select(Item).order_by(getattr(Item, field.value))).all()


@app.get("/pattern")
def pattern(code: str = Query(pattern=r"^[a-z]+$"), db: Session = Depends(get_db)):
    return db.execute(text(f"SELECT * FROM items WHERE code = '{code}'")).all()


@app.get("/allowlist")
def allowlist(column: str, db: Session = Depends(get_db)):
    if column not in {"name", "price"}:
        raise ValueError("bad column")
    return db.execute(text(f"SELECT {column} FROM items")).all()


@app.post("/raw-json")
async def raw_json(request: Request, db: Session = Depends(get_db)):
    data = await request.json()
    return db.execute(text("DELETE FROM items WHERE name = '%s'" % data["name"]))  # expect: FA101


@app.get("/order")
def order(sort: str, db: Session = Depends(get_db)):
    return db.query(Item).order_by(sort).all()  # expect: FA101


@app.post("/orders/{order_id}/sync")
def sync_order(order_id: int, db: Session = Depends(get_db)):
    from .db import fetch_status

    status = fetch_status(order_id)["status"]
    db.execute(text(f"UPDATE orders SET status = '{status}' WHERE id = {order_id}"))  # expect: FA101
    return {"status": status}


class Prefs(BaseModel):
    theme: str

    @field_validator("theme")
    @classmethod
    def known_theme(cls, v: str) -> str:
        if v not in {"dark", "light"}:
            raise ValueError("unknown theme")
        return v


@app.post("/prefs")
def prefs(body: Prefs, db: Session = Depends(get_db)):
    return db.execute(text(f"UPDATE prefs SET theme = '{body.theme}'"))
