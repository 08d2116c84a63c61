from fastapi import Depends, FastAPI
from fastapi.responses import ORJSONResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User, UserPublic

app = FastAPI()


def get_db():
    yield Session()


def current_user(db: Session = Depends(get_db)) -> User:
    return db.query(User).first()


@app.get("/users")
def list_users(db: Session = Depends(get_db)):
    return db.execute(select(User)).scalars().all()  # expect: FA401


@app.get("/users/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    return user  # expect: FA401


@app.get("/me")
def read_me(user: User = Depends(current_user)):
    return user  # expect: FA401


@app.get("/me/public", response_model=UserPublic)
def read_me_public(user: User = Depends(current_user)):
    return user


@app.get("/me/annotated")
def read_me_annotated(user: User = Depends(current_user)) -> UserPublic:
    return user


@app.get("/me/email")
def read_email(user: User = Depends(current_user)):
    return {"email": user.email}


@app.get("/users/count")
def count_users(db: Session = Depends(get_db)):
    return {"count": db.execute(select(func.count(User.id))).scalar_one()}


@app.get("/users/ids")
def user_ids(db: Session = Depends(get_db)):
    return db.execute(select(User.id)).scalars().all()


@app.get("/users/{user_id}/public")
def read_public(user_id: int, db: Session = Depends(get_db)):
    return UserPublic.model_validate(db.get(User, user_id))


@app.get("/raw", response_model=None)
def raw(db: Session = Depends(get_db)):
    return db.execute(select(User)).scalars().all()
