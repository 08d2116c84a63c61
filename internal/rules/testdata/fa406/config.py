from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    ENVIRONMENT: str = "local"
    OPENAPI_URL: str | None = None


settings = Settings()
