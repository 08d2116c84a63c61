from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, HTTPException, Request, UploadFile
from sqlalchemy.orm import Session

from app.models import Hero, HeroCreate, User
from app.schemas import ProfilePatch, RoleGrant, Settings, StaffRoleGrant, UserAdminUpdate, UserPatch, UserSignup, UserUpdateMe

app = FastAPI()


def get_db():
    yield Session()


def current_user(db: Session = Depends(get_db)) -> User:
    return db.query(User).first()


def require_admin(user: User = Depends(current_user)) -> User:
    if not user.is_admin:
        raise HTTPException(status_code=403)
    return user


@app.post("/signup")
def signup(user_in: UserSignup, db: Session = Depends(get_db)):
    user = User(**user_in.model_dump(exclude={"password"}))  # expect: FA305
    db.add(user)
    return user


@app.patch("/me")
def update_me(user_in: UserUpdateMe, user: User = Depends(current_user)):
    for key, value in user_in.model_dump(exclude_unset=True).items():
        setattr(user, key, value)
    return user


@app.patch("/me/flags")
def update_flags(user_in: UserPatch, user: User = Depends(current_user)):
    data = user_in.model_dump(exclude_unset=True)
    for key, value in data.items():
        setattr(user, key, value)  # expect: FA305
    return user


@app.patch("/me/flags-safe")
def update_flags_safe(user_in: UserPatch, user: User = Depends(current_user)):
    data = user_in.model_dump(exclude={"is_verified"}, exclude_unset=True)
    for key, value in data.items():
        setattr(user, key, value)
    return user


@app.patch("/users/{user_id}", dependencies=[Depends(require_admin)])
def admin_update(user_id: int, user_in: UserAdminUpdate, db: Session = Depends(get_db)):
    user = db.get(User, user_id)
    for key, value in user_in.model_dump(exclude_unset=True).items():
        setattr(user, key, value)
    return user


@app.post("/heroes")
def create_hero(hero: Hero, db: Session = Depends(get_db)):  # expect: FA305
    db.add(hero)
    return hero


@app.post("/heroes/safe")
def create_hero_safe(hero_in: HeroCreate, user: User = Depends(current_user), db: Session = Depends(get_db)):
    hero = Hero(**hero_in.model_dump(), owner_id=user.id)
    db.add(hero)
    return hero


@app.post("/heroes/import")
async def import_heroes(request: Request, db: Session = Depends(get_db), payload: Any = Body(...)):
    for row in payload["heroes"]:
        db.merge(Hero(**row))  # expect: FA305
    return {"ok": True}


@app.patch("/profile")
def patch_profile(patch: ProfilePatch, user: User = Depends(current_user)):
    user.bio = patch.bio
    return user


@app.put("/settings")
def put_settings(settings: Settings, user: User = Depends(current_user)):
    return settings


@app.put("/heroes/{hero_id}")
def update_hero(hero_id: int, data: dict, db: Session = Depends(get_db)):
    hero = db.get(Hero, hero_id)
    hero.sqlmodel_update(data)  # expect: FA305
    return hero


@app.put("/users/role")
def grant_role(body: RoleGrant, user: User = Depends(current_user)):
    if body.role == "chef":
        raise HTTPException(status_code=403, detail="Only chefs grant the chef role")
    return {"granted": body.role}


@app.put("/staff/role")
def grant_staff_role(body: StaffRoleGrant, user: User = Depends(current_user)):
    if user.role != "chef":
        raise HTTPException(status_code=403, detail="Only chefs grant roles")
    return {"granted": body.role}


PROFILES: dict = {}


@app.post("/me/preferences")
async def set_preferences(request: Request, user: User = Depends(current_user)):
    data = await request.json()
    PROFILES[user.id] = {**PROFILES.get(user.id, {}), **data}  # expect: FA305
    return data


@app.post("/me/preview")
async def preview_preferences(request: Request, user: User = Depends(current_user)):
    data = await request.json()
    preview = {**PROFILES.get(user.id, {}), **data}
    return preview
