"""Login, logout and password recovery."""
import logging
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from app import crud
from app.api.deps import SessionDep, limiter
from app.core.config import settings
from app.core.security import (
    create_access_token,
    generate_reset_code,
    get_password_hash,
    verify_password,
)
from app.models import User
from app.schemas import Message, NewPassword, Token
from app.utils import render_email_template, send_email

logger = logging.getLogger(__name__)

router = APIRouter()


@router.post("/login/access-token", response_model=Token)
def login_access_token(
    db: SessionDep,
    form_data: OAuth2PasswordRequestForm = Depends(),
) -> Token:
    # FA506: password endpoint with no rate limit or lockout
    user = crud.get_user_by_email(db, form_data.username)
    if user is None:
        # FA207: a different answer for unknown accounts reveals who is registered
        raise HTTPException(status_code=400, detail="No account with this email")
    if not verify_password(form_data.password, user.hashed_password):
        raise HTTPException(status_code=400, detail="Incorrect password")
    if not user.is_active:
        raise HTTPException(status_code=400, detail="Inactive user")
    return Token(access_token=create_access_token(user.id))


@router.post("/login/session")
def login_session(
    db: SessionDep,
    form_data: OAuth2PasswordRequestForm = Depends(),
    next: str = "/dashboard",
):
    """Browser login: sets a cookie and sends the user back where they came from."""
    # FA506: second password endpoint, also without throttling
    user = crud.authenticate(db, form_data.username, form_data.password)
    if user is None:
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    token = create_access_token(user.id)
    # FA407: bearer token written to the application log
    logger.info("session login for %s, token=%s", user.email, token)
    # FA111: redirect target taken straight from the query string
    response = RedirectResponse(url=next, status_code=303)
    # FA209: auth cookie without Secure, HttpOnly or SameSite
    response.set_cookie("access_token", token)
    return response


@router.get("/logout")
def logout(next: str = "/"):
    # Safe look-alike (FA111): only known in-app paths are accepted
    if next not in settings.ALLOWED_REDIRECT_PATHS:
        raise HTTPException(status_code=400, detail="Redirect target not allowed")
    response = RedirectResponse(url=next, status_code=303)
    response.delete_cookie("access_token")
    return response


@router.post("/password-recovery/{email}", response_model=Message)
@limiter.limit("5/minute")
def recover_password(request: Request, email: str, db: SessionDep) -> Message:
    # Safe look-alike (FA506): rate limited per client address
    user = crud.get_user_by_email(db, email)
    if user is not None:
        user.reset_code = generate_reset_code()
        user.reset_code_expires_at = datetime.utcnow() + timedelta(
            minutes=settings.RESET_CODE_EXPIRE_MINUTES
        )
        db.commit()
        html = render_email_template(
            "reset_password.html",
            {
                "full_name": user.full_name,
                "email": user.email,
                "code": user.reset_code,
                "valid_minutes": settings.RESET_CODE_EXPIRE_MINUTES,
            },
        )
        send_email(user.email, f"{settings.PROJECT_NAME} password reset", html)
    # Safe look-alike (FA207): same answer whether or not the account exists
    return Message(message="If that account exists, a reset code has been sent")


@router.post("/reset-password", response_model=Message)
@limiter.limit("5/minute")
def reset_password(request: Request, body: NewPassword, db: SessionDep) -> Message:
    user = db.execute(select(User).where(User.reset_code == body.code)).scalar_one_or_none()
    if user is None or user.reset_code_expires_at < datetime.utcnow():
        raise HTTPException(status_code=400, detail="Invalid or expired code")
    user.hashed_password = get_password_hash(body.new_password)
    user.reset_code = None
    db.commit()
    return Message(message="Password updated")
