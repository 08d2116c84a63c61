from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/health")
def health():
    return {"status": "ok"}


@router.api_route("/ready", methods=["GET", "POST"])
def ready():
    return {"ready": True}
