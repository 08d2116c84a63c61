from fastapi import Depends, FastAPI
from fastapi_limiter.depends import RateLimiter

app = FastAPI(dependencies=[Depends(RateLimiter(times=100, seconds=60))])


@app.get("/items")
def list_items():
    return []


@app.get("/items/{item_id}")
def read_item(item_id: int):
    return {"id": item_id}
