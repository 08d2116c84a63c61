from fastapi import APIRouter, Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer

oauth2 = OAuth2PasswordBearer(tokenUrl="token")


def current_user(token: str = Depends(oauth2)):
    return token


def make_notes_router(prefix, dependencies):
    # One router per call: each call's prefix and dependencies.
    router = APIRouter(prefix=prefix, dependencies=dependencies)

    @router.post("/notes")
    def add_note(text: str):
        return {"text": text}

    return router


shop = FastAPI()
shop.include_router(make_notes_router("/public", []))
shop.include_router(make_notes_router("/private", [Depends(current_user)]))
