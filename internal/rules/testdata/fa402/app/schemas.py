from typing import Optional

from pydantic import BaseModel, Field, SecretStr


class UserBase(BaseModel):
    email: str
    full_name: Optional[str] = None


class UserPublic(UserBase):
    id: int
    password_changed_at: Optional[str] = None
    has_password: bool = True
    token_type: str = "bearer"


class UserInDB(UserPublic):
    hashed_password: str
    otp_secret: Optional[str] = None


class ApiKeyOut(BaseModel):
    name: str
    api_key: str
    api_key_prefix: str


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Team(BaseModel):
    name: str
    members: list[UserInDB]


class Masked(BaseModel):
    email: str
    password: SecretStr
    hashed_password: str = Field(exclude=True)
