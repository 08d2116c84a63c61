import json

from fastapi import APIRouter, Depends, File, Request, UploadFile

router = APIRouter()
MAX_BYTES = 1024 * 1024


async def limit_upload_size(request: Request):
    if int(request.headers.get("content-length", 0)) > MAX_BYTES:
        raise ValueError("too large")


@router.post("/json")
async def import_json(file: UploadFile = File(...)):
    document = json.loads(await file.read())  # expect: FA505
    return {"keys": sorted(document)}


# Safe look-alikes: a size-limiting dependency, a Content-Length check


@router.post("/json-limited", dependencies=[Depends(limit_upload_size)])
async def import_json_limited(file: UploadFile = File(...)):
    document = json.loads(await file.read())
    return {"keys": sorted(document)}


@router.post("/json-header")
async def import_json_header(request: Request, file: UploadFile = File(...)):
    if int(request.headers.get("Content-Length", "0")) > MAX_BYTES:
        return {"error": "too large"}
    document = json.loads(await file.read())
    return {"keys": sorted(document)}
