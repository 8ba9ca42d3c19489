"""Public webhook routes of a workspace's channels (the signature of each delivery authenticates it):
POST /api/webhooks/calcom/{workspace_id}: Cal.com's booking webhooks;
GET|POST /api/webhooks/inbound/{channel}/{workspace_id}: the leads' answers by Twilio SMS and WhatsApp
(GET is Meta's verify handshake)."""

import base64
from typing import Annotated, Literal

from tessera.core.http import Path, Response, Router, public
from tessera.workspaces.channels import bookings, inbound
from tessera.workspaces.channels.models import CalcomAck, InboundAck
from tessera.workspaces.models import WORKSPACE_ID

router = Router()
WS_ID = Annotated[str, Path(pattern=WORKSPACE_ID)]
InboundKind = Literal["twilio", "whatsapp"]


def _raw() -> bytes:
    event = router.current_event
    body = event.body or ""
    return base64.b64decode(body) if event.is_base64_encoded else body.encode()  # the bytes the provider signed


def _header(name: str) -> str | None:
    headers = {key.lower(): value for key, value in (router.current_event.headers or {}).items()}
    return headers.get(name)


@router.post("/api/webhooks/calcom/<workspace_id>",
             summary="Cal.com booking webhooks (HMAC-SHA256 signed; 401 when the signature does not match)",
             tags=["webhooks"])
@public
def calcom_webhook(workspace_id: WS_ID) -> CalcomAck:
    return bookings.handle_webhook(workspace_id, _raw(), _header("x-cal-signature-256"))


@router.post("/api/webhooks/inbound/<channel>/<workspace_id>",
             summary="A lead's answer: Twilio's incoming SMS (form, X-Twilio-Signature; answers empty TwiML) or "
                     "WhatsApp Cloud API events (JSON, X-Hub-Signature-256); 401 when the signature does not match",
             tags=["webhooks"],
             responses={200: {"description": "Twilio: empty TwiML (text/xml); WhatsApp: the acknowledgement",
                              "content": {"application/json": {"model": InboundAck},
                                          "text/xml": {"schema": {"type": "string"}}}}})
@public
def inbound_webhook(channel: Annotated[InboundKind, Path()], workspace_id: WS_ID) -> Response[str]:
    if channel == "twilio":
        inbound.handle_twilio(workspace_id, _raw(), router.current_event.raw_query_string or "",
                              _header("x-twilio-signature"))
        return Response(200, "text/xml", inbound.EMPTY_TWIML)
    ack = inbound.handle_whatsapp(workspace_id, _raw(), _header("x-hub-signature-256"))
    return Response(200, "application/json", ack.model_dump_json())


@router.get("/api/webhooks/inbound/<channel>/<workspace_id>",
            summary="WhatsApp's webhook verification: hub.challenge back for the channel's verify token (403 else)",
            tags=["webhooks"],
            responses={200: {"description": "hub.challenge",
                             "content": {"text/plain": {"schema": {"type": "string"}}}}})
@public
def inbound_verify(channel: Annotated[Literal["whatsapp"], Path()], workspace_id: WS_ID) -> Response[str]:
    query = router.current_event.query_string_parameters or {}
    challenge = inbound.verify_whatsapp(workspace_id, query.get("hub.mode"), query.get("hub.verify_token"),
                                        query.get("hub.challenge"))
    return Response(200, "text/plain", challenge)
