import os

from pydantic_settings import BaseSettings
from starlette.middleware.sessions import SessionMiddleware


class Settings(BaseSettings):
    SECRET_KEY: str = "9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c8d0a2e4f"  # expect: FA403
    DATABASE_URL: str = "postgresql://app:s3cr3t-Passw0rd@db:5432/app"  # expect: FA403
    FIRST_SUPERUSER_PASSWORD: str = "changethis"
    ADMIN_PASSWORD: str = "Adm1n-2024!"  # expect: FA403
    LDAP_MARKER_PASSWORD: str = "LDAP"
    API_KEY: str = os.getenv("API_KEY", "")
    SMTP_PASSWORD: str | None = None
    PASSWORD_RESET_TOKEN_EXPIRE_HOURS: int = 48
    TOKEN_URL: str = "/api/v1/login/access-token"
    REDIS_URL: str = "redis://localhost:6379/0"
    JWT_SECRET_NAME: str = "JWT_SECRET"
    CLIENT_SECRET: str = "${CLIENT_SECRET}"
    password_field: str = "password"


STRIPE = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"  # expect: FA403
AWS = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "region": "eu-west-1"}  # expect: FA403
PRIVATE_PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----"  # expect: FA403


def connect(app):
    app.add_middleware(SessionMiddleware, secret_key="a-long-session-secret-value")  # expect: FA403
    headers = {"Authorization": "Bearer " + os.environ["TOKEN"], "x-api-key": "<your key here>"}
    return headers
