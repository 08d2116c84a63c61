import os

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from config import settings

app = FastAPI()
app.add_middleware(SessionMiddleware, secret_key="s3cr3t-session-key")  # expect: FA211

admin = FastAPI(middleware=[Middleware(SessionMiddleware, secret_key=settings.SECRET_KEY)])  # expect: FA211

safe = FastAPI()
safe.add_middleware(SessionMiddleware, secret_key=settings.SESSION_SECRET)
safe.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_SECRET"])
