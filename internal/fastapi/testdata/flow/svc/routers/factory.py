from fastapi import APIRouter

HEALTH_PATH = "/healthz"


def init_health_router(checker):
    # A router built inside a factory and returned.
    router = APIRouter()

    @router.get(HEALTH_PATH)
    def health():
        return {"ok": checker is not None}

    return router


class TrailingSlashRouter(APIRouter):
    # Registers every path twice: with and without a trailing slash.
    def add_api_route(self, path, endpoint, **kwargs):
        super().add_api_route(path, endpoint, **kwargs)
        if path.endswith("/"):
            path = path[:-1]
        else:
            path = path + "/"
        super().add_api_route(path, endpoint, **kwargs)
