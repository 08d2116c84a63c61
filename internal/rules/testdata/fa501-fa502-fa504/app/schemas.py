import enum
import uuid
from typing import Annotated, Any, Dict, List, Literal, Optional, Tuple

from annotated_types import MaxLen
from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl, StringConstraints, conlist, constr, field_validator

ShortText = Annotated[str, StringConstraints(max_length=200)]
Slug = constr(pattern=r"^[a-z0-9-]{1,40}$")


class Colour(str, enum.Enum):
    red = "red"
    blue = "blue"


class Address(BaseModel):  # expect: FA501
    street: str
    city: str = Field(..., max_length=100)
    country: Literal["FR", "DE"] = "FR"


class TagBase(BaseModel):  # expect: FA501
    label: str
    note: Optional[str] = None


class TagCreate(TagBase):
    colour: Colour = Colour.red


class OrderIn(BaseModel):  # expect: FA501, FA504
    title: str = Field(..., min_length=1)
    comment: str | None = None
    code: ShortText
    slug: Slug
    reference: Annotated[str, MaxLen(36)]
    sku: str = Field(..., pattern=r"^[A-Z]{3}-\d{4}$")
    email: EmailStr
    website: HttpUrl
    owner: uuid.UUID
    kind: Literal["a", "b"]
    colour: Colour
    quantity: int = 1
    address: Address
    tags: List[TagCreate] = Field(default_factory=list, max_length=20)
    lines: list[str]
    options: Dict[str, int] = {}
    history: tuple[int, ...] = ()
    point: Tuple[int, int] = (0, 0)
    extras: conlist(str, max_length=5) = []
    labels: Annotated[list[str], Field(max_length=10)] = []
    notes: Optional[List[str]] = Field(None, max_items=10)
    checked: list[str] = []
    _private: str = ""

    @field_validator("checked")
    @classmethod
    def cap_checked(cls, v: list[str]) -> list[str]:
        if len(v) > 10:
            raise ValueError("too many")
        return v


class Formula(BaseModel):  # expect: FA501
    expression: str


class Search(BaseModel):
    pattern: str = Field(..., pattern=r"^\w+$")  # anchored but repeated: not a bound
    text: constr(max_length=500)

    @field_validator("pattern")
    @classmethod
    def short(cls, v: str) -> str:
        return v[:50]


class Capped(BaseModel):
    model_config = ConfigDict(str_max_length=1000)

    body: str
    subject: str


class OrderOut(BaseModel):
    title: str
    comment: str
    lines: list[str]


class Everything(BaseModel):
    data: dict[str, Any]


class DebugDump(BaseModel):
    blob: str
    items: list[str]
