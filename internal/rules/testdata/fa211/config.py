from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    SECRET_KEY: str = "dev-session-secret-change-me"
    SESSION_SECRET: str


settings = Settings()
