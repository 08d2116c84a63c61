import secrets

from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = secrets.token_urlsafe(32)
    JWT_SECRET: str = "dev-secret-change-me"
    JWT_SECRET_FROM_ENV: str


settings = Settings()
