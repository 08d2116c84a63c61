"""User accounts."""
from fastapi import APIRouter, HTTPException, Query
from sqlalchemy import select

from app import crud
from app.api.deps import AdminUser, CurrentUser, SessionDep
from app.core.security import generate_api_token, get_password_hash
from app.models import User
from app.schemas import Message, UserCreate, UserDetail, UserPublic, UserRegister, UserUpdate

router = APIRouter()


@router.get("/", response_model=list[UserPublic])
def read_users(
    db: SessionDep,
    current_user: AdminUser,
    skip: int = Query(0, ge=0),
    # Safe look-alike (FA503): page size capped
    limit: int = Query(50, ge=1, le=100),
):
    return db.execute(select(User).order_by(User.id).offset(skip).limit(limit)).scalars().all()


@router.post("/signup", response_model=UserPublic)
def register_user(user_in: UserRegister, db: SessionDep):
    if crud.get_user_by_email(db, user_in.email) is not None:
        raise HTTPException(status_code=400, detail="Registration failed")
    # Safe look-alike (FA305): fields copied one by one in crud.register_user
    return crud.register_user(db, user_in)


@router.post("/", response_model=UserPublic)
def create_user(user_in: UserCreate, db: SessionDep, current_user: CurrentUser):
    """Invite a colleague. Any signed-in user may call this."""
    if crud.get_user_by_email(db, user_in.email) is not None:
        raise HTTPException(status_code=400, detail="A user with this email already exists")
    # FA305: request model splatted into the ORM model, is_admin included
    user = User(
        **user_in.dict(exclude={"password"}),
        hashed_password=get_password_hash(user_in.password),
        api_token=generate_api_token(),
    )
    db.add(user)
    db.commit()
    db.refresh(user)
    return user


@router.get("/me", response_model=UserPublic)
def read_user_me(current_user: CurrentUser):
    # Safe look-alike (FA402): public response model without secrets
    return current_user


@router.patch("/me", response_model=UserPublic)
def update_user_me(user_in: UserUpdate, db: SessionDep, current_user: CurrentUser):
    # FA305: every submitted field, is_admin too, is copied onto the row
    for field, value in user_in.dict(exclude_unset=True).items():
        setattr(current_user, field, value)
    db.commit()
    db.refresh(current_user)
    return current_user


# FA402: UserDetail carries hashed_password, api_token and reset_code
@router.get("/{user_id}", response_model=UserDetail)
def read_user(user_id: int, db: SessionDep, current_user: CurrentUser):
    # FA302: any signed-in user can read any other user's record by id
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@router.delete("/{user_id}", response_model=Message)
def delete_user(user_id: int, db: SessionDep):
    # FA301: destructive route with no authentication in an app that has auth
    user = db.get(User, user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    db.delete(user)
    db.commit()
    return Message(message="User deleted")
