from typing import Optional

from fastapi import Cookie, Depends, FastAPI, HTTPException, Response

from auth import current_user

app = FastAPI()


@app.post("/login")
def login(response: Response):
    response.set_cookie("session", "s", secure=True, httponly=True)
    return {"ok": True}


@app.post("/transfer")
def transfer(amount: int, user: dict = Depends(current_user)):
    return {"sent": amount}


@app.delete("/account")
def delete_account(user: dict = Depends(current_user)):
    return {"deleted": True}


@app.get("/balance")
def balance(user: dict = Depends(current_user)):
    return {"balance": 0}
