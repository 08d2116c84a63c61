import os
import shlex
import subprocess
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import requests
from fastapi import FastAPI, File, HTTPException, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, HttpUrl
from werkzeug.utils import secure_filename

from .helpers import fetch, store, safe_name

app = FastAPI()
BASE = Path("/srv/files").resolve()
ALLOWED_HOSTS = {"hooks.example.com"}


class Backup(BaseModel):
    label: str
    tables: list[str]


class Hook(BaseModel):
    url: HttpUrl
    retries: int = 3


@app.post("/backup")
def backup(body: Backup):
    subprocess.run(f"pg_dump -t {body.label} > /tmp/x.sql", shell=True)  # expect: FA102
    subprocess.run(["pg_dump", "-t", body.label])
    subprocess.run([body.label, "--version"])  # expect: FA102
    os.system("tar czf /backups/" + body.label + ".tgz /data")  # expect: FA102
    os.system("tar czf /backups/" + shlex.quote(body.label) + ".tgz /data")
    return {"ok": True}


@app.get("/files/{name:path}")
def download(name: str):
    return FileResponse(f"/srv/files/{name}")  # expect: FA109


@app.get("/safe-files/{name:path}")
def safe_download(name: str):
    target = (BASE / name).resolve()
    if not target.is_relative_to(BASE):
        raise HTTPException(404)
    return FileResponse(target)


@app.post("/upload")
async def upload(file: UploadFile = File(...)):
    data = await file.read()
    with open(os.path.join("/srv/uploads", file.filename), "wb") as out:  # expect: FA109
        out.write(data)
    (BASE / file.filename).write_bytes(data)  # expect: FA109
    with open(os.path.join("/srv/uploads", os.path.basename(file.filename)), "wb") as out:
        out.write(data)
    with open(os.path.join("/srv/uploads", secure_filename(file.filename)), "wb") as out:
        out.write(data)
    with open(f"/srv/uploads/{uuid.uuid4()}.bin", "wb") as out:
        out.write(data)
    store(file.filename, data)
    safe_name(file.filename)
    return {"ok": True}


@app.post("/import")
async def import_zip(file: UploadFile):
    archive = zipfile.ZipFile(file.file)
    archive.extractall("/srv/imports")  # expect: FA109
    return {"ok": True}


@app.get("/login/done")
def done(next: str = "/"):
    return RedirectResponse(next)  # expect: FA111


@app.get("/login/safe-done")
def safe_done(next: str = "/"):
    if not next.startswith("/") or next.startswith("//"):
        raise HTTPException(400)
    return RedirectResponse(next)


@app.post("/webhooks/test")
def test_hook(hook: Hook):
    requests.post(str(hook.url), json={"ping": True}, timeout=5)  # expect: FA112
    requests.post("https://status.example.com/ping", json={"n": hook.retries}, timeout=5)
    return fetch(str(hook.url))


@app.post("/webhooks/checked")
async def checked_hook(hook: Hook):
    host = urlsplit(str(hook.url)).hostname
    if host not in ALLOWED_HOSTS:
        raise HTTPException(400)
    async with httpx.AsyncClient() as client:
        await client.post(str(hook.url), json={})
    return {"ok": True}


@app.get("/preview")
async def preview(url: str):
    async with httpx.AsyncClient(timeout=5) as client:
        resp = await client.get(url)  # expect: FA112
    return {"status": resp.status_code}


@app.get("/one/{name}")
def one_segment(name: str):
    # {name} cannot hold "/": at most "..", which FileResponse refuses as a directory.
    label = name.replace("-", " ")
    return FileResponse(f"/srv/files/{name}", filename=label)


@app.get("/weather")
def weather(city: str):
    requests.get(f"https://api.weather.example/v1/forecast?city={city}", timeout=5)
    return requests.get("https://api.weather.example/v1/" + city, timeout=5).json()


@app.get("/proxy")
def proxy(host: str):
    return requests.get(f"https://{host}/status", timeout=5).json()  # expect: FA112


@app.get("/reports/{report_id}")
def report_download(report_id: int, name: str):
    # filename= is the name offered for the download, not a path.
    return FileResponse(f"/srv/reports/{report_id}.pdf", filename=name)


@app.get("/reports-by-path")
def report_by_path(name: str):
    return FileResponse(path=f"/srv/reports/{name}")  # expect: FA109
