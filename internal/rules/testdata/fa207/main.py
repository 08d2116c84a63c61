from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from accounts import get_user, verify_password, verify_token

app = FastAPI()


@app.post("/login")
def login(form: OAuth2PasswordRequestForm = Depends()):
    user = get_user(form.username)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")  # expect: FA207
    if not verify_password(form.password, user.hashed_password):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    return {"access_token": "t"}


@app.post("/login/same")
def login_same(form: OAuth2PasswordRequestForm = Depends()):
    user = get_user(form.username)
    if not user:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Incorrect email or password")
    if not verify_password(form.password, user.hashed_password):
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    return {"access_token": "t"}


@app.post("/login/combined")
def login_combined(form: OAuth2PasswordRequestForm = Depends()):
    user = get_user(form.username)
    if user is None or not verify_password(form.password, user.hashed_password):
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    if not user.is_active:
        raise HTTPException(status_code=400, detail="Inactive user")
    return {"access_token": "t"}


@app.post("/password-recovery/{email}")
def recover_password(email: str):
    user = get_user(email)
    if not user:
        raise HTTPException(status_code=404, detail="No user with this email")  # expect: FA207
    return {"message": "Recovery email sent"}


@app.post("/forgot-password")
def forgot_password(email: str):
    user = get_user(email)
    if user is not None:
        pass
    return {"message": "If that account exists, we sent an email"}


@app.post("/reset-password")
def reset_password(token: str, new_password: str):
    email = verify_token(token)
    if not email:
        raise HTTPException(status_code=400, detail="Invalid token")
    user = get_user(email)
    if not user:
        raise HTTPException(status_code=400, detail="Invalid token")
    return {"message": "Password updated"}
