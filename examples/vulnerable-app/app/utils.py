"""Email rendering and outbound HTTP helpers."""
import logging
import random
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import requests
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape

from app.core.config import settings

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "email-templates"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(["html", "xml"]),
)


def render_email_template(name: str, context: dict[str, Any]) -> str:
    # Safe look-alike (FA104): fixed template file shipped with the app, autoescaped
    return _env.get_template(name).render(**context)


def render_template_string(source: str, context: dict[str, Any]) -> str:
    # FA104: compiles whatever template text the caller passes; the admin
    # email preview route hands it a request body field
    return Template(source).render(**context)


def send_email(to: str, subject: str, html: str) -> None:
    message = EmailMessage()
    message["From"] = settings.EMAILS_FROM
    message["To"] = to
    message["Subject"] = subject
    message.set_content(html, subtype="html")
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=10) as smtp:
        smtp.starttls()
        smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
        smtp.send_message(message)


def deliver_webhook(url: str, event: str, payload: dict[str, Any]) -> int:
    """POST an event to a subscriber, retrying transient failures."""
    for attempt in range(3):
        try:
            # FA112: `url` is the client-supplied webhook URL (see webhooks.py)
            # FA701: TLS certificate verification disabled
            # FA702: no timeout, a slow subscriber hangs the worker
            response = requests.post(url, json={"event": event, "data": payload}, verify=False)
            return response.status_code
        except requests.ConnectionError:
            # Safe look-alike (FA208): random jitter for backoff is not a security value
            time.sleep(2**attempt + random.uniform(0, 0.5))
    logger.warning("webhook delivery to %s failed after retries", url)
    return 0


def fetch_status_page() -> dict[str, Any]:
    # Safe look-alike (FA112, FA701, FA702): fixed URL, TLS verified, timeout set
    response = httpx.get(settings.STATUS_PAGE_URL, timeout=5.0)
    response.raise_for_status()
    return response.json()
