"""File storage, bulk import and snapshot restore (authenticated at include time in main.py)."""
import logging
import os
import pickle
import uuid
from pathlib import Path

import yaml
from fastapi import APIRouter, File, HTTPException, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import CurrentUser, SessionDep
from app.core.config import settings
from app.models import Item, StoredFile
from app.schemas import FilePublic, Message

logger = logging.getLogger(__name__)

router = APIRouter()

UPLOAD_ROOT = Path(settings.UPLOAD_DIR)
PUBLIC_ROOT = UPLOAD_ROOT / "public"
IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


@router.post("/upload", response_model=FilePublic)
async def upload_file(db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)):
    # FA505: whole upload read into memory, no size or content-type check
    contents = await file.read()
    # FA109: client-supplied filename used as the path on disk
    destination = os.path.join(settings.UPLOAD_DIR, file.filename)
    with open(destination, "wb") as out:
        out.write(contents)
    record = StoredFile(
        filename=file.filename,
        stored_path=destination,
        content_type=file.content_type,
        size=len(contents),
        owner_id=current_user.id,
    )
    db.add(record)
    db.commit()
    db.refresh(record)
    return record


@router.post("/avatar", response_model=Message)
async def upload_avatar(current_user: CurrentUser, file: UploadFile = File(...)):
    # Safe look-alike (FA505, FA109): type allow-list, size cap, server-chosen name
    if file.content_type not in IMAGE_TYPES:
        raise HTTPException(status_code=415, detail="Avatar must be PNG, JPEG or WebP")
    data = await file.read(settings.MAX_UPLOAD_BYTES + 1)
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise HTTPException(status_code=413, detail="Avatar too large")
    name = f"{current_user.id}-{uuid.uuid4().hex}{IMAGE_TYPES[file.content_type]}"
    (UPLOAD_ROOT / "avatars" / name).write_bytes(data)
    return Message(message="Avatar updated")


@router.get("/download/{file_path:path}")
def download_file(file_path: str):
    # FA109: path parameter joined onto the upload directory, "../" escapes it
    return FileResponse(os.path.join(settings.UPLOAD_DIR, file_path))


@router.get("/public/{file_path:path}")
def download_public_file(file_path: str):
    # Safe look-alike (FA109): resolved and checked to stay under PUBLIC_ROOT
    base = PUBLIC_ROOT.resolve()
    target = (base / file_path).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise HTTPException(status_code=404, detail="File not found")
    return FileResponse(target)


@router.post("/import/items", response_model=Message)
async def import_items(db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)):
    # FA105: yaml.load with the unsafe Loader on an uploaded document
    document = yaml.load(await file.read(), Loader=yaml.Loader)
    try:
        rows = [
            Item(title=str(e["title"])[:255], price=float(e["price"]), owner_id=current_user.id)
            for e in document["items"]
        ]
        db.add_all(rows)
        db.commit()
    except (KeyError, TypeError, ValueError, SQLAlchemyError):
        db.rollback()
        # Safe look-alike (FA405): details go to the log, the client gets a fixed message
        logger.exception("item import failed for user %s", current_user.id)
        raise HTTPException(status_code=400, detail="Import file is not valid")
    return Message(message=f"Imported {len(rows)} items")


@router.post("/import/preferences")
async def import_preferences(current_user: CurrentUser, file: UploadFile = File(...)):
    # Safe look-alike (FA105): safe_load
    preferences = yaml.safe_load(await file.read(settings.MAX_UPLOAD_BYTES))
    if not isinstance(preferences, dict):
        raise HTTPException(status_code=400, detail="Preferences must be a mapping")
    return {"user_id": current_user.id, "keys": sorted(preferences)}


@router.post("/restore", response_model=Message)
async def restore_snapshot(db: SessionDep, current_user: CurrentUser, file: UploadFile = File(...)):
    # FA105: pickle.loads on uploaded bytes runs arbitrary code
    snapshot = pickle.loads(await file.read())
    try:
        for row in snapshot["items"]:
            # FA305: uploaded rows splatted into the ORM model; `id` included, so
            # merge() can overwrite other users' items
            db.merge(Item(**row, owner_id=current_user.id))
        db.commit()
    except Exception as exc:
        db.rollback()
        # FA405: exception text returned to the client
        raise HTTPException(status_code=400, detail=str(exc))
    return Message(message="Snapshot restored")
