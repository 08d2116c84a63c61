from fastapi import Depends

from ...deps import get_current_user
from ...models import User
from ...routing import AdminRouter

router = AdminRouter(prefix="/admin", tags=["admin"])


@router.get("/stats")
def stats():
    return {"users": 1}


@router.post("/users/{user_id}/ban")
def ban(user_id: int, user: User = Depends(get_current_user)):
    return {"banned": user_id}
