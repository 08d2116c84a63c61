from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, WebSocket

from auth import (
    WorkspaceCaller,
    access_control,
    caller_or_login,
    caller_or_none,
    current_active_user,
    decode_only,
    feature_enabled,
    maybe_caller,
    optional_user,
    session_or_login,
    signed_in,
    tagged,
)

app = FastAPI()


@app.delete("/workspaces/{workspace_id}")
def delete_workspace(workspace_id: int, caller: WorkspaceCaller):
    return {}


@app.delete("/orgs/{org_id}")
def delete_org(org_id: int, caller: Annotated[str, access_control(workspace=False)]):
    return {}


@app.put("/keys/{key_id}")
def put_key(key_id: int, caller: str = access_control(allow_keys=True)):
    return {}


@app.delete("/tags/{tag_id}")  # expect: FA301
def delete_tag(tag_id: int, tag: Annotated[str, tagged("x")]):
    return {}


@app.delete("/me/{item_id}")
def delete_mine(item_id: int, user=Depends(current_active_user)):
    return {}


@app.delete("/maybe/{item_id}")  # expect: FA301
def delete_maybe(item_id: int, user=Depends(optional_user)):
    return {}


@app.delete("/optional/{item_id}")  # expect: FA301
def delete_optional(item_id: int, caller=Depends(maybe_caller)):
    return {}


@app.post("/pages/{page_id}", dependencies=[Depends(session_or_login)])
def edit_page(page_id: int):
    return {}


@app.post("/notes", dependencies=[Depends(signed_in)])
def add_note():
    return {}


@app.post("/decoded")  # expect: FA301
def decoded(claims=Depends(decode_only)):
    return {}


@app.post("/saml/setup")  # expect: FA301
def saml_setup(ok=Depends(feature_enabled)):
    return {}


def make_router(auth_dep) -> APIRouter:
    """A router factory handed the app's authenticating dependency."""
    router = APIRouter()

    @router.delete("/files/{file_id}", dependencies=[Depends(auth_dep)])
    def delete_file(file_id: int):
        return {}

    return router


def make_api(authentication_enabled: bool) -> APIRouter:
    """Dependencies collected in a list, appended to when auth is on."""
    deps = [Depends(tagged("api"))]
    if authentication_enabled:
        deps.append(Depends(signed_in))
    api = APIRouter(prefix="/api", dependencies=deps)

    @api.delete("/records/{record_id}")
    def delete_record(record_id: int):
        return {}

    return api


app.include_router(make_router(signed_in))
app.include_router(make_api(True))


def make_hooks(route_dependencies) -> APIRouter:
    """The route's dependencies= is a parameter: the lists callers pass."""
    hooks = APIRouter()

    @hooks.post("/hooks/{hook_id}", dependencies=route_dependencies)
    def receive(hook_id: int):
        return {}

    return hooks


def hooks_router(use_session: bool) -> APIRouter:
    if use_session:
        guard = session_or_login
    else:
        guard = signed_in
    return make_hooks([Depends(guard)])


app.include_router(hooks_router(True))


@app.delete("/soft/{item_id}")  # expect: FA301
def delete_soft(item_id: int, caller=Depends(caller_or_none)):
    return {}


@app.delete("/strict/{item_id}")
def delete_strict(item_id: int, caller=Depends(caller_or_login)):
    return {}


@app.websocket("/feed")
async def feed(websocket: WebSocket, caller=Depends(caller_or_none)):
    """Leaves before subscribing when the optional caller is missing."""
    try:
        if caller is None:
            return
        await websocket.accept()
    finally:
        await websocket.close()


@app.websocket("/open-feed")
async def open_feed(websocket: WebSocket, caller=Depends(caller_or_none)):
    await websocket.accept()
    await websocket.send_json({"caller": caller})
