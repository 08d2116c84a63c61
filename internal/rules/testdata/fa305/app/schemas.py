from typing import Optional

from pydantic import BaseModel, ConfigDict


class UserBase(BaseModel):
    email: str
    full_name: Optional[str] = None


class UserSignup(UserBase):
    password: str
    role: str = "member"  # expect: FA305


class UserUpdateMe(BaseModel):
    full_name: Optional[str] = None


class UserAdminUpdate(UserBase):
    is_superuser: bool = False


class ProfilePatch(BaseModel):  # expect: FA305
    model_config = ConfigDict(extra="allow")
    bio: Optional[str] = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    theme: str = "light"


class UserPatch(UserBase):
    is_verified: Optional[bool] = None  # expect: FA305


class RoleGrant(BaseModel):
    username: str
    role: str  # expect: FA305


class StaffRoleGrant(BaseModel):
    username: str
    role: str
