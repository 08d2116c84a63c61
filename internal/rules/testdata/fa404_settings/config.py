from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = True
    verbose: bool = Field(default=True)
    quiet: bool = False


class ProdSettings(Settings):
    quiet: bool = True


@lru_cache
def get_settings() -> Settings:
    return Settings()


settings = Settings()
prod = ProdSettings()
