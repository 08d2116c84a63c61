from fastapi import APIRouter, Depends

from .deps import require_admin


class AdminRouter(APIRouter):
    """A router whose routes all require an administrator."""

    def __init__(self, **kwargs):
        super().__init__(dependencies=[Depends(require_admin)], **kwargs)
