import os
import shutil
import uuid
from pathlib import Path

import magic
from fastapi import APIRouter, File, HTTPException, UploadFile
from PIL import Image

router = APIRouter()

UPLOAD_DIR = Path("/srv/uploads")
MAX_BYTES = 2 * 1024 * 1024
ALLOWED_TYPES = {"image/png": ".png", "image/jpeg": ".jpg"}
ALLOWED_SUFFIXES = {".png", ".jpg", ".jpeg"}
CHUNK = 64 * 1024


@router.post("/raw")
async def upload_raw(file: UploadFile = File(...)):
    contents = await file.read()  # expect: FA505
    with open(os.path.join(UPLOAD_DIR, file.filename), "wb") as out:
        out.write(contents)
    return {"size": len(contents)}


@router.post("/copy")
def upload_copy(file: UploadFile = File(...)):
    destination = UPLOAD_DIR / file.filename
    with destination.open("wb") as buffer:
        shutil.copyfileobj(file.file, buffer)  # expect: FA505
    return {"name": file.filename}


@router.post("/sync-read")
def upload_sync_read(upload: UploadFile = File(...)):
    data = upload.file.read()  # expect: FA505
    return {"size": len(data)}


@router.post("/bytes")
def upload_bytes(image: bytes = File(...)):  # expect: FA505
    return {"size": len(image)}


@router.post("/many")
async def upload_many(files: list[UploadFile] = File(...)):
    for f in files:
        body = await f.read()  # expect: FA505
        (UPLOAD_DIR / uuid.uuid4().hex).write_bytes(body)
    return {"count": len(files)}


# Safe look-alikes


@router.post("/checked")
async def upload_checked(file: UploadFile = File(...)):
    if file.content_type not in ALLOWED_TYPES:
        raise HTTPException(status_code=415)
    data = await file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(status_code=413)
    (UPLOAD_DIR / f"{uuid.uuid4().hex}{ALLOWED_TYPES[file.content_type]}").write_bytes(data)
    return {"ok": True}


@router.post("/chunked")
async def upload_chunked(file: UploadFile = File(...)):
    if Path(file.filename).suffix.lower() not in ALLOWED_SUFFIXES:
        raise HTTPException(status_code=415)
    total = 0
    with open(UPLOAD_DIR / uuid.uuid4().hex, "wb") as out:
        while chunk := await file.read(CHUNK):
            total += len(chunk)
            if total > MAX_BYTES:
                raise HTTPException(status_code=413)
            out.write(chunk)
    return {"size": total}


@router.post("/sized")
async def upload_sized(file: UploadFile = File(...)):
    if file.size is None or file.size > MAX_BYTES:
        raise HTTPException(status_code=413)
    contents = await file.read()
    kind = magic.from_buffer(contents, mime=True)
    if kind not in ALLOWED_TYPES:
        raise HTTPException(status_code=415)
    (UPLOAD_DIR / uuid.uuid4().hex).write_bytes(contents)
    return {"kind": kind}


@router.post("/pillow")
def upload_pillow(file: UploadFile = File(...)):
    file.file.seek(0, 2)
    if file.file.tell() > MAX_BYTES:
        raise HTTPException(status_code=413)
    file.file.seek(0)
    image = Image.open(file.file)
    image.verify()
    with open(UPLOAD_DIR / f"{uuid.uuid4().hex}.png", "wb") as out:
        shutil.copyfileobj(file.file, out)
    return {"format": image.format}


@router.post("/extension")
def upload_extension(archive: UploadFile = File(...)):
    if not archive.filename.endswith(".zip"):
        raise HTTPException(status_code=415)
    with open(UPLOAD_DIR / f"{uuid.uuid4().hex}.zip", "wb") as out:
        shutil.copyfileobj(archive.file, out)
    return {"ok": True}


@router.post("/bytes-checked")
def upload_bytes_checked(image: bytes = File(...)):
    if len(image) > MAX_BYTES:
        raise HTTPException(status_code=413)
    return {"size": len(image)}


@router.post("/no-upload")
async def no_upload(name: str):
    return {"name": name}
