import logging
import traceback

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

logger = logging.getLogger(__name__)
app = FastAPI()


class QuotaExceeded(Exception):
    """The application's own error, written for clients."""


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    return JSONResponse(status_code=500, content={"detail": str(exc)})  # expect: FA405


@app.exception_handler(RequestValidationError)
async def validation(request: Request, exc: RequestValidationError):
    return JSONResponse(status_code=422, content={"detail": exc.errors()})


@app.exception_handler(IntegrityError)
async def integrity(request: Request, exc: IntegrityError):
    logger.warning("integrity error: %s", exc)
    return JSONResponse(status_code=409, content={"detail": "Conflict"})


def save():
    pass


@app.post("/items")
def create_item():
    try:
        save()
    except Exception as exc:
        raise HTTPException(status_code=400, detail=str(exc))  # expect: FA405
    return {"ok": True}


@app.post("/items/db")
def create_item_db():
    try:
        save()
    except (KeyError, SQLAlchemyError) as err:
        raise HTTPException(500, f"database error: {err}")  # expect: FA405


@app.post("/items/trace")
def create_item_trace():
    try:
        save()
    except Exception:
        return PlainTextResponse(traceback.format_exc(), status_code=500)  # expect: FA405


@app.post("/items/quota")
def create_item_quota():
    try:
        save()
    except QuotaExceeded as exc:
        raise HTTPException(status_code=429, detail=str(exc))
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc))


@app.post("/items/logged")
def create_item_logged():
    try:
        save()
    except Exception:
        logger.exception("save failed")
        raise HTTPException(status_code=500, detail="Internal error")


@app.post("/items/reraise")
def create_item_reraise():
    try:
        save()
    except HTTPException as exc:
        raise HTTPException(status_code=exc.status_code, detail=exc.detail)
