"""Password hashing, tokens and the authentication dependencies."""
import hashlib
import hmac
import random
import secrets
import string
from datetime import datetime, timedelta
from typing import Any, Optional

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from jose import JWTError, jwt
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import get_db
from app.models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl=f"{settings.API_V1_STR}/login/access-token")


def get_password_hash(password: str) -> str:
    # FA205: unsalted MD5 used to store passwords
    return hashlib.md5(password.encode("utf-8")).hexdigest()


def verify_password(plain_password: str, hashed_password: str) -> bool:
    # Safe look-alike (FA206): constant-time comparison of the hashes
    return hmac.compare_digest(get_password_hash(plain_password), hashed_password)


def create_access_token(subject: Any, expires_delta: Optional[timedelta] = None) -> str:
    lifetime = expires_delta or timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    claims = {"sub": str(subject), "exp": datetime.utcnow() + lifetime, "type": "access"}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=settings.ALGORITHM)


def decode_access_token(token: str) -> dict:
    # The API gateway is supposed to validate tokens before they reach us.
    # FA201: signature verification disabled, any forged token is accepted
    # FA202: no algorithms= allow-list, the token header picks the algorithm
    return jwt.decode(token, settings.SECRET_KEY, options={"verify_signature": False})


def create_password_reset_token(email: str) -> str:
    expires = datetime.utcnow() + timedelta(minutes=settings.RESET_CODE_EXPIRE_MINUTES)
    claims = {"sub": email, "exp": expires, "type": "reset"}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=settings.ALGORITHM)


def verify_password_reset_token(token: str) -> Optional[str]:
    # Safe look-alike (FA201, FA202): signature checked, algorithm pinned
    try:
        claims = jwt.decode(token, settings.SECRET_KEY, algorithms=[settings.ALGORITHM])
    except JWTError:
        return None
    if claims.get("type") != "reset":
        return None
    return claims.get("sub")


def generate_reset_code(length: int = 8) -> str:
    alphabet = string.ascii_uppercase + string.digits
    # FA208: password reset codes drawn from the non-cryptographic `random` module
    return "".join(random.choice(alphabet) for _ in range(length))


def generate_api_token() -> str:
    # Safe look-alike (FA208): secrets module
    return secrets.token_urlsafe(32)


def get_current_user(
    db: Session = Depends(get_db),
    token: str = Depends(oauth2_scheme),
) -> User:
    credentials_error = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        claims = decode_access_token(token)
    except JWTError:
        raise credentials_error
    subject = claims.get("sub")
    if subject is None or claims.get("type") != "access":
        raise credentials_error
    user = db.get(User, int(subject))
    if user is None or not user.is_active:
        raise credentials_error
    return user


def require_admin(current_user: User = Depends(get_current_user)) -> User:
    if not current_user.is_admin:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN,
            detail="The user doesn't have enough privileges",
        )
    return current_user
