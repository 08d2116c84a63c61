import os

import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette

from settings import settings

app = FastAPI(debug=True)  # expect: FA404
other = Starlette(debug=True)  # expect: FA404
safe = FastAPI(debug=False)
from_settings = FastAPI(debug=settings.DEBUG)
from_env = FastAPI(debug=os.getenv("DEBUG") == "1")

app.debug = True  # expect: FA404
safe.debug = settings.DEBUG


class Config:
    debug = True  # not an app attribute


def main():
    uvicorn.run(app, debug=True)  # expect: FA404
    uvicorn.run(app, debug=settings.DEBUG)
