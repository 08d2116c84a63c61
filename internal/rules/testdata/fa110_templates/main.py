from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates

app = FastAPI()
templates = Jinja2Templates(directory="templates")


@app.get("/profile")
def profile(request: Request, bio: str, name: str):
    return templates.TemplateResponse("profile.html", {"request": request, "bio": bio, "name": name})  # expect: FA110


@app.get("/page")
def page(request: Request, title: str):
    return templates.TemplateResponse(request, "page.html", {"title": title})  # expect: FA110


@app.get("/plain")
def plain(request: Request, name: str):
    return templates.TemplateResponse(request, "plain.html", {"name": name})
