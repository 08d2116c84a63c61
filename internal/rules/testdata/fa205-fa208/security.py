import hashlib
import random
import secrets
import string

from passlib.context import CryptContext

pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")
legacy_context = CryptContext(schemes=["bcrypt", "md5_crypt", "plaintext"])  # expect: FA205


def hash_password(password: str) -> str:
    return hashlib.md5(password.encode()).hexdigest()  # expect: FA205


def hash_pw_sha(user):
    return hashlib.sha256(user.password.encode()).hexdigest()  # expect: FA205


def hash_new(raw_password):
    return hashlib.new("sha1", raw_password.encode()).hexdigest()  # expect: FA205


def file_checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def etag(body: bytes) -> str:
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def make_reset_code() -> str:
    return "".join(random.choice(string.digits) for _ in range(6))  # expect: FA208


def issue():
    api_key = "".join(random.choices(string.ascii_letters, k=32))  # expect: FA208
    token = secrets.token_urlsafe(32)
    jitter = random.uniform(0.1, 0.5)
    delay = random.randint(1, 5)
    return api_key, token, jitter, delay


def sample_rows(rows):
    return random.sample(rows, 3)


def new_key(length=4) -> str:
    """A short cache key for front-end data."""
    return "".join(random.choices(string.ascii_letters, k=length))
