import os

from fastapi import FastAPI

from config import settings

public = FastAPI(title="Public")  # expect: FA406
custom = FastAPI(docs_url="/api/docs", redoc_url=None)  # expect: FA406
schema_only = FastAPI(docs_url=None, redoc_url=None)  # expect: FA406

no_schema = FastAPI(openapi_url=None)
empty_schema = FastAPI(openapi_url="")
gated = FastAPI(
    docs_url="/docs" if settings.ENVIRONMENT == "local" else None,
    redoc_url=None,
    openapi_url=None if settings.ENVIRONMENT == "production" else "/openapi.json",
)
from_settings = FastAPI(openapi_url=settings.OPENAPI_URL)
from_env = FastAPI(openapi_url=os.getenv("OPENAPI_URL"))
kwargs = {"docs_url": None}
splatted = FastAPI(**kwargs)

if settings.ENVIRONMENT != "production":
    dev_only = FastAPI()

later = FastAPI()
later.openapi_url = None
