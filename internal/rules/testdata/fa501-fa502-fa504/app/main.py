import os

from fastapi import FastAPI

from .routes import debug, hooks, orders

app = FastAPI()
app.include_router(orders.router)
app.include_router(hooks.router)

if os.environ.get("ENVIRONMENT") == "local":
    app.include_router(debug.router)
