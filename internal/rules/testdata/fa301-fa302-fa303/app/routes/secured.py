"""Authentication added by a router subclass."""
from fastapi import APIRouter, Depends

from app.deps import SessionDep, get_current_user
from app.models import Item


class AuthenticatedRouter(APIRouter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, dependencies=[Depends(get_current_user)], **kwargs)


router = AuthenticatedRouter()


@router.delete("/{item_id}")
def archive_item(item_id: int, db: SessionDep):
    item = db.get(Item, item_id)  # expect: FA302
    db.delete(item)
