from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordRequestForm
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])

app = FastAPI()
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)


@app.post("/login/access-token")
def login_access_token(form_data: OAuth2PasswordRequestForm = Depends()):
    return {"access_token": form_data.username}
