from fastapi import APIRouter

router = APIRouter()


@router.post("/login")
def login(username: str, password: str):
    return {"access_token": username}


@router.post("/password-reset/{token}")
def reset_password(token: str, password: str):
    return {"ok": True}
