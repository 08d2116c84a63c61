package main

// The modules every service has, the same in each but for $pkg (the
// service's package) and $title. Bodies only: addPy adds the docstring.

const usersModels = `from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from $pkg.core.db import Base


class User(Base):
    """An account: a person who logs in."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    full_name: Mapped[Optional[str]] = mapped_column(String(200))
    hashed_password: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    def __repr__(self) -> str:
        return f"<User id={self.id} email={self.email!r}>"`

const usersSchemas = `from typing import Optional

from pydantic import BaseModel, ConfigDict, Field


class UserBase(BaseModel):
    email: str = Field(max_length=254)
    full_name: Optional[str] = Field(default=None, max_length=200)
    is_active: bool = True


class UserCreate(UserBase):
    password: str = Field(min_length=12, max_length=128)


class UserUpdateMe(BaseModel):
    full_name: Optional[str] = Field(default=None, max_length=200)
    email: Optional[str] = Field(default=None, max_length=254)


class UpdatePassword(BaseModel):
    current_password: str = Field(min_length=8, max_length=128)
    new_password: str = Field(min_length=12, max_length=128)


class UserPublic(UserBase):
    model_config = ConfigDict(from_attributes=True)

    id: int


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Message(BaseModel):
    message: str`

const usersCrud = `from collections.abc import Sequence
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from $pkg.core.security import get_password_hash, verify_password

from .models import User
from .schemas import UserCreate, UserUpdateMe


def get_user_by_email(db: Session, email: str) -> Optional[User]:
    return db.execute(select(User).where(User.email == email)).scalar_one_or_none()


def list_users(db: Session, skip: int = 0, limit: int = 100) -> Sequence[User]:
    return db.execute(select(User).order_by(User.id).offset(skip).limit(limit)).scalars().all()


def count_users(db: Session) -> int:
    return db.execute(select(func.count()).select_from(User)).scalar_one()


def create_user(db: Session, user_in: UserCreate) -> User:
    user = User(
        email=user_in.email,
        full_name=user_in.full_name,
        is_active=user_in.is_active,
        hashed_password=get_password_hash(user_in.password),
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


def update_user_me(db: Session, user: User, user_in: UserUpdateMe) -> User:
    for name, value in user_in.model_dump(exclude_unset=True).items():
        setattr(user, name, value)
    db.commit()
    db.refresh(user)
    return user


def authenticate(db: Session, email: str, password: str) -> Optional[User]:
    user = get_user_by_email(db, email)
    if user is None:
        # Hash anyway, so that unknown emails take as long as wrong passwords.
        verify_password(password, None)
        return None
    if not verify_password(password, user.hashed_password):
        return None
    return user`

const usersRoutes = `from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query

from $pkg.api.deps import CurrentUser, SessionDep, get_current_active_superuser
from $pkg.core.security import get_password_hash, verify_password

from . import crud
from .models import User
from .schemas import Message, UpdatePassword, UserCreate, UserPublic, UsersPublic, UserUpdateMe

router = APIRouter()


@router.get("/me", response_model=UserPublic)
def read_user_me(current_user: CurrentUser) -> Any:
    return current_user


@router.patch("/me", response_model=UserPublic)
def update_user_me(body: UserUpdateMe, db: SessionDep, current_user: CurrentUser) -> Any:
    if body.email and body.email != current_user.email:
        if crud.get_user_by_email(db, body.email) is not None:
            raise HTTPException(status_code=409, detail="Email already registered")
    return crud.update_user_me(db, current_user, body)


@router.patch("/me/password", response_model=Message)
def update_password_me(body: UpdatePassword, db: SessionDep, current_user: CurrentUser) -> Any:
    if not verify_password(body.current_password, current_user.hashed_password):
        raise HTTPException(status_code=400, detail="Incorrect password")
    current_user.hashed_password = get_password_hash(body.new_password)
    db.commit()
    return Message(message="Password updated")


@router.get("/", dependencies=[Depends(get_current_active_superuser)], response_model=UsersPublic)
def list_users(
    db: SessionDep,
    skip: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    return UsersPublic(data=crud.list_users(db, skip=skip, limit=limit), count=crud.count_users(db))


@router.post("/", dependencies=[Depends(get_current_active_superuser)], response_model=UserPublic, status_code=201)
def create_user(body: UserCreate, db: SessionDep) -> Any:
    if crud.get_user_by_email(db, body.email) is not None:
        raise HTTPException(status_code=409, detail="Email already registered")
    return crud.create_user(db, body)


@router.get("/{user_id}", dependencies=[Depends(get_current_active_superuser)], response_model=UserPublic)
def read_user(user_id: int, db: SessionDep) -> Any:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.delete("/{user_id}", dependencies=[Depends(get_current_active_superuser)], response_model=Message)
def delete_user(user_id: int, db: SessionDep, current_user: CurrentUser) -> Any:
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    if user.id == current_user.id:
        raise HTTPException(status_code=400, detail="Superusers cannot delete themselves")
    db.delete(user)
    db.commit()
    return Message(message="User deleted")`

const loginRoutes = `import logging
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from $pkg.api.deps import SessionDep
from $pkg.core import security
from $pkg.core.config import settings

from . import crud
from .schemas import Message, Token

logger = logging.getLogger(__name__)
router = APIRouter()


@router.post("/login/access-token", response_model=Token)
def login_access_token(db: SessionDep, form_data: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """OAuth2 password flow: trade an email and password for an access token."""
    user = crud.authenticate(db, email=form_data.username, password=form_data.password)
    if user is None or not user.is_active:
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    return Token(access_token=security.create_access_token(user.id, expires_delta=expires))


@router.post("/password-recovery/{email}", response_model=Message)
def recover_password(email: str, db: SessionDep) -> Message:
    """Send a password reset link; the answer is the same whether the account exists or not."""
    user = crud.get_user_by_email(db, email)
    if user is not None:
        token = security.create_password_reset_token(email)
        logger.info("password reset requested for user %s", user.id)
        security.send_reset_email(email, token)
    return Message(message="If the account exists, a recovery email was sent")`

const configHead = `from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    PROJECT_NAME: str = "$title API"
    API_V1_STR: str = "/api/v1"
    ENVIRONMENT: Literal["local", "staging", "production"] = "local"
    LOG_LEVEL: str = "INFO"

    # Secrets come from the environment: no defaults.
    SECRET_KEY: str
    DATABASE_URL: str
    ALGORITHM: str = "HS256"
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 30
    RESET_TOKEN_EXPIRE_MINUTES: int = 15

    CORS_ORIGINS: list[str] = ["https://app.example.com"]
    ALLOWED_WEBHOOK_HOSTS: frozenset[str] = frozenset({"hooks.example.com", "hooks.partner.example.net"})
    NOTIFY_URL: str = "https://notify.internal.example.com/v1/events"

    DATA_DIR: str = "/srv/data"
    UPLOAD_DIR: str = "/srv/uploads"
    ARCHIVE_DIR: str = "/srv/archive"
    EXPORT_DIR: str = "/srv/exports"
    REPORTS_DB: str = "/srv/reports/reports.sqlite3"
    MAX_UPLOAD_BYTES: int = 10 * 1024 * 1024

    SMTP_HOST: str = "localhost"
    SMTP_PORT: int = 587
    EMAILS_FROM: str = "no-reply@example.com"

    # Per-domain settings.
`

const configTail = `
    @property
    def docs_enabled(self) -> bool:
        return self.ENVIRONMENT != "production"


settings = Settings()  # type: ignore[call-arg]
`

const dbModule = `from collections.abc import Generator

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from $pkg.core.config import settings

engine = create_engine(settings.DATABASE_URL, pool_pre_ping=True, pool_size=10, max_overflow=20)
SessionLocal = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)


class Base(DeclarativeBase):
    """The declarative base of every model."""


def get_session() -> Generator[Session, None, None]:
    with SessionLocal() as session:
        yield session`

const securityModule = `import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from typing import Any, Optional

import jwt
from passlib.context import CryptContext

from $pkg.core.config import settings

logger = logging.getLogger(__name__)
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")

# A valid hash of a random password, checked when the user does not exist.
_DUMMY_HASH = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO3zLq9Bq6yZp8m8xW8xWnJ1f7Q0lR1yK"


def create_access_token(subject: Any, expires_delta: timedelta) -> str:
    expire = datetime.now(timezone.utc) + expires_delta
    to_encode = {"exp": expire, "sub": str(subject), "type": "access"}
    return jwt.encode(to_encode, settings.SECRET_KEY, algorithm=settings.ALGORITHM)


def create_password_reset_token(email: str) -> str:
    expire = datetime.now(timezone.utc) + timedelta(minutes=settings.RESET_TOKEN_EXPIRE_MINUTES)
    return jwt.encode({"exp": expire, "sub": email, "type": "reset"}, settings.SECRET_KEY, algorithm=settings.ALGORITHM)


def verify_password_reset_token(token: str) -> Optional[str]:
    try:
        payload = jwt.decode(token, settings.SECRET_KEY, algorithms=[settings.ALGORITHM])
    except jwt.InvalidTokenError:
        return None
    if payload.get("type") != "reset":
        return None
    return str(payload["sub"])


def verify_password(plain_password: str, hashed_password: Optional[str]) -> bool:
    return pwd_context.verify(plain_password, hashed_password or _DUMMY_HASH)


def get_password_hash(password: str) -> str:
    return pwd_context.hash(password)


def send_reset_email(email: str, token: str) -> None:
    message = EmailMessage()
    message["Subject"] = "Password recovery"
    message["From"] = settings.EMAILS_FROM
    message["To"] = email
    message.set_content(f"Use this code within {settings.RESET_TOKEN_EXPIRE_MINUTES} minutes: {token}")
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=10) as smtp:
        smtp.starttls()
        smtp.send_message(message)
    logger.info("password recovery email sent")`

const depsModule = `from typing import Annotated, Optional

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from $pkg.api.v1.users.models import User
from $pkg.core.config import settings
from $pkg.core.db import get_session

reusable_oauth2 = OAuth2PasswordBearer(tokenUrl=f"{settings.API_V1_STR}/login/access-token")


class TokenPayload(BaseModel):
    sub: Optional[str] = None
    type: Optional[str] = None


SessionDep = Annotated[Session, Depends(get_session)]
TokenDep = Annotated[str, Depends(reusable_oauth2)]


def get_current_user(db: SessionDep, token: TokenDep) -> User:
    """The user the bearer token was issued to; 401 when the token is missing, invalid or expired."""
    try:
        payload = jwt.decode(token, settings.SECRET_KEY, algorithms=[settings.ALGORITHM])
        token_data = TokenPayload(**payload)
    except (jwt.InvalidTokenError, ValidationError):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    if token_data.type != "access" or token_data.sub is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Wrong token type")
    user = db.get(User, int(token_data.sub))
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="User not found")
    if not user.is_active:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Inactive user")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_active_superuser(current_user: CurrentUser) -> User:
    if not current_user.is_superuser:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="The user doesn't have enough privileges")
    return current_user


SuperUser = Annotated[User, Depends(get_current_active_superuser)]`

const mainModule = `import logging

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.middleware.trustedhost import TrustedHostMiddleware

from $pkg.api.v1.router import api_router
from $pkg.core.config import settings

logging.basicConfig(level=settings.LOG_LEVEL)
logger = logging.getLogger("$pkg")

app = FastAPI(
    title=settings.PROJECT_NAME,
    openapi_url=f"{settings.API_V1_STR}/openapi.json" if settings.docs_enabled else None,
    docs_url="/docs" if settings.docs_enabled else None,
    redoc_url=None,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.CORS_ORIGINS,
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type"],
)
app.add_middleware(TrustedHostMiddleware, allowed_hosts=["api.example.com", "*.api.example.com"])


@app.middleware("http")
async def security_headers(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


@app.exception_handler(Exception)
async def unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=500, content={"detail": "Internal server error"})


app.include_router(api_router, prefix=settings.API_V1_STR)


@app.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    return {"status": "ok"}`
