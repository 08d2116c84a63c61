from fastapi import APIRouter

from app.deps import SessionDep
from app.models import Item

router = APIRouter()


@router.get("/{report_id}")
def read_report(report_id: int, db: SessionDep):
    return db.get(Item, report_id)  # expect: FA302


@router.post("/backup")
def create_backup():
    return {"started": True}


@router.post("/users/{user_id}/promote")  # expect: FA303
def promote_user(user_id: int, db: SessionDep):
    return {"promoted": user_id}
