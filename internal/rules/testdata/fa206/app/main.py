from fastapi import Depends, FastAPI, Form, HTTPException

from app.config import settings
from app.deps import verify_internal_api_key

app = FastAPI()

ADMIN_PASSWORD = settings.INTERNAL_API_KEY


@app.post("/admin/login")
def admin_login(password: str = Form()):
    if password == ADMIN_PASSWORD:  # expect: FA206
        return {"ok": True}
    raise HTTPException(status_code=401)


@app.get("/internal", dependencies=[Depends(verify_internal_api_key)])
def internal():
    return {"ok": True}


@app.post("/unlock")
def unlock(pin: str = Form(), token: str = Form()):
    stored_pin = settings.API_TOKEN[:4]
    if pin == stored_pin:  # expect: FA206
        return {"ok": True}
    if token in {settings.API_TOKEN}:
        return {"ok": True}
    return {"ok": False}
