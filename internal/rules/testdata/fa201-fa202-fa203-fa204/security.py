from datetime import datetime, timedelta, timezone

import jwt
from jose import jwt as jose_jwt

from config import settings

SECRET_KEY = "secret"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 60 * 24 * 8  # expect: FA204
REFRESH_TOKEN_EXPIRE_DAYS = 30
PASSWORD_RESET_TOKEN_EXPIRE_HOURS = 48
ACCESS_TOKEN_EXPIRE_SECONDS = 900
OPTIONS = {"verify_signature": False}


def create_access_token(subject: str) -> str:
    expire = datetime.now(timezone.utc) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    claims = {"sub": subject, "exp": expire}
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=ALGORITHM)


def create_forever_token(subject: str) -> str:
    return jwt.encode({"sub": subject}, SECRET_KEY, algorithm="HS256")  # expect: FA203, FA204


def create_token_later_exp(subject: str) -> str:
    claims = {"sub": subject}
    claims["exp"] = datetime.now(timezone.utc) + timedelta(minutes=15)
    return jwt.encode(claims, settings.JWT_SECRET, algorithm="HS256")  # expect: FA203


def unsigned(subject: str) -> str:
    return jwt.encode({"sub": subject, "exp": 1}, key="", algorithm="none")  # expect: FA202, FA203


def decode_unverified(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})  # expect: FA201


def decode_unverified_var(token: str) -> dict:
    return jwt.decode(token, settings.JWT_SECRET_FROM_ENV, algorithms=["HS256"], options=OPTIONS)  # expect: FA201


def decode_no_algorithms(token: str) -> dict:
    return jose_jwt.decode(token, settings.JWT_SECRET_FROM_ENV)  # expect: FA202


def decode_confused(token: str, public_key: str) -> dict:
    return jwt.decode(token, public_key, algorithms=["RS256", "HS256"])  # expect: FA202


def decode_none(token: str) -> dict:
    return jwt.decode(token, settings.JWT_SECRET_FROM_ENV, algorithms=["HS256", "none"])  # expect: FA202


def decode_expired_ok(token: str) -> dict:
    return jwt.decode(token, settings.JWT_SECRET_FROM_ENV, algorithms=["HS256"], options={"verify_exp": False})  # expect: FA204


def decode_ok(token: str) -> dict:
    return jwt.decode(token, settings.JWT_SECRET_FROM_ENV, algorithms=[ALGORITHM])


def peek(token: str) -> dict:
    header = jose_jwt.get_unverified_header(token)
    claims = jose_jwt.get_unverified_claims(token)  # expect: FA201
    return {**header, **claims}
