import uvicorn
from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from settings import settings

app = FastAPI()
app.add_middleware(ProxyHeadersMiddleware, trusted_hosts="*")  # expect: FA606
app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=["10.0.0.1"])

HOST = "0.0.0.0"

if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000, reload=True)  # expect: FA607
    uvicorn.run("main:app", host=HOST, debug=True)  # expect: FA607
    uvicorn.run(app, host="127.0.0.1", reload=True)
    uvicorn.run(app, host="0.0.0.0", reload=settings.RELOAD)
    uvicorn.run(app, host="0.0.0.0", port=80)
    uvicorn.run(app, proxy_headers=True, forwarded_allow_ips="*")  # expect: FA606
    uvicorn.run(app, proxy_headers=True, forwarded_allow_ips="127.0.0.1,10.1.2.3")
    config = uvicorn.Config(app, forwarded_allow_ips=["10.0.0.1", "*"])  # expect: FA606
