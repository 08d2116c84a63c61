from fastapi import FastAPI
from starlette.middleware.trustedhost import TrustedHostMiddleware

app = FastAPI()  # expect: FA603, FA604, FA605
unused = FastAPI()  # no routes: not served


@app.get("/")
def index():
    return {}


api = FastAPI()  # expect: FA603, FA605
api.add_middleware(TrustedHostMiddleware, allowed_hosts=["*"])  # expect: FA604


@api.get("/x")
def x():
    return {}
