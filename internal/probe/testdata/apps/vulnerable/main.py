"""Deliberately vulnerable FastAPI app for the live-probe integration tests.

Every live issue the probe looks for is planted here and reachable through
/openapi.json; each is marked with the rule id it plants. Run it with
`python3 -m uvicorn main:app` from this directory (see internal/probe/probetest).
Seed data: users alice/alice-password (id 1) and bob/bob-password (id 2), both
non-admin; items 1-3 and orders 1-2 belong to alice, items 4-6 and orders 3-4
to bob; products 1-30 are named widget-1 .. widget-30.

NEVER deploy this.
"""

import sqlite3
import threading
import time
from typing import List, Optional

import jwt
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, status
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pydantic import BaseModel

# FA905: the HS256 signing key is a dictionary word ("secret").
SECRET_KEY = "secret"
TOKEN_MINUTES = 30

# FA404/FA902: debug=True turns every unhandled exception into a 500 whose body
# is the Python traceback (plain text, or an HTML page for Accept: text/html).
# FA406: /docs, /redoc and /openapi.json are served (FastAPI's defaults).
app = FastAPI(title="Vulnerable shop", version="1.0.0", debug=True)

# FA601: any origin with credentials. Starlette answers simple requests with
# "Access-Control-Allow-Origin: *" plus "Access-Control-Allow-Credentials: true"
# and reflects the request's Origin when the request carries a Cookie header;
# preflights (OPTIONS + Access-Control-Request-Method) always reflect it.
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


# FA903: a version banner on every (non-500) response, next to uvicorn's
# default "Server: uvicorn". FA603/FA605: no security headers are ever set
# (no HSTS, X-Content-Type-Options, X-Frame-Options, CSP, Referrer-Policy).
@app.middleware("http")
async def powered_by(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Powered-By"] = "FastAPI/0.92.0 Python/3.11"
    return response


# ---------------------------------------------------------------- database

db = sqlite3.connect(":memory:", check_same_thread=False)
db.row_factory = sqlite3.Row
db_lock = threading.Lock()


def query(sql: str, args: tuple = ()) -> List[dict]:
    with db_lock:
        rows = db.execute(sql, args).fetchall()
        db.commit()
    return [dict(r) for r in rows]


db.executescript(
    """
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT UNIQUE, password TEXT,
        email TEXT, full_name TEXT, is_admin INTEGER DEFAULT 0, role TEXT DEFAULT 'user');
    CREATE TABLE items (id INTEGER PRIMARY KEY, owner_id INTEGER, title TEXT, note TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, product_id INTEGER,
        total_cents INTEGER);
    CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price_cents INTEGER);
    CREATE TABLE feedback (id INTEGER PRIMARY KEY, message TEXT);
    INSERT INTO users (username, password, email, full_name) VALUES
        ('alice', 'alice-password', 'alice@example.com', 'Alice'),
        ('bob', 'bob-password', 'bob@example.com', 'Bob');
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
db.executemany(
    "INSERT INTO products (name, price_cents) VALUES (?, ?)",
    [(f"widget-{i}", i * 100) for i in range(1, 31)],
)

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
    email: Optional[str]
    full_name: Optional[str]
    # FA909: privileged fields in the input model; PATCH /users/me stores them.
    is_admin: Optional[bool]
    role: Optional[str]


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
    message: str  # FA912: no max_length, and no request body size limit
    email: Optional[str]


# -------------------------------------------------------------------- auth

oauth2 = OAuth2PasswordBearer(tokenUrl="token")
oauth2_optional = OAuth2PasswordBearer(tokenUrl="token", auto_error=False)


def unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )


def user_from_claims(claims: dict) -> dict:
    rows = query("SELECT * FROM users WHERE username = ?", (str(claims.get("sub")),))
    if not rows:
        raise unauthorized()
    return rows[0]


def current_user(token: str = Depends(oauth2)) -> dict:
    try:
        if jwt.get_unverified_header(token).get("alg", "").lower() == "none":
            # FA904: the token's own header picks the algorithm; "none" means
            # the claims are trusted without any signature.
            claims = jwt.decode(token, options={"verify_signature": False})
        else:
            # FA906: verify_exp is off, so expired tokens are still accepted.
            claims = jwt.decode(
                token, SECRET_KEY, algorithms=["HS256"], options={"verify_exp": False}
            )
    except jwt.PyJWTError:
        raise unauthorized()
    return user_from_claims(claims)


def current_user_unverified(token: str = Depends(oauth2)) -> dict:
    # FA906: this route family never checks the signature, so a tampered
    # (or expired, or alg none) token is accepted.
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise unauthorized()
    return user_from_claims(claims)


# ------------------------------------------------------------------ routes


@app.get("/health")
def health():
    return {"status": "ok"}


@app.post("/token", response_model=Token)
def login(form: OAuth2PasswordRequestForm = Depends()):
    # FA911: no throttling, lockout or Retry-After however many attempts fail.
    rows = query("SELECT * FROM users WHERE username = ?", (form.username,))
    if not rows or rows[0]["password"] != form.password:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect username or password")
    now = int(time.time())
    claims = {"sub": rows[0]["username"], "iat": now, "exp": now + TOKEN_MINUTES * 60}
    return {"access_token": jwt.encode(claims, SECRET_KEY, algorithm="HS256"), "token_type": "bearer"}


@app.get("/users/me", response_model=User)
def read_me(user: dict = Depends(current_user)):
    return user


@app.patch("/users/me", response_model=User)
def update_me(body: UserUpdate, user: dict = Depends(current_user)):
    # FA909: every field sent is written, is_admin and role included; GET
    # /users/me reads them back.
    user.update(body.dict(exclude_unset=True))
    query(
        "UPDATE users SET email = ?, full_name = ?, is_admin = ?, role = ? WHERE id = ?",
        (user["email"], user["full_name"], user["is_admin"], user["role"], user["id"]),
    )
    return user


@app.get("/users/{user_id}/orders", response_model=List[Order])
def user_orders(user_id: int = Path(..., example=1), user: dict = Depends(current_user_unverified)):
    # FA908: any authenticated user reads any user's orders (no owner check).
    return query("SELECT * FROM orders WHERE user_id = ?", (user_id,))


@app.get("/items", response_model=List[Item])
def my_items(user: dict = Depends(current_user)):
    return query("SELECT * FROM items WHERE owner_id = ?", (user["id"],))


@app.get("/items/{item_id}", response_model=Item)
def read_item(item_id: int = Path(..., example=1), user: dict = Depends(current_user)):
    # FA908 (BOLA): the item is loaded by id alone, without an owner check.
    rows = query("SELECT * FROM items WHERE id = ?", (item_id,))
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Item not found")
    return rows[0]


@app.get("/products", response_model=List[Product])
def list_products(limit: int = 100, offset: int = 0):
    # FA503/FA912: limit has no upper bound; limit=100000 returns every row.
    return query("SELECT * FROM products ORDER BY id LIMIT ? OFFSET ?", (limit, offset))


@app.get("/products/search", response_model=List[Product])
def search_products(name: str = Query(..., example="widget-1")):
    # FA101/FA910: the parameter is pasted into the SQL. A quote gives a 500
    # whose traceback names sqlite3.OperationalError; "widget-1' OR '1'='1"
    # returns all 30 products and "widget-1' AND '1'='2" none.
    return query("SELECT * FROM products WHERE name = '" + name + "'")


@app.get("/products/{product_id}/unit-price")
def unit_price(product_id: int = Path(..., example=1), quantity: int = 1):
    # FA901: quantity=0 raises ZeroDivisionError -> 500 with a traceback.
    rows = query("SELECT * FROM products WHERE id = ?", (product_id,))
    if not rows:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Product not found")
    return {"product_id": product_id, "unit_price_cents": rows[0]["price_cents"] // quantity}


@app.get("/discount")
def discount(percent: str = Query("10", example="10")):
    # FA901: any non-numeric string raises ValueError -> 500 with a traceback.
    return {"percent": int(percent), "factor": 1 - int(percent) / 100}


@app.get("/reports/summary")
def report_summary(token: Optional[str] = Depends(oauth2_optional)):
    # FA907: the OpenAPI document says this needs OAuth2, but a missing (or
    # invalid) token is ignored and the report is served anonymously.
    return {
        "users": query("SELECT COUNT(*) AS n FROM users")[0]["n"],
        "orders": query("SELECT COUNT(*) AS n FROM orders")[0]["n"],
        "revenue_cents": query("SELECT SUM(total_cents) AS s FROM orders")[0]["s"],
    }


@app.post("/feedback", status_code=status.HTTP_201_CREATED)
def send_feedback(body: Feedback):
    # FA301: state-changing operation with no authentication at all.
    # FA912: a megabyte-long message is stored without complaint.
    with db_lock:
        cur = db.execute("INSERT INTO feedback (message) VALUES (?)", (body.message,))
        db.commit()
    return {"id": cur.lastrowid, "length": len(body.message)}


# ------------------------------------------------------------------ GraphQL
# Strawberry is not packaged in Debian (and the tests cannot reach PyPI), so
# these plain FastAPI routes stand in for a GraphQL server: they answer a
# POST {"query": ...} the way Strawberry's GraphQLRouter does, enough for the
# probe's introspection query ({__schema{queryType{name}}}).


async def graphql_answer(request: Request) -> JSONResponse:
    try:
        body = await request.json()
        query_text = body["query"]
    except Exception:
        return JSONResponse({"data": None, "errors": [{"message": "No GraphQL query found in the request"}]}, 400)
    if "__schema" in query_text:
        # FA410: introspection is on, so the whole schema is public.
        return JSONResponse({"data": {"__schema": {"queryType": {"name": "Query"}}}})
    return JSONResponse({"data": None, "errors": [{"message": "Cannot query field on type 'Query'."}]})


@app.post("/graphql")
async def graphql(request: Request):
    # FA410: listed in the OpenAPI document, anonymous, introspection on.
    return await graphql_answer(request)


@app.post("/internal/gql", include_in_schema=False)
async def internal_graphql(request: Request, user: dict = Depends(current_user)):
    # FA410: not in the document and at no conventional path (the static
    # model names it); introspection answers any authenticated user.
    return await graphql_answer(request)
