import hashlib
import hmac
import secrets
from typing import Optional

from fastapi import Depends, Form, Header, HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from passlib.context import CryptContext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.config import ADMIN_TOKEN, BEARER, WEBHOOK_PREFIX, settings
from app.models import User

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
bearer = HTTPBearer()
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


def verify_internal_api_key(api_key: Optional[str] = Security(api_key_header)) -> None:
    valid = api_key is not None and api_key == settings.INTERNAL_API_KEY  # expect: FA206
    if not valid:
        raise HTTPException(status_code=401)


def verify_api_key_safe(api_key: Optional[str] = Security(api_key_header)) -> None:
    if api_key is None or not hmac.compare_digest(api_key, settings.INTERNAL_API_KEY):
        raise HTTPException(status_code=401)
    if secrets.compare_digest(api_key.encode(), settings.INTERNAL_API_KEY.encode()) == False:
        raise HTTPException(status_code=401)


def verify_token_header(x_token: str = Header()) -> None:
    if x_token != "fake-super-secret-token-1234":  # expect: FA206
        raise HTTPException(status_code=400, detail="X-Token header invalid")
    if x_token == "":
        raise HTTPException(status_code=400)
    if x_token == "changeme":
        raise HTTPException(status_code=400)


def verify_raw_header(request: Request) -> None:
    if request.headers["X-API-Key"] != settings.INTERNAL_API_KEY:  # expect: FA206
        raise HTTPException(status_code=401)
    if request.headers.get("x-api-key") != ADMIN_TOKEN:  # expect: FA206
        raise HTTPException(status_code=401)
    if request.headers.get("content-type") != "application/json":
        raise HTTPException(status_code=415)


def verify_bearer(credentials: HTTPAuthorizationCredentials = Security(bearer)) -> None:
    if credentials.scheme.lower() != BEARER:
        raise HTTPException(status_code=401)
    if credentials.credentials != settings.API_TOKEN:  # expect: FA206
        raise HTTPException(status_code=401)


def verify_authorization(authorization: str = Header()) -> None:
    if authorization != f"Bearer {settings.API_TOKEN}":  # expect: FA206
        raise HTTPException(status_code=401)


def compute_signature(body: bytes) -> str:
    return hmac.new(settings.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()


async def verify_webhook(request: Request, x_hub_signature: str = Header()) -> None:
    body = await request.body()
    expected = WEBHOOK_PREFIX + hmac.new(settings.WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    if x_hub_signature != expected:  # expect: FA206
        raise HTTPException(status_code=403)
    if compute_signature(body) != x_hub_signature:  # expect: FA206
        raise HTTPException(status_code=403)
    if hmac.new(b"k", body, hashlib.sha256).hexdigest() == request.headers.get("X-Signature"):  # expect: FA206
        raise HTTPException(status_code=403)
    if not hmac.compare_digest(expected, x_hub_signature):
        raise HTTPException(status_code=403)


def authenticate(db: Session, email: str, password: str) -> Optional[User]:
    user = db.query(User).filter(User.email == email).first()
    if user is None:
        return None
    if user.password != password:  # expect: FA206
        return None
    if user.password == "LDAP":
        return None
    if not pwd_context.verify(password, user.hashed_password):
        return None
    if pwd_context.hash(password) == user.hashed_password:
        return None
    return user


def login_plain(users: dict, username: str, password: str) -> bool:
    return users[username] == password  # expect: FA206


def check_reset_code(db: Session, email: str, code: str) -> User:
    user = db.query(User).filter(User.email == email).first()
    if user.reset_code != code:  # expect: FA206
        raise HTTPException(status_code=400)
    return user


def check_otp(user: User, otp: str) -> None:
    if otp != user.otp_secret:  # expect: FA206
        raise HTTPException(status_code=400)


def check_csrf(request: Request, csrf_token: str = Form()) -> None:
    if request.session["csrf_token"] != csrf_token:  # expect: FA206
        raise HTTPException(status_code=403)
    # Both values come from the same request: its sender knows them.
    if request.cookies.get("csrf_token") != request.headers.get("X-CSRF-Token"):
        raise HTTPException(status_code=403)


def find_by_api_key(db: Session, api_key: str) -> Optional[User]:
    user = db.execute(select(User).where(User.api_key == api_key)).scalar_one_or_none()
    other = db.query(models.User).filter(models.User.api_key == api_key).first()
    by_token = db.query(User).filter_by(api_key=api_key).first()
    return user or other or by_token


def token_metadata(token, claims: dict, owner_id: int, user) -> bool:
    if token is None or token == "":
        return False
    if len(token) != 32:
        return False
    if claims.get("token_type") == "bearer":
        return False
    if claims["type"] != "access":
        return False
    if token.token_type == BEARER:
        return False
    if user.id == owner_id:
        return True
    if token.user_id != user.id:
        return False
    if token.expires_at == claims.get("exp"):
        return False
    if token.token_name == user.email:
        return False
    if user.is_token_valid == True:
        return True
    return user.password_reset_count == 0


def change_password(body, user: User) -> None:
    if body.current_password == body.new_password:
        raise HTTPException(status_code=400)
    if body.password != body.password_confirm:
        raise HTTPException(status_code=400)
    if body.new_password != body.confirm_password:
        raise HTTPException(status_code=400)


def refresh(new_password: str, user: User) -> None:
    password_hash = pwd_context.hash(new_password)
    if user.password != password_hash:
        raise HTTPException(status_code=500)
