from fastapi import FastAPI, Header

subapp = FastAPI()


@subapp.get("/ping")
def ping(x_token: str = Header(...)):
    return {"pong": x_token}
