import os
import shlex
import sqlite3
import subprocess

from starlette.applications import Starlette
from starlette.endpoints import HTTPEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute

conn = sqlite3.connect("app.db")


async def search(request):
    term = request.query_params["q"]
    rows = conn.execute(f"SELECT * FROM items WHERE name = '{term}'").fetchall()  # expect: FA101
    return JSONResponse(rows)


async def search_safe(request):
    term = request.query_params["q"]
    rows = conn.execute("SELECT * FROM items WHERE name = ?", (term,)).fetchall()
    return JSONResponse(rows)


async def convert(request: Request):
    data = await request.json()
    subprocess.run("convert " + data["file"], shell=True)  # expect: FA102
    return JSONResponse({})


async def convert_safe(request: Request):
    data = await request.json()
    subprocess.run("convert " + shlex.quote(data["file"]), shell=True)
    return JSONResponse({})


async def download(request):
    name = request.headers.get("x-file")
    return FileResponse(os.path.join("/srv/files", name))  # expect: FA109


async def download_safe(request):
    name = request.headers.get("x-file")
    return FileResponse(os.path.join("/srv/files", os.path.basename(name)))


class Exports(HTTPEndpoint):
    async def post(self, request):
        form = await request.form()
        os.system("tar czf out.tgz " + form["dir"])  # expect: FA102
        return JSONResponse({})


async def shell(websocket):
    await websocket.accept()
    cmd = await websocket.receive_text()
    os.system(cmd)  # expect: FA102


async def shell_safe(websocket):
    await websocket.accept()
    await websocket.receive_text()
    os.system("uptime")


app = Starlette(
    routes=[
        Route("/search", search),
        Route("/search-safe", search_safe),
        Mount(
            "/tools",
            routes=[
                Route("/convert", convert, methods=["POST"]),
                Route("/convert-safe", convert_safe, methods=["POST"]),
                Route("/exports", Exports),
            ],
        ),
        Route("/download", download),
        Route("/download-safe", download_safe),
        WebSocketRoute("/shell", shell),
        WebSocketRoute("/shell-safe", shell_safe),
    ]
)
