from fastapi import FastAPI
from pydantic_settings import BaseSettings
from starlette.middleware.trustedhost import TrustedHostMiddleware


class Settings(BaseSettings):
    ALLOWED_HOSTS: list[str] = ["*"]
    API_HOSTS: list[str] = ["api.example.com"]


settings = Settings()

app = FastAPI()
app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.ALLOWED_HOSTS)  # expect: FA604


@app.get("/")
def index():
    return {}


api = FastAPI()


@api.get("/")
def api_index():
    return {}


api = TrustedHostMiddleware(api, allowed_hosts=settings.API_HOSTS)
