from typing import List, Optional

from fastapi import APIRouter, Cookie, Depends, File, Form, Header, Security, UploadFile

from ...deps import get_current_user, get_optional_user, paginate, require_role
from ...models import Item, ItemOut, User

router = APIRouter()


@router.get("/", response_model=List[ItemOut])
def list_items(page=Depends(paginate), user: Optional[User] = Depends(get_optional_user)):
    return []


@router.post("/", response_model=ItemOut, status_code=201)
def create_item(item: Item, user: User = Security(get_current_user, scopes=["items:write"])):
    return ItemOut(id=1, **item.dict())


@router.get("/{item_id}")
def read_item(item_id: int, q: Optional[str] = None, session_id: Optional[str] = Cookie(None), user: User = Depends(get_current_user)) -> ItemOut:
    return ItemOut(id=item_id, title="x", price=1.0)


@router.put("/{item_id}/image")
async def upload_image(item_id: int, image: UploadFile = File(...), caption: str = Form(""), user: User = Depends(require_role("editor"))):
    return {"ok": True}


@router.delete("/{item_id}")
def delete_item(item_id: int, x_request_id: str = Header(...)):
    return None
