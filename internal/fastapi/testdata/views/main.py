from fastapi import FastAPI

from views.api.views import router

app = FastAPI()
app.include_router(router)
plugin_app = make_plugin_app()
plugin_app.include_router(router)
