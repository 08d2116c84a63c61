from fastapi import FastAPI, Response

from config import settings

app = FastAPI()


@app.post("/login")
def login(response: Response):
    response.set_cookie("access_token", "t")  # expect: FA209
    response.set_cookie(key="session", value="s", httponly=True)  # expect: FA209
    response.set_cookie("refresh_token", "r", secure=True, httponly=True, samesite="strict")
    response.set_cookie("sid", "s", secure=settings.COOKIE_SECURE, httponly=True)
    response.set_cookie("theme", "dark")
    response.set_cookie("csrftoken", "c", secure=True)
    response.set_cookie("XSRF-TOKEN", "c")  # expect: FA209
    response.set_cookie(settings.COOKIE_NAME, "v", secure=True, httponly=True)
    response.set_cookie(settings.COOKIE_NAME, "v")  # expect: FA209
    return {"ok": True}
