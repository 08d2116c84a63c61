from typing import Optional

from fastapi import FastAPI

from app.schemas import ApiKeyOut, Masked, Team, Token, UserInDB, UserPublic

app = FastAPI()


@app.get("/users/{user_id}", response_model=UserInDB)  # expect: FA402
def read_user(user_id: int):
    return {}


@app.get("/users", response_model=list[Optional[UserInDB]])  # expect: FA402
def list_users():
    return []


@app.get("/teams/{team_id}")  # expect: FA402
def read_team(team_id: int) -> Team:
    return Team(name="x", members=[])


@app.get("/me", response_model=UserPublic)
def read_me():
    return {}


@app.get("/users/{user_id}/safe", response_model=UserInDB, response_model_exclude={"hashed_password", "otp_secret"})
def read_user_excluded(user_id: int):
    return {}


@app.get("/api-keys", response_model=list[ApiKeyOut])  # expect: FA402
def list_keys():
    return []


@app.post("/api-keys", response_model=ApiKeyOut)
def create_key():
    return {}


@app.post("/login", response_model=Token)
def login():
    return {}


@app.get("/masked")
def masked() -> Masked:
    return Masked(email="a", password="b", hashed_password="c")
