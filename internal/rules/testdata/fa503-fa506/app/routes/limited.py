from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm
from fastapi_limiter.depends import RateLimiter

router = APIRouter(dependencies=[Depends(RateLimiter(times=5, seconds=60))])


@router.post("/login")
def limited_login(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@router.post("/password-recovery/{email}")
def limited_recovery(email: str):
    return {"detail": "sent"}
