"""Database helpers shared by several route modules."""
from typing import Optional

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.core.security import get_password_hash, verify_password
from app.models import Item, User
from app.schemas import ItemCreate, UserRegister


def get_user_by_email(db: Session, email: str) -> Optional[User]:
    # Safe look-alike (FA101): ORM expression, the value is bound
    return db.execute(select(User).where(User.email == email)).scalar_one_or_none()


def authenticate(db: Session, email: str, password: str) -> Optional[User]:
    user = get_user_by_email(db, email)
    if user is None or not verify_password(password, user.hashed_password):
        return None
    return user


def register_user(db: Session, user_in: UserRegister) -> User:
    user = User(
        email=user_in.email,
        full_name=user_in.full_name,
        hashed_password=get_password_hash(user_in.password),
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


def search_users(db: Session, term: str, order_by: str = "id") -> list[dict]:
    # FA101: `term` and `order_by` arrive from the admin route's query string
    # (app/api/routes/admin.py) and are pasted into the statement
    sql = (
        "SELECT id, email, full_name, is_admin, is_active FROM users "
        f"WHERE email ILIKE '%{term}%' OR full_name ILIKE '%{term}%' "
        f"ORDER BY {order_by}"
    )
    return [dict(row) for row in db.execute(text(sql)).mappings().all()]


def search_items(db: Session, owner_id: int, term: str) -> list[dict]:
    # Safe look-alike (FA101): the f-string builds a bound value, not SQL
    stmt = text(
        "SELECT id, title, price, quantity FROM items "
        "WHERE owner_id = :owner_id AND title ILIKE :pattern ORDER BY title"
    ).bindparams(owner_id=owner_id, pattern=f"%{term}%")
    return [dict(row) for row in db.execute(stmt).mappings().all()]


def create_item(db: Session, item_in: ItemCreate, owner_id: int) -> Item:
    # Safe look-alike (FA305): ItemCreate has no privileged fields; owner set by the server
    item = Item(**item_in.dict(), owner_id=owner_id)
    db.add(item)
    db.commit()
    db.refresh(item)
    return item
