from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware import Middleware

ORIGINS = ["*"]

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],  # expect: FA601
    allow_credentials=True,
)

app2 = FastAPI()
app2.add_middleware(CORSMiddleware, allow_origins=ORIGINS, allow_credentials=True)  # expect: FA601

app3 = FastAPI()
app3.add_middleware(CORSMiddleware, allow_origins=["null"], allow_credentials=True)  # expect: FA601

app4 = FastAPI()
app4.add_middleware(CORSMiddleware, allow_origin_regex="https://.*.example.com", allow_credentials=True)  # expect: FA601

app5 = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])  # expect: FA602

app6 = FastAPI()
app6.add_middleware(CORSMiddleware, allow_origin_regex=".*")  # expect: FA602

# Safe look-alikes.
safe = FastAPI()
safe.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
safe.add_middleware(CORSMiddleware, allow_origin_regex=r"https://[a-z0-9-]+\.example\.com", allow_credentials=True)
safe.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False, allow_methods=["*"], allow_headers=["*"])  # expect: FA602
