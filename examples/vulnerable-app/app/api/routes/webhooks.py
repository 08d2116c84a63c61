"""Outgoing webhook subscriptions and the internal event receiver."""
import logging
import secrets

import requests
from fastapi import APIRouter, Body, Depends, HTTPException
from sqlalchemy import delete

from app.api.deps import CurrentUser, SessionDep, verify_internal_api_key
from app.models import Webhook
from app.schemas import Message, WebhookCreate, WebhookPublic
from app.utils import deliver_webhook

logger = logging.getLogger(__name__)

router = APIRouter()


@router.post("/", response_model=WebhookPublic)
def create_webhook(body: WebhookCreate, db: SessionDep, current_user: CurrentUser):
    try:
        # FA112: the server connects to any URL the client names (internal
        # services, cloud metadata); the timeout makes this a FA702 look-alike
        probe = requests.head(body.url, timeout=3, allow_redirects=False)
    except requests.RequestException:
        raise HTTPException(status_code=400, detail="Webhook URL is not reachable")
    if probe.status_code >= 500:
        raise HTTPException(status_code=400, detail="Webhook URL returned an error")
    webhook = Webhook(
        url=body.url,
        event=body.event,
        signing_secret=secrets.token_hex(32),
        owner_id=current_user.id,
    )
    db.add(webhook)
    db.commit()
    db.refresh(webhook)
    return webhook


@router.post("/test")
def send_test_event(body: WebhookCreate, current_user: CurrentUser):
    # FA112 (sink in app/utils.py, with FA701 and FA702): body URL fetched server-side
    status_code = deliver_webhook(body.url, body.event, {"test": True, "user_id": current_user.id})
    return {"delivered": 200 <= status_code < 300, "status_code": status_code}


@router.delete("/{webhook_id}", response_model=Message)
def delete_webhook(webhook_id: int, db: SessionDep, current_user: CurrentUser):
    # Safe look-alike (FA301, FA302): authenticated, and the owner is part of the delete
    result = db.execute(
        delete(Webhook).where(Webhook.id == webhook_id, Webhook.owner_id == current_user.id)
    )
    if result.rowcount == 0:
        raise HTTPException(status_code=404, detail="Webhook not found")
    db.commit()
    return Message(message="Webhook deleted")


@router.post("/incoming/{source}", dependencies=[Depends(verify_internal_api_key)])
async def receive_internal_event(source: str, payload: dict = Body(...)):
    # FA502: untyped dict body, no schema or size limits on its contents
    event_type = payload.get("type", "unknown")
    logger.info("internal event from %s: %s", source, event_type)
    return {"received": True, "type": event_type}
