from fastapi import FastAPI

from app.routes import avatars, imports

app = FastAPI(title="uploads")  # expect: FA507
app.include_router(avatars.router, prefix="/avatars")
app.include_router(imports.router, prefix="/imports")

# A second app with no routes is not reported.
metrics_app = FastAPI()
app.mount("/metrics", metrics_app)
