import hashlib
import hmac
import json

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import TypeAdapter

from ..schemas import OrderIn

router = APIRouter(prefix="/hooks")
SECRET = b"from-env"


@router.post("/github")
async def github(request: Request, x_hub_signature_256: str = Header(...)) -> dict:
    body = await request.body()
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, x_hub_signature_256):
        raise HTTPException(status_code=401)
    event = json.loads(body)
    return {"action": event.get("action")}


@router.post("/echo")
async def echo(request: Request) -> dict:
    data = await request.json()  # expect: FA502
    return {"echo": data}


@router.post("/legacy")
async def legacy(request: Request) -> dict:
    raw = await request.body()  # expect: FA502
    data = json.loads(raw)
    return {"n": len(data)}


@router.post("/form")
async def form(request: Request) -> dict:
    form = await request.form()  # expect: FA502
    return {"name": form.get("name")}


@router.post("/parsed")
async def parsed(request: Request) -> dict:
    data = await request.json()
    order = OrderIn(**data)
    return {"title": order.title}


@router.post("/adapter")
async def adapter(request: Request) -> dict:
    orders = TypeAdapter(list[OrderIn]).validate_python(await request.json())
    return {"n": len(orders)}


def handle(payload: dict) -> OrderIn:
    return OrderIn.model_validate(payload)


@router.post("/helper")
async def helper(request: Request) -> dict:
    payload = await request.json()
    return {"title": handle(payload).title}


@router.post("/stream")
async def stream(request: Request) -> dict:
    raw = await request.body()
    with open("/tmp/upload.bin", "wb") as f:
        f.write(raw)
    return {"size": len(raw)}


async def json_payload(request: Request) -> dict:
    return await request.json()  # expect: FA502


@router.post("/dep")
async def from_dependency(payload: dict = Depends(json_payload)) -> dict:
    return payload
