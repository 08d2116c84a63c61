"""Pydantic request and response models (pydantic v1 API)."""
from typing import List, Optional

from pydantic import BaseModel, Field


class Message(BaseModel):
    message: str


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserBase(BaseModel):
    email: str = Field(..., max_length=255)
    full_name: Optional[str] = Field(None, max_length=255)


class UserRegister(UserBase):
    # Safe look-alike (FA305): self-registration carries no privileged fields
    password: str = Field(..., min_length=8, max_length=128)


class UserCreate(UserBase):
    password: str = Field(..., min_length=8, max_length=128)
    is_active: bool = True
    # FA305: privilege flag accepted from the request body
    is_admin: bool = False


class UserUpdate(BaseModel):
    email: Optional[str] = Field(None, max_length=255)
    full_name: Optional[str] = Field(None, max_length=255)
    # FA305: lets a user promote themselves via PATCH /users/me
    is_admin: Optional[bool] = None


class UserPublic(UserBase):
    id: int
    is_active: bool

    class Config:
        orm_mode = True


class UserDetail(UserPublic):
    """Full user record, used by the admin screens."""

    is_admin: bool
    # FA402: password hash, API token and reset code serialised to clients
    hashed_password: str
    api_token: Optional[str] = None
    reset_code: Optional[str] = None


class NewPassword(BaseModel):
    code: str = Field(..., min_length=6, max_length=16)
    new_password: str = Field(..., min_length=8, max_length=128)


class ItemBase(BaseModel):
    title: str = Field(..., min_length=1, max_length=255)
    description: Optional[str] = Field(None, max_length=4000)
    price: float = Field(..., ge=0)
    quantity: int = Field(0, ge=0)


class ItemCreate(ItemBase):
    pass


class ItemUpdate(BaseModel):
    title: Optional[str] = Field(None, min_length=1, max_length=255)
    description: Optional[str] = Field(None, max_length=4000)
    price: Optional[float] = Field(None, ge=0)
    quantity: Optional[int] = Field(None, ge=0)


class ItemPublic(ItemBase):
    id: int
    owner_id: int

    class Config:
        orm_mode = True


class PricePreview(BaseModel):
    # e.g. "price * 0.9 if quantity > 100 else price"
    # FA501: no max_length on a field that is evaluated (see items.py)
    formula: str


class FilePublic(BaseModel):
    id: int
    filename: str
    content_type: Optional[str] = None
    size: int

    class Config:
        orm_mode = True


class WebhookCreate(BaseModel):
    url: str = Field(..., max_length=2048)
    event: str = Field("item.created", max_length=64)


class WebhookPublic(BaseModel):
    id: int
    url: str
    event: str
    is_active: bool

    class Config:
        orm_mode = True


class BackupRequest(BaseModel):
    label: str = Field(..., max_length=64)
    # FA504: no limit on how many table names a request may list
    tables: List[str] = []


class EmailPreview(BaseModel):
    subject: str = Field(..., max_length=200)
    template: str
