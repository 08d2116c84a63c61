from pydantic_settings import BaseSettings

BEARER = "bearer"
WEBHOOK_PREFIX = "sha256="
ADMIN_TOKEN = "9f2c1b7e4d6a8f0e3b5c7d9a1e2f4b6c"


class Settings(BaseSettings):
    INTERNAL_API_KEY: str = "changethis"
    WEBHOOK_SECRET: str = ""
    API_TOKEN: str = ""


settings = Settings()

# Module level: not in a function, not reported.
if settings.INTERNAL_API_KEY == ADMIN_TOKEN:
    pass
