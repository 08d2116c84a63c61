from pydantic import BaseModel, field_validator, model_validator
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String)
    password = Column(String)
    hashed_password = Column(String)
    api_key = Column(String)
    reset_code = Column(String)
    otp_secret = Column(String)


class ApiToken:
    def __init__(self, token: str) -> None:
        self.token = token

    def __eq__(self, other):
        return self.token == other.token


class Register(BaseModel):
    password: str
    password_confirm: str

    @field_validator("password_confirm")
    @classmethod
    def passwords_match(cls, value, info):
        if value != info.data["password"]:
            raise ValueError("passwords do not match")
        return value

    @model_validator(mode="after")
    def check(self):
        if self.password != self.password_confirm:
            raise ValueError("passwords do not match")
        return self


class ChangePassword(BaseModel):
    current_password: str
    new_password: str
