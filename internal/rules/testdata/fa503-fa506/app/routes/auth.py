from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm

from app.deps import CurrentUser, ResetWithCode, ResetWithToken, check_rate_limit, limiter, throttle

router = APIRouter()


@router.post("/token")  # expect: FA506
def login_for_access_token(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@router.post("/signin")
@limiter.limit("5/minute")
def signin(request: Request, form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@router.post("/session")  # expect: FA506
def create_session(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):
    return {"session": form_data.username}


@router.post("/obtain")  # expect: FA506
async def authenticate_user(username: str, password: str):
    return {"access_token": username}


@router.post(  # expect: FA506
    "/password/forgot",
)
def forgot_password(email: str):
    return {"detail": "sent"}


@router.post("/password/reset")
def reset_with_link(body: ResetWithToken):
    return {"detail": "done"}


@router.post("/password/reset/confirm")  # expect: FA506
def reset_with_code(body: ResetWithCode):
    return {"detail": "done"}


@router.post("/account/password")
def reset_password(user: CurrentUser, new_password: str):
    return {"detail": "changed"}


@router.post("/logout")
def logout(user: CurrentUser):
    return {}


@router.post("/refresh")
def refresh_access_token(refresh_token: str):
    return {"access_token": refresh_token}


@router.post("/2fa/verify")  # expect: FA506
def verify_otp(user: CurrentUser, code: str):
    return {"ok": code == "123456"}


@router.post("/2fa/setup")
def setup_two_factor(user: CurrentUser):
    return {"secret": "x"}


@router.get("/login")
def login_page():
    return {"form": "..."}


@router.post("/signup")  # expect: FA506
def signup(email: str, password: str):
    return {"email": email}


@router.post("/login/ldap")
@throttle(rate="5/m")
def login_ldap(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@router.post("/login/custom", dependencies=[Depends(check_rate_limit)])
def login_custom(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@router.post("/login/lockout")
def login_with_lockout(form_data: OAuth2PasswordRequestForm = Depends()):
    failed_login_attempts = 0
    if failed_login_attempts > 5:
        raise HTTPException(status_code=423, detail="Locked")
    return {"access_token": form_data.username}


@router.post("/login/exempt")  # expect: FA506
@limiter.exempt
def login_exempt(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}
