from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware import Middleware
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from gate import AccessLogMiddleware, KeyGate, OriginCheckMiddleware, PathRewriter, TokenMiddleware, UserRequired

guarded = FastAPI()
guarded.add_middleware(TokenMiddleware)


@guarded.delete("/things/{thing_id}")
def delete_thing(thing_id: int):
    return {}


logged = FastAPI(middleware=[Middleware(AccessLogMiddleware)])


@logged.delete("/things/{thing_id}")
def delete_logged(thing_id: int):
    return {}


def check_signature(signature: str) -> None:
    if signature != "expected":
        raise HTTPException(status_code=403, detail="bad signature")


@logged.post("/hooks/{hook_id}")
def hook(hook_id: int, x_signature: str = Header("")):
    check_signature(x_signature)
    return {}


@logged.post("/login")
def login(username: str, password: str):
    if password != "secret":
        raise HTTPException(status_code=401, detail="wrong password")
    return {}


stack = [Middleware(CORSMiddleware, allow_origins=["*"])]
wrapped = FastAPI(middleware=stack)


@wrapped.delete("/items/{item_id}")
def delete_item(item_id: int):
    return {}


wrapped = KeyGate(wrapped)


checked = FastAPI()
checked.add_middleware(OriginCheckMiddleware)


@checked.delete("/records/{record_id}")
def delete_record(record_id: int):
    return {}


PROVIDERS = {}


def check_request(headers) -> None:
    """Asks a provider chosen at run time, which the program cannot resolve."""
    provider = PROVIDERS.get("token")
    provider.authenticate_or_raise(headers)


@logged.post("/jobs/{job_id}")
async def run_job(job_id: int, request: Request):
    def work():
        check_request(request.headers)
        return job_id

    return await run_in_threadpool(work)


@logged.get("/reports/{report_id}")
async def get_report(report_id: int, request: Request):
    await run_in_threadpool(check_request, request.headers)
    return {}


keyed = FastAPI()


@keyed.middleware("http")
async def require_key(request: Request, call_next):
    if request.headers.get("x-api-key") is None:
        return JSONResponse({"detail": "an API key is required"}, status_code=403)
    return await call_next(request)


@keyed.delete("/keys/{key_id}")
def delete_key(key_id: int):
    return {}


tools = FastAPI()
tools_inner = FastAPI()
GUARDED = True
tools.mount("/tools", UserRequired(tools_inner) if GUARDED else tools_inner)
tools.mount("/plain", PathRewriter(tools_inner))
