from fastapi import APIRouter

from ..schemas import DebugDump

router = APIRouter(prefix="/debug")


@router.post("/dump")
def dump(body: DebugDump) -> dict:
    return {"n": len(body.items), "blob": body.blob}
