from typing import Annotated

from fastapi import APIRouter, Depends, Path, WebSocket
from pydantic import BaseModel

from ..deps import CurrentUser, Filters, SessionDep, owner_only, tenant_header


class AccountIn(BaseModel):
    name: str


def build_router() -> APIRouter:
    router = APIRouter(prefix="/accounts", dependencies=[Depends(tenant_header)])

    @router.get("/")
    async def list_accounts(user: CurrentUser, session: SessionDep, filters: Annotated[Filters, Depends()]):
        return []

    @router.post("/")
    async def create_account(body: AccountIn, user: CurrentUser):
        return body

    @router.get("/{account_id}")
    async def get_account(account_id: Annotated[int, Path(gt=0)], user: Annotated[dict, Depends(owner_only)]):
        return {}

    @router.websocket("/{account_id}/events")
    async def events(websocket: WebSocket, account_id: int):
        return None

    return router
