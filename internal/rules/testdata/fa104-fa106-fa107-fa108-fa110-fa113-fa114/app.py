import html
import logging
import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml.ElementTree import fromstring as safe_fromstring
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, Template
from lxml import etree
from markupsafe import Markup
from motor.motor_asyncio import AsyncIOMotorClient
from pydantic import BaseModel

app = FastAPI()
logger = logging.getLogger(__name__)
env = Environment(autoescape=True)
raw_env = Environment(autoescape=False)  # expect: FA110
db = AsyncIOMotorClient()["app"]


class Preview(BaseModel):
    template: str
    name: str


class Query(BaseModel):
    filter: dict[str, Any]
    username: str


@app.post("/preview")
def preview(body: Preview):
    Template(body.template).render()  # expect: FA104
    env.from_string(body.template).render()  # expect: FA104
    env.get_template("preview.html").render(name=body.name)
    return Template("Hello {{ name }}").render(name=body.name)


@app.post("/xml")
async def parse_xml(request: Request):
    raw = await request.body()
    etree.fromstring(raw)  # expect: FA106
    ET.fromstring(raw)
    return safe_fromstring(raw).tag


@app.post("/xml-safe")
async def parse_xml_safe(request: Request):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.fromstring(await request.body(), parser).tag


@app.post("/xml-sax")
async def parse_xml_sax(request: Request):
    import xml.dom.minidom
    import xml.sax
    import xml.sax.handler

    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    return xml.dom.minidom.parseString(await request.body(), parser).toxml()  # expect: FA106


@app.post("/mongo/login")
async def mongo_login(request: Request):
    creds = await request.json()
    return await db.users.find_one(creds)  # expect: FA107


@app.post("/mongo/search")
async def mongo_search(body: Query):
    await db.users.find(body.filter)  # expect: FA107
    return await db.users.find_one({"username": body.username})


@app.get("/grep")
def grep(q: str, names: str = ""):
    hits = [n for n in names.split(",") if re.search(q, n)]  # expect: FA108
    safe = [n for n in names.split(",") if re.search(re.escape(q), n)]
    return {"hits": hits, "safe": safe}


@app.get("/hello")
def hello(name: str):
    return HTMLResponse(f"<h1>Hello {name}</h1>")  # expect: FA110


@app.get("/hello-safe")
def hello_safe(name: str):
    return HTMLResponse(f"<h1>Hello {html.escape(name)}</h1>")


@app.get("/markup")
def markup(name: str):
    return Response(content=str(Markup(name)), media_type="text/html")  # expect: FA110, FA110


@app.get("/text")
def text(name: str):
    return Response(content=name, media_type="text/plain")


@app.post("/reset")
def reset(email: str):
    logger.info(f"password reset requested for {email}")  # expect: FA113
    logger.info("password reset requested for %r", email)
    logging.warning("reset for " + email)  # expect: FA113
    return {"ok": True}


@app.get("/lang")
def lang(response: Response, value: str):
    response.set_cookie("lang", value)  # expect: FA114
    return JSONResponse({"ok": True}, headers={"X-Lang": value})  # expect: FA114


@app.get("/lang-safe")
def lang_safe(response: Response, value: str):
    if value not in {"en", "fr"}:
        raise ValueError(value)
    response.set_cookie("lang", value)
    return JSONResponse({"ok": True}, headers={"X-Lang": value})


@app.get("/echo-header")
def echo_header(response: Response, trace: str):
    response.headers["X-Trace"] = trace  # expect: FA114
    response.headers["X-Static"] = "1"
    return {"ok": True}


class PageCursor:
    """A pagination cursor of the project's own, read from its string form."""

    def __init__(self, offset: int):
        self.offset = offset

    @classmethod
    def from_string(cls, text: str) -> "PageCursor":
        return cls(int(text.split(":")[1]))


class TemplateBox:
    """A project wrapper whose from_string does compile a template."""

    @staticmethod
    def from_string(source: str):
        return Template(source)  # expect: FA104


@app.get("/page")
def page(after: str, layout: str):
    cursor = PageCursor.from_string(after)
    TemplateBox.from_string(layout).render()
    return {"offset": cursor.offset}
