from fastapi import APIRouter, Depends

from views.deps import OwnerPermission, PermissionsDependency, get_session, get_user
from views.cbv import cbv

router = APIRouter(prefix="/things")


class BaseView:
    session = None
    db: object = Depends(get_session)


@cbv(router)
class ThingView(BaseView):
    user: dict = Depends(get_user)

    @router.get("/")
    def list_things(self, limit: int = 10):
        return []

    @router.delete("/{thing_id}", dependencies=[Depends(PermissionsDependency([OwnerPermission]))])
    def delete_thing(self, thing_id: int):
        return None

    @staticmethod
    @router.get("/static")
    def static_route(q: str = ""):
        return q
