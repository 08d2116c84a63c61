"""Hardened twin of ../vulnerable/main.py: the same API surface, on which the
live probe must report nothing.

Run it with `python3 -m uvicorn main:app --no-server-header --no-proxy-headers`
from this directory (see internal/probe/probetest): uvicorn's "Server: uvicorn"
banner can only be turned off by uvicorn itself, and without
--no-proxy-headers uvicorn would take the client address (the login
throttle's key) from X-Forwarded-For sent by anything on 127.0.0.1.
The OpenAPI document is served only at /internal/openapi.json; /docs, /redoc
and /openapi.json answer 404. Seed data as in the vulnerable app.
"""

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from typing import Dict, List, Optional

import jwt
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from starlette.datastructures import Headers, MutableHeaders

SECRET_KEY = secrets.token_urlsafe(32)  # random per process, never in a wordlist
TOKEN_MINUTES = 15
MAX_BODY = 10 * 1024  # bytes
MAX_FAILURES, FAILURE_WINDOW = 5, 60  # failed logins per (client, username) per window in seconds
MAX_ID = 1_000_000  # keeps ids within SQLite's integer range

SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def server_error(request: Request, exc: Exception) -> JSONResponse:
    # Generic 500: no traceback, no exception text. This handler runs outside
    # the middleware below, so it sets the security headers itself.
    return JSONResponse({"detail": "Internal Server Error"}, status_code=500, headers=SECURITY_HEADERS)


app = FastAPI(
    title="Hardened shop",
    version="1.0.0",
    debug=False,
    docs_url=None,
    redoc_url=None,
    openapi_url="/internal/openapi.json",
    exception_handlers={Exception: server_error},
)


class BodyLimit:
    """Answers 413 to bodies over MAX_BODY: by Content-Length up front, and by
    counting for chunked bodies (FastAPI then answers 400)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            response = JSONResponse({"detail": "Request body too large"}, status_code=413)
            return await response(scope, receive, send)
        seen = 0

        async def counting_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "Request body too large")
            return message

        await self.app(scope, counting_receive, send)


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every response, CORS preflights and 413s included."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


# Outermost last: security headers wrap the body limit, which wraps CORS.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],  # one exact origin, no credentials
    allow_methods=["GET", "POST", "PATCH"],
    allow_headers=["Authorization", "Content-Type"],
)
app.add_middleware(BodyLimit)
app.add_middleware(SecurityHeadersMiddleware)

# ---------------------------------------------------------------- database

db = sqlite3.connect(":memory:", check_same_thread=False)
db.row_factory = sqlite3.Row
db_lock = threading.Lock()


def query(sql: str, args: tuple = ()) -> List[dict]:
    with db_lock:
        rows = db.execute(sql, args).fetchall()
        db.commit()
    return [dict(r) for r in rows]


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 50_000)


db.executescript(
    """
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, salt BLOB, password_hash BLOB,
        email TEXT, full_name TEXT, is_admin INTEGER DEFAULT 0, role TEXT DEFAULT 'user');
    CREATE TABLE items (id INTEGER PRIMARY KEY, owner_id INTEGER, title TEXT, note TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, product_id INTEGER,
        total_cents INTEGER);
    CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price_cents INTEGER);
    CREATE TABLE feedback (id INTEGER PRIMARY KEY, user_id INTEGER, message TEXT);
    INSERT INTO items (owner_id, title, note) VALUES
        (1, 'alice item 1', 'alice private note 1'),
        (1, 'alice item 2', 'alice private note 2'),
        (1, 'alice item 3', 'alice private note 3'),
        (2, 'bob item 1', 'bob private note 1'),
        (2, 'bob item 2', 'bob private note 2'),
        (2, 'bob item 3', 'bob private note 3');
    INSERT INTO orders (user_id, product_id, total_cents) VALUES
        (1, 1, 1000), (1, 2, 2000), (2, 3, 3000), (2, 4, 4000);
    """
)
for name in ("alice", "bob"):
    salt = secrets.token_bytes(16)
    db.execute(
        "INSERT INTO users (username, salt, password_hash, email, full_name) VALUES (?, ?, ?, ?, ?)",
        (name, salt, hash_password(f"{name}-password", salt), f"{name}@example.com", name.title()),
    )
db.executemany(
    "INSERT INTO products (name, price_cents) VALUES (?, ?)",
    [(f"widget-{i}", i * 100) for i in range(1, 31)],
)
DUMMY_SALT = secrets.token_bytes(16)

# ------------------------------------------------------------------ models


class Token(BaseModel):
    access_token: str
    token_type: str


class User(BaseModel):
    id: int
    username: str
    email: Optional[str]
    full_name: Optional[str]
    is_admin: bool
    role: str


class UserUpdate(BaseModel):
    email: Optional[str] = Field(None, max_length=254)
    full_name: Optional[str] = Field(None, max_length=100)

    class Config:
        extra = "forbid"  # is_admin, role, ... are rejected with 422


class Item(BaseModel):
    id: int
    owner_id: int
    title: str
    note: str


class Order(BaseModel):
    id: int
    user_id: int
    product_id: int
    total_cents: int


class Product(BaseModel):
    id: int
    name: str
    price_cents: int


class Feedback(BaseModel):
    message: str = Field(..., max_length=2000)
    email: Optional[str] = Field(None, max_length=254)


# -------------------------------------------------------------------- auth

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
failures: Dict[str, List[float]] = {}
failures_lock = threading.Lock()


def current_user(token: str = Depends(oauth2)) -> dict:
    try:
        # Algorithm pinned, signature and exp always verified.
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        rows = query("SELECT * FROM users WHERE username = ?", (str(claims["sub"]),))
    except jwt.PyJWTError:
        rows = []
    if not rows:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Could not validate credentials",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return rows[0]


def throttle(key: str) -> None:
    now = time.monotonic()
    with failures_lock:
        recent = [t for t in failures.get(key, []) if now - t < FAILURE_WINDOW]
        failures[key] = recent
    if len(recent) >= MAX_FAILURES:
        retry_after = int(FAILURE_WINDOW - (now - recent[0])) + 1
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            "Too many failed logins; try again later",
            headers={"Retry-After": str(retry_after)},
        )


# ------------------------------------------------------------------ routes


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/token", response_model=Token)
def login(request: Request, form: OAuth2PasswordRequestForm = Depends()):
    key = f"{request.client.host if request.client else '?'}|{form.username.lower()}"
    throttle(key)
    rows = query("SELECT * FROM users WHERE username = ?", (form.username,))
    salt, want = (rows[0]["salt"], rows[0]["password_hash"]) if rows else (DUMMY_SALT, b"")
    if not hmac.compare_digest(hash_password(form.password, salt), want):
        with failures_lock:
            failures.setdefault(key, []).append(time.monotonic())
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    with failures_lock:
        failures.pop(key, None)
    now = int(time.time())
    claims = {"sub": rows[0]["username"], "iat": now, "exp": now + TOKEN_MINUTES * 60}
    return {"access_token": jwt.encode(claims, SECRET_KEY, algorithm="HS256"), "token_type": "bearer"}


@app.get("/users/me", response_model=User)
def read_me(user: dict = Depends(current_user)):
    return user


@app.patch("/users/me", response_model=User)
def update_me(body: UserUpdate, user: dict = Depends(current_user)):
    user.update(body.dict(exclude_unset=True))  # email and full_name only
    query("UPDATE users SET email = ?, full_name = ? WHERE id = ?", (user["email"], user["full_name"], user["id"]))
    return user


@app.get("/users/{user_id}/orders", response_model=List[Order])
def user_orders(user_id: int = Path(..., ge=1, le=MAX_ID, example=1), user: dict = Depends(current_user)):
    if user_id != user["id"] and not user["is_admin"]:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Not your orders")
    return query("SELECT * FROM orders WHERE user_id = ?", (user_id,))


@app.get("/items", response_model=List[Item])
def my_items(user: dict = Depends(current_user)):
    return query("SELECT * FROM items WHERE owner_id = ?", (user["id"],))


@app.get("/items/{item_id}", response_model=Item)
def read_item(item_id: int = Path(..., ge=1, le=MAX_ID, example=1), user: dict = Depends(current_user)):
    # Owner condition in the query: other users' items are indistinguishable
    # from missing ones.
    rows = query("SELECT * FROM items WHERE id = ? AND owner_id = ?", (item_id, user["id"]))
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    return rows[0]


@app.get("/products", response_model=List[Product])
def list_products(limit: int = Query(100, ge=1, le=100), offset: int = Query(0, ge=0, le=MAX_ID)):
    return query("SELECT * FROM products ORDER BY id LIMIT ? OFFSET ?", (limit, offset))


@app.get("/products/search", response_model=List[Product])
def search_products(name: str = Query(..., max_length=100, example="widget-1")):
    return query("SELECT * FROM products WHERE name = ?", (name,))


@app.get("/products/{product_id}/unit-price")
def unit_price(
    product_id: int = Path(..., ge=1, le=MAX_ID, example=1),
    quantity: int = Query(1, ge=1, le=1000),
):
    rows = query("SELECT * FROM products WHERE id = ?", (product_id,))
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Product not found")
    return {"product_id": product_id, "unit_price_cents": rows[0]["price_cents"] // quantity}


@app.get("/discount")
def discount(percent: int = Query(10, ge=0, le=100, example=10)):
    return {"percent": percent, "factor": 1 - percent / 100}


@app.get("/reports/summary")
def report_summary(user: dict = Depends(current_user)):
    return {
        "users": query("SELECT COUNT(*) AS n FROM users")[0]["n"],
        "orders": query("SELECT COUNT(*) AS n FROM orders")[0]["n"],
        "revenue_cents": query("SELECT SUM(total_cents) AS s FROM orders")[0]["s"],
    }


@app.post("/feedback", status_code=status.HTTP_201_CREATED)
def send_feedback(body: Feedback, user: dict = Depends(current_user)):
    with db_lock:
        cur = db.execute("INSERT INTO feedback (user_id, message) VALUES (?, ?)", (user["id"], body.message))
        db.commit()
    return {"id": cur.lastrowid, "length": len(body.message)}


# ------------------------------------------------------------------ GraphQL
# Strawberry is not packaged in Debian (and the tests cannot reach PyPI), so
# these plain FastAPI routes stand in for a GraphQL server with Strawberry's
# DisableIntrospection extension: an introspection query gets the same
# GraphQL error, any other query an ordinary one.


async def graphql_answer(request: Request) -> JSONResponse:
    try:
        body = await request.json()
        query_text = body["query"]
    except Exception:
        return JSONResponse({"data": None, "errors": [{"message": "No GraphQL query found in the request"}]}, 400)
    if "__schema" in query_text or "__type" in query_text:
        return JSONResponse({"data": None, "errors": [{
            "message": "GraphQL introspection has been disabled, but the requested query contained the field '__schema'.",
            "locations": [{"line": 1, "column": 2}]}]})
    return JSONResponse({"data": None, "errors": [{"message": "Cannot query field on type 'Query'."}]})


@app.post("/api/graphql", include_in_schema=False)
async def graphql(request: Request):
    return await graphql_answer(request)


@app.post("/internal/gql", include_in_schema=False)
async def internal_graphql(request: Request, user: dict = Depends(current_user)):
    return await graphql_answer(request)
