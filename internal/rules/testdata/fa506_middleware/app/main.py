from fastapi import FastAPI
from fastapi.security import OAuth2PasswordRequestForm
from fastapi import Depends

from app.middleware import RateLimitMiddleware

app = FastAPI()
app.add_middleware(RateLimitMiddleware, requests_per_minute=60)


@app.post("/login")
def login(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}


@app.post("/password-recovery/{email}")
def recover_password(email: str):
    return {"detail": "sent"}
