from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    CORS_ORIGINS: list[str] = ["*"]
    TRUSTED_ORIGINS: list[str] = ["https://app.example.com"]


settings = Settings()
