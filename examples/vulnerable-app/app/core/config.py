"""Application settings, read from the environment (and .env in development)."""
from typing import List, Literal, Optional

from pydantic import BaseSettings


class Settings(BaseSettings):
    PROJECT_NAME: str = "Stockroom API"
    API_V1_STR: str = "/api/v1"
    ENVIRONMENT: Literal["local", "staging", "production"] = "local"

    # FA203, FA403: JWT signing key hard-coded as the default; if SECRET_KEY is not
    # set in the environment every deployment signs tokens with this value.
    SECRET_KEY: str = "c8e1f0a4b7d2e93f5a6c1b8d0e7f4a2c9b3d6e1f8a5c2b7d4e0f9a3c6b1d8e2f"
    ALGORITHM: str = "HS256"
    # FA204: access tokens stay valid for eight days
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8
    RESET_CODE_EXPIRE_MINUTES: int = 30

    # FA403: static key for service-to-service calls committed to source
    INTERNAL_API_KEY: str = "stk_int_7f3c9a1e5b2d4086a9c1e7f2b3d5a8c4"

    # Safe look-alikes (FA403): secrets with no default, supplied by the environment
    SMTP_PASSWORD: Optional[str] = None

    DATABASE_URL: str = "postgresql://stockroom:stockroom@localhost:5432/stockroom"

    SMTP_HOST: str = "localhost"
    SMTP_PORT: int = 587
    SMTP_USER: Optional[str] = None
    EMAILS_FROM: str = "no-reply@stockroom.example.com"

    UPLOAD_DIR: str = "/srv/stockroom/uploads"
    BACKUP_DIR: str = "/var/backups/stockroom"
    MAX_UPLOAD_BYTES: int = 5 * 1024 * 1024

    STATUS_PAGE_URL: str = "https://status.stockroom.example.com/api/v2/status.json"
    ALLOWED_REDIRECT_PATHS: List[str] = ["/", "/dashboard", "/items", "/settings"]

    class Config:
        env_file = ".env"
        case_sensitive = True


settings = Settings()
