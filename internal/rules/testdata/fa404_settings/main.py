from fastapi import FastAPI
from starlette.applications import Starlette

from config import get_settings, prod, settings

app = FastAPI(debug=settings.debug)  # expect: FA404
other = Starlette(debug=get_settings().verbose)  # expect: FA404
calm = FastAPI(debug=settings.quiet)
inherited = FastAPI(debug=prod.debug)  # expect: FA404
