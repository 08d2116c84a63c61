import logging

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

logger = logging.getLogger(__name__)
router = APIRouter()


def authenticate(username: str, password: str):
    return {"email": username, "hashed_password": "x"}


def create_access_token(subject: str) -> str:
    return subject


@router.post("/login")
def login(form_data: OAuth2PasswordRequestForm = Depends()):
    user = authenticate(form_data.username, form_data.password)
    logger.debug("login attempt %s / %s", form_data.username, form_data.password)  # expect: FA407
    access_token = create_access_token(user["email"])
    logger.info("session login for %s, token=%s", user["email"], access_token)  # expect: FA407
    logger.info("stored hash %s", user["hashed_password"])  # expect: FA407
    logger.info("issued %s", create_access_token(user["email"]))  # expect: FA407
    logger.info("login ok for %s", user["email"])
    return {"access_token": access_token, "token_type": "bearer"}
