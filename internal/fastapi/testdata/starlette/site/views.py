from starlette.endpoints import HTTPEndpoint, WebSocketEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse


async def homepage(request):
    return PlainTextResponse("home")


async def stats(request: Request):
    return JSONResponse({"hits": 1})


async def purge(request):
    data = await request.json()
    return JSONResponse({"purged": data.get("key")})


async def report(request):
    return JSONResponse({"name": request.path_params["name"]})


async def status(request):
    return PlainTextResponse("ok")


class Accounts(HTTPEndpoint):
    # One route per request method the class defines.
    async def get(self, request):
        return JSONResponse([])

    async def post(self, request):
        form = await request.form()
        return JSONResponse({"name": form["name"]})


class Feed(WebSocketEndpoint):
    encoding = "text"

    async def on_receive(self, websocket, data):
        await websocket.send_text(data)


async def legacy(request):
    return PlainTextResponse(request.query_params.get("q", ""))


async def events(websocket):
    await websocket.accept()
    text = await websocket.receive_text()
    await websocket.send_text(text)


async def ping(request):
    return PlainTextResponse("pong")


async def setup_view(request):
    return PlainTextResponse("done")


def list_items():
    return []
