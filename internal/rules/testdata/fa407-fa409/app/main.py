import logging

import httpx
import requests
import structlog
from fastapi import Depends, FastAPI, Query, Request, Security, WebSocket
from fastapi.responses import RedirectResponse
from fastapi.security import APIKeyHeader, APIKeyQuery

from app.config import settings
from app.routes import auth

logger = logging.getLogger(__name__)
log = structlog.get_logger()

app = FastAPI()
app.include_router(auth.router, prefix="/auth")

api_key_query = APIKeyQuery(name="api_key")  # expect: FA409
api_key_header = APIKeyHeader(name="X-API-Key")

FRONTEND = "https://app.example.com"
WEATHER_URL = "https://api.weather.example/v1/current"
FALLBACK_API_KEY = "c0a8f3e91b7d4e2fa6b5d8c7e9f01234"
PLACEHOLDER_API_KEY = "changeme"


def query_token(token: str = Query(...)):  # expect: FA409
    return token


@app.get("/export")
def export(api_key: str = Query(...)):  # expect: FA409
    return {"ok": bool(api_key)}


@app.get("/reports")
def reports(key: str = Security(api_key_query)):
    return {"ok": bool(key)}


@app.get("/feed")
def feed(token: str = Depends(query_token)):
    return {"ok": bool(token)}


@app.get("/search")
def search(secret_key: str = Query(..., alias="apiKey")):  # expect: FA409
    return {"ok": bool(secret_key)}


@app.get("/email/verify")
def verify_email(token: str):  # expect: FA409
    return {"verified": bool(token)}


@app.websocket("/ws")
async def socket(websocket: WebSocket, token: str = Query(...)):  # expect: FA409
    await websocket.accept()


@app.get("/weather")
def weather(city: str):
    r = requests.get(f"{WEATHER_URL}?q={city}&appid={settings.WEATHER_API_KEY}")  # expect: FA409
    s = httpx.get(WEATHER_URL, params={"q": city, "api_key": settings.WEATHER_API_KEY})  # expect: FA409
    return r.json() | s.json()


@app.get("/oauth/done")
def oauth_done(request: Request):
    token = request.session.get("access_token")
    return RedirectResponse(f"{FRONTEND}/callback?access_token={token}")  # expect: FA409


@app.get("/debug-headers")
def debug_headers(request: Request):
    logger.debug("headers: %s", dict(request.headers))  # expect: FA407
    logger.info("auth header %s", request.headers["Authorization"])  # expect: FA407
    return {}


def call_partner(payload: dict):
    logger.info(f"calling partner with key {settings.PARTNER_API_KEY}")  # expect: FA407
    log.info("partner call", api_key=settings.PARTNER_API_KEY)  # expect: FA407
    logging.warning("partner secret is %s", settings.SECRET_KEY)  # expect: FA407
    logger.info("partner call", extra={"client_secret": settings.CLIENT_SECRET})  # expect: FA407
    logger.info("using key %s", FALLBACK_API_KEY)  # expect: FA407
    logger.info("using token %s", "ghp_0123456789abcdefghijABCDEFGHIJ0123456789")  # expect: FA407


# Safe look-alikes


@app.get("/items")
def items(page_token: int = 0, token_type: str = "bearer", include_token: bool = False, x: str = Security(api_key_header)):
    return []


@app.get("/oauth/callback")
def oauth_callback(code: str, state: str):
    return {"code_seen": bool(code)}


@app.get("/weather-safe")
def weather_safe(city: str):
    r = requests.get(WEATHER_URL, params={"q": city}, headers={"X-API-Key": settings.WEATHER_API_KEY})
    s = httpx.get(f"{WEATHER_URL}?q={city}&units=metric")
    logger.info("weather for %s", city)
    return r.json() | s.json()


@app.get("/logout")
def logout():
    return RedirectResponse(f"{FRONTEND}/login?next=/home")


def safe_logging(user, token, settings_obj):
    logger.info("token issued for %s, type=%s", user.id, "bearer")
    logger.info("token_type=%s expires=%s", settings_obj.token_type, settings_obj.token_expire_minutes)
    logger.info("api key id %s used", settings_obj.api_key_id)
    logger.info("token length %d prefix %s", len(token), token[:4])
    logger.info("password changed at %s", user.password_changed_at)
    logger.info("max_tokens=%s", settings_obj.max_tokens)
    logger.info("login failed: invalid password for %s", user.email)
    logger.info("token_data %s", user.token_data)
    print(f"debug token {token}")
    logger.info("key is %s", PLACEHOLDER_API_KEY)
