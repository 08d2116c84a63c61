import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from config import settings

app = FastAPI()
app = CORSMiddleware(app, allow_origins=["*"], allow_credentials=True)  # expect: FA601

api = FastAPI()
uvicorn.run(CORSMiddleware(api, allow_origins=settings.CORS_ORIGINS))  # expect: FA602

middleware = []
middleware.append(Middleware(CORSMiddleware, allow_origins=["*"]))  # expect: FA602
site = Starlette(middleware=middleware)

closed = FastAPI()
closed = CORSMiddleware(closed, allow_origins=settings.TRUSTED_ORIGINS, allow_credentials=True)


def build() -> FastAPI:
    inner = FastAPI()
    return CORSMiddleware(inner, allow_origins=["*"])  # expect: FA602
