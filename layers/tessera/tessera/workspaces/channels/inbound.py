"""The leads' answers: Twilio SMS and WhatsApp Business Cloud messages delivered to a workspace's channel
webhook (`/api/webhooks/inbound/{kind}/{workspace_id}`), appended to the lead's timeline.

The URL names the workspace's channel; the tenant is never taken from the body. Each delivery is
authenticated with that channel's secret: Twilio's `X-Twilio-Signature` (HMAC-SHA1 of the webhook URL and
the sorted POST parameters under the auth token), Meta's `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
under the app secret). A message goes to the workspace's latest lead with the sender's phone (E.164, the
contact items kept from the stream), once per provider message id: its marker is written in the same
transaction as the timeline event, so a retried delivery adds nothing. A sender no lead has is
acknowledged (the provider stops retrying), counted and not stored. Phones and texts are never logged."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from pynamodb.exceptions import TransactWriteError

from tessera.core import clock
from tessera.core.crypto import DecryptionError
from tessera.core.dynamo import refused, transaction
from tessera.core.errors import BadRequest, Forbidden, Unauthorized
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.workspaces import repository as workspaces
from tessera.workspaces.channels import repository
from tessera.workspaces.channels.models import InboundAck
from tessera.workspaces.channels.service import _connection, _phone, inbound_url
from tessera.workspaces.records import LeadEventRecord

register({
    "inbound-signature-invalid": {"ru": "Подпись вебхука {provider} не сошлась.",
                                  "en": "The {provider} webhook signature does not match."},
    "inbound-verify-refused": {"ru": "Токен проверки вебхука WhatsApp не совпал.",
                               "en": "The WhatsApp webhook verify token does not match."},
    "inbound-payload-invalid": {"ru": "Вебхук {provider} без нужных полей: {field}.",
                                "en": "The {provider} webhook lacks {field}."},
})

NAMES = {"twilio": "Twilio", "whatsapp": "WhatsApp"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'  # no auto-reply
MAX_TEXT = 4096


@dataclass(frozen=True)
class Inbound:
    """One message as the providers agree on it."""

    message_id: str
    sender: str  # as the provider wrote it; normalized before matching
    text: str
    sent_at: datetime | None = None
    media: str | None = None  # a message without text: its type (image, audio, …)


# --- signatures ------------------------------------------------------------------------------------

def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's scheme: the URL it called, then each POST parameter's name and value, sorted by name."""
    signed = url + "".join(name + value for name, value in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def twilio_signature_valid(auth_token: str, url: str, params: Iterable[tuple[str, str]], header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(twilio_signature(auth_token, url, params), (header or "").strip())


def hub_signature(app_secret: str, raw_body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


def hub_signature_valid(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(hub_signature(app_secret, raw_body), (header or "").strip().lower())


# --- the providers' payloads -----------------------------------------------------------------------

def twilio_message(params: list[tuple[str, str]]) -> Inbound:
    form = dict(params)
    sid, sender = form.get("MessageSid") or form.get("SmsSid") or "", form.get("From") or ""
    if not sid or len(sid) > 64 or not sender:
        raise BadRequest("The Twilio webhook lacks MessageSid or From.", code="inbound-payload-invalid",
                         provider="Twilio", field="MessageSid, From")
    media = "media" if not form.get("Body") and form.get("NumMedia", "0") not in ("", "0") else None
    # Twilio's WhatsApp senders read `whatsapp:+1…`
    return Inbound(sid, sender.removeprefix("whatsapp:"), (form.get("Body") or "")[:MAX_TEXT], media=media)


def whatsapp_messages(payload: Any, phone_number_id: str) -> Iterator[Inbound]:
    """`entry[].changes[].value.messages[]` of the channel's own number (an app's webhook hears all of its
    numbers); statuses of our own messages and other fields are not messages."""
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        raise BadRequest("Not a WhatsApp Business webhook.", code="inbound-payload-invalid", provider="WhatsApp",
                         field="object")
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if not isinstance(value, dict) or change.get("field") not in (None, "messages"):
                continue
            metadata = value.get("metadata")
            if not isinstance(metadata, dict) or str(metadata.get("phone_number_id") or "") != phone_number_id:
                continue
            for message in value.get("messages") or []:
                if not isinstance(message, dict) or not message.get("id") or not message.get("from"):
                    continue
                kind = str(message.get("type") or "text")
                text = message.get("text")
                body = text.get("body") if isinstance(text, dict) else None
                sent = str(message.get("timestamp") or "")
                yield Inbound(str(message["id"])[:200], "+" + str(message["from"]).lstrip("+"),
                              str(body or "")[:MAX_TEXT],
                              sent_at=datetime.fromtimestamp(int(sent), UTC) if sent.isdigit() else None,
                              media=None if kind == "text" else kind)


# --- applying a message ----------------------------------------------------------------------------

def _forged(kind: str) -> Unauthorized:
    count("InboundWebhookForged", channel=kind)
    return Unauthorized(f"The {NAMES[kind]} webhook signature does not match.", code="inbound-signature-invalid",
                        provider=NAMES[kind])


def _credentials(workspace_id: str, kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """The channel's credentials and settings; a workspace without the channel answers as a forgery does
    (nothing to learn about which workspaces exist)."""
    record = repository.find_channel(workspace_id, kind)
    if record is None:
        raise _forged(kind)
    try:
        connection = _connection(record)
    except DecryptionError:
        logger.error("channel credentials unreadable", extra={"workspace_id": workspace_id, "channel": kind})
        raise _forged(kind) from None
    return dict(connection.credentials), dict(connection.settings)


def _apply(workspace_id: str, kind: str, messages: Iterable[Inbound]) -> InboundAck:
    ack = InboundAck()
    for message in messages:
        if repository.find_inbound_marker(workspace_id, kind, message.message_id) is not None:
            ack.duplicates += 1
            continue
        phone = _phone(message.sender) if message.sender.startswith("+") else None
        lead_id = repository.lead_by_contact(workspace_id, "phone", phone) if phone else None
        lead = workspaces.find_lead(workspace_id, lead_id) if lead_id else None
        if lead is None:
            ack.unmatched += 1
            count("InboundMessageUnmatched", channel=kind)
            continue
        now = clock.now()
        data: dict[str, Any] = {"direction": "in", "channel": kind, "from": phone, "text": message.text,
                                "provider_message_id": message.message_id}
        if message.media:
            data["media"] = message.media
        if message.sent_at:
            data["sent_at"] = message.sent_at.isoformat()
        marker = repository.inbound_marker(workspace_id, kind, message.message_id, lead.lead_id, now)
        event = LeadEventRecord(pk=lead.pk, sk=f"LEADEV#{lead.lead_id}#{new_id('ev')}", lead_id=lead.lead_id,
                                kind="message", at=now, actor=None, data=data)
        try:
            with transaction() as tx:
                repository.add_inbound(tx, marker, event)
        except TransactWriteError as error:
            if not refused(error, marker):
                raise
            ack.duplicates += 1  # the same delivery, applied a moment ago by a concurrent retry
            continue
        ack.stored += 1
        count("InboundMessage", channel=kind)
        logger.info("inbound message stored", extra={"workspace_id": workspace_id, "channel": kind,
                                                     "lead_id": lead.lead_id})
    return ack


def handle_twilio(workspace_id: str, raw: bytes, query: str, signature: str | None) -> InboundAck:
    credentials, _ = _credentials(workspace_id, "twilio")
    try:
        params = parse_qsl(raw.decode(), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError):
        raise _forged("twilio") from None
    # the URL the owner pasted into Twilio (shown on the channel's card), not the Host header we were given
    url = inbound_url(workspace_id, "twilio") + (f"?{query}" if query else "")
    if not twilio_signature_valid(credentials["auth_token"], url, params, signature):
        raise _forged("twilio")
    account = dict(params).get("AccountSid")
    if account and account != credentials["account_sid"]:  # signed by this token, but about another account
        raise _forged("twilio")
    return _apply(workspace_id, "twilio", [twilio_message(params)])


def handle_whatsapp(workspace_id: str, raw: bytes, signature: str | None) -> InboundAck:
    credentials, settings = _credentials(workspace_id, "whatsapp")
    secret = credentials.get("app_secret")
    if not secret or not hub_signature_valid(secret, raw, signature):
        raise _forged("whatsapp")
    try:
        payload = json.loads(raw)
    except ValueError:
        raise BadRequest("The WhatsApp webhook is not JSON.", code="inbound-payload-invalid", provider="WhatsApp",
                         field="body") from None
    return _apply(workspace_id, "whatsapp", list(whatsapp_messages(payload, settings["phone_number_id"])))


def verify_whatsapp(workspace_id: str, mode: str | None, token: str | None, challenge: str | None) -> str:
    """Meta's subscription handshake: the challenge back when the verify token is the channel's."""
    expected = None
    if (record := repository.find_channel(workspace_id, "whatsapp")) is not None:
        try:
            expected = _connection(record).credentials.get("verify_token")
        except DecryptionError:
            logger.error("channel credentials unreadable", extra={"workspace_id": workspace_id, "channel": "whatsapp"})
    if mode != "subscribe" or not expected or not token or not hmac.compare_digest(expected, token) or not challenge:
        count("InboundVerifyRefused", channel="whatsapp")
        raise Forbidden("The WhatsApp webhook verify token does not match.", code="inbound-verify-refused")
    return challenge[:200]
