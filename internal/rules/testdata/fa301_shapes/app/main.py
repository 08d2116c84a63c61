from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Router

from .auth import current_user

app = FastAPI()


def setup(target):
    # The app arrives as a parameter.
    @target.delete("/setup/items/{item_id}")  # expect: FA301
    def drop_item(item_id: int):
        return None

    @target.delete("/setup/users/{user_id}", dependencies=[Depends(current_user)])
    def drop_user(user_id: int):
        return None


setup(app)

public = APIRouter()
private = APIRouter(dependencies=[Depends(current_user)])


@public.delete("/loop/notes/{note_id}")  # expect: FA301
def drop_note(note_id: int):
    return None


@private.delete("/loop/secrets/{secret_id}")
def drop_secret(secret_id: int):
    return None


for router in (public, private):
    app.include_router(router)


def make_router(prefix, dependencies):
    # One router per call, with that call's prefix and dependencies.
    router = APIRouter(prefix=prefix, dependencies=dependencies)

    @router.put("/settings")  # expect: FA301
    def save_settings():
        return None

    return router


app.include_router(make_router("/open", []))
app.include_router(make_router("/closed", [Depends(current_user)]))


class Service:
    def __init__(self):
        self.router = APIRouter()
        self.router.add_api_route("/service/reset", self.reset, methods=["POST"])  # expect: FA301
        self.router.add_api_route("/service/rotate", self.rotate, methods=["POST"], dependencies=[Depends(current_user)])

    def reset(self):
        return None

    def rotate(self):
        return None


app.include_router(Service().router)


def purge():
    return None


def archive(user=Depends(current_user)):
    return None


app.post("/direct/purge")(purge)  # expect: FA301
app.post("/direct/archive")(archive)

# Route objects added to the app's router.
app.router.routes.append(APIRoute("/objects/import", purge, methods=["POST"]))  # expect: FA301
app.router.routes.append(APIRoute("/objects/export", archive, methods=["POST"]))
legacy = Router(
    routes=[
        APIRoute("/wipe", purge, methods=["DELETE"]),  # expect: FA301
        APIRoute("/vacuum", archive, methods=["DELETE"]),
    ]
)
app.mount("/legacy", legacy)
