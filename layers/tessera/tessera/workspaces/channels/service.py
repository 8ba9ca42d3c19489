"""A workspace's channels: connect (with a live test), test again, choose which tell of new leads,
disconnect; operators' replies from the lead card; new-lead notifications (from the table's stream).

A connection is tested before anything is stored: a refused one answers 400 and stores nothing. A
later test that fails sets the channel `failed` with the provider's error, and a failed channel sends
nothing (no replies, no notifications) until a test passes again."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pynamodb.exceptions import PutError, TransactWriteError

from tessera.core import clock
from tessera.core.crypto import data_cipher, mask_secret
from tessera.core.dynamo import refused
from tessera.core.errors import BadRequest, Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register, translate
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.settings import web_url
from tessera.workspaces import leads, service
from tessera.workspaces.channels import repository
from tessera.workspaces.channels.models import (
    ChannelConnect,
    ChannelError,
    ChannelInbound,
    ChannelList,
    ChannelTest,
    ChannelUpdate,
    ChannelView,
    LeadMessage,
    LeadMessageView,
)
from tessera.workspaces.channels.providers import PROVIDER_NAMES, Connection, ProviderError, provider
from tessera.workspaces.records import ChannelRecord, LeadEventRecord, LeadRecord, OutgoingMessageRecord

register({
    "channel-unauthorized": {"ru": "{provider} не принял ключ доступа: проверьте его и подключите канал заново.",
                             "en": "{provider} refused the credentials: check them and connect again."},
    "channel-bad_address": {"ru": "{provider} не может доставить сообщение на этот адрес: проверьте номер или чат.",
                            "en": "{provider} cannot deliver to this address: check the number or chat."},
    "channel-rejected": {"ru": "{provider} отклонил сообщение: {provider_detail}",
                         "en": "{provider} rejected the message: {provider_detail}"},
    "channel-unavailable": {"ru": "{provider} сейчас недоступен. Попробуйте ещё раз через минуту.",
                            "en": "{provider} is unavailable right now. Try again in a minute."},
    "channel-test-failed": {"ru": "Проверка канала не прошла: {message}", "en": "The channel test failed: {message}"},
    "channel-send-failed": {"ru": "Сообщение не отправлено: {message}", "en": "The message was not sent: {message}"},
    "channel-already-connected": {"ru": "Канал {provider} уже подключён: отключите его, чтобы подключить заново.",
                                  "en": "{provider} is already connected: disconnect it to connect again."},
    "channel-not-connected": {"ru": "Канал {provider} не подключён.", "en": "{provider} is not connected."},
    "channel-failed": {"ru": "Канал {provider} отключён после неудачной проверки: исправьте настройки и проверьте "
                             "его снова.",
                       "en": "{provider} is off after a failed test: fix it and test again."},
    "lead-no-address": {"ru": "У заявки нет адреса для канала {provider}.",
                        "en": "The lead has no address for {provider}."},
    "message-in-progress": {"ru": "Это сообщение уже отправляется.", "en": "This message is being sent already."},
})

TEST_TEXT = "Fast Lead: проверка канала прошла успешно. / The channel test passed."
CLAIM_SECONDS = 120  # a reply's claim older than this was lost with its process: it may be taken again

TELEGRAM_TOKEN = r"^\d{5,15}:[A-Za-z0-9_-]{30,60}$"  # noqa: S105  (a pattern)
TELEGRAM_CHAT = r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$"
# kind → (credentials {name: pattern}, settings {name: (pattern | "phone" | "email", required)}, notify setting)
SPECS: dict[str, tuple[dict[str, str], dict[str, tuple[str, bool]], str]] = {
    "telegram": ({"bot_token": TELEGRAM_TOKEN}, {"chat_id": (TELEGRAM_CHAT, True)}, "chat_id"),
    "smsc": ({"login": r"^[\w.@-]{1,64}$", "password": r"^.{1,128}$"},
             {"notify_phone": ("phone", True), "sender": (r"^[A-Za-z0-9 ._-]{1,11}$", False)}, "notify_phone"),
    "twilio": ({"account_sid": r"^AC[0-9a-fA-F]{32}$", "auth_token": r"^[0-9a-fA-F]{32}$"},
               {"from_number": (r"^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$", True), "notify_phone": ("phone", True)},
               "notify_phone"),
    "email": ({}, {"notify_email": ("email", True), "sender_name": (r"^[^<>\"\r\n]{1,64}$", False),
                   "subject": (r"^[^\r\n]{1,120}$", False)}, "notify_email"),
    "whatsapp": ({"access_token": r"^[A-Za-z0-9_|-]{20,1024}$", "app_secret": r"^[0-9a-fA-F]{32}$"},
                 {"phone_number_id": (r"^\d{5,20}$", True), "notify_phone": ("phone", True)}, "notify_phone"),
    "max": ({"bot_token": r"^[A-Za-z0-9_-]{10,256}$"}, {"chat_id": (r"^-?\d{1,20}$", True)}, "chat_id"),
}
# credentials a kind works without: WhatsApp's app secret only authenticates the leads' answers
OPTIONAL_CREDENTIALS = {"whatsapp": {"app_secret"}}
# the kinds whose provider delivers the leads' answers to our webhook (tessera.workspaces.channels.inbound)
INBOUND_KINDS = ("twilio", "whatsapp")
# where a reply to a lead goes, by channel kind: the lead's field
REPLY_ADDRESS = {"smsc": "phone", "twilio": "phone", "whatsapp": "phone", "email": "email"}


def _name(kind: str) -> str:
    return PROVIDER_NAMES[kind]


def _phone(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) \
        if phonenumbers.is_valid_number(number) else None


def _valid(command: ChannelConnect) -> tuple[dict[str, str], dict[str, str]]:
    """The credentials and settings the kind needs, normalized; every problem names its field and
    never echoes the value."""
    wanted_credentials, wanted_settings, _ = SPECS[command.type]
    problems: list[FieldError] = []
    for name in sorted(set(command.credentials) - set(wanted_credentials)):
        problems.append(FieldError(f"body.credentials.{name}", f"not a {command.type} credential", "unknown"))
    for name in sorted(set(command.settings) - set(wanted_settings)):
        problems.append(FieldError(f"body.settings.{name}", f"not a {command.type} setting", "unknown"))
    credentials: dict[str, str] = {}
    for name, pattern in wanted_credentials.items():
        secret = command.credentials.get(name)
        if not secret and name in OPTIONAL_CREDENTIALS.get(command.type, ()):
            continue
        if not secret:
            problems.append(FieldError(f"body.credentials.{name}", "required", "required"))
        elif not re.fullmatch(pattern, secret):
            problems.append(FieldError(f"body.credentials.{name}", "not in the provider's format", "format"))
        else:
            credentials[name] = secret
    settings: dict[str, str] = {}
    for name, (rule, required) in wanted_settings.items():
        raw = command.settings.get(name)
        if not raw:
            if required:
                problems.append(FieldError(f"body.settings.{name}", "required", "required"))
            continue
        value: str | None = raw
        if rule == "phone":
            value = _phone(raw)
        elif rule == "email":
            try:
                value = validate_email(raw, check_deliverability=False).normalized
            except EmailNotValidError:
                value = None
        elif not re.fullmatch(rule, raw):
            value = None
        if value is None:
            what = rule if rule in ("phone", "email") else "value"
            problems.append(FieldError(f"body.settings.{name}", f"not a valid {what}", "format"))
        else:
            settings[name] = value
    if problems:
        raise ValidationFailed("Some fields are not valid.", code="validation-failed", errors=problems)
    return credentials, settings


# --- secrets ---------------------------------------------------------------------------------------

def _context(workspace_id: str, kind: str) -> dict[str, str]:
    return {"workspace": workspace_id, "channel": kind}


def _seal(workspace_id: str, kind: str, credentials: Mapping[str, str]) -> str | None:
    if not credentials:
        return None
    return data_cipher().encrypt(json.dumps(dict(credentials)).encode(), _context(workspace_id, kind))


def _connection(record: ChannelRecord) -> Connection:
    credentials: dict[str, str] = {}
    if record.credentials_sealed:
        credentials = json.loads(data_cipher().decrypt(record.credentials_sealed,
                                                       _context(record.workspace_id, record.kind)))
    return Connection(kind=record.kind, credentials=credentials, settings=dict(record.settings or {}))  # type: ignore[arg-type]


# --- views -----------------------------------------------------------------------------------------

def error_message(kind: str, reason: str, detail: str, language: str) -> str:
    return translate(f"channel-{reason}", language, {"provider": _name(kind), "provider_detail": detail}) or detail


def inbound_url(workspace_id: str, kind: str) -> str:
    return web_url(f"/api/webhooks/inbound/{kind}/{workspace_id}")


def _inbound(record: ChannelRecord, verify_token: str | None) -> ChannelInbound | None:
    if record.kind not in INBOUND_KINDS:
        return None
    hints = record.credentials_hint or {}
    return ChannelInbound(webhook_url=inbound_url(record.workspace_id, record.kind), verify_token=verify_token,
                          ready=record.kind != "whatsapp" or "app_secret" in hints)


def channel_view(record: ChannelRecord, language: str, verify_token: str | None = None) -> ChannelView:
    error = record.last_error
    return ChannelView(
        type=record.kind, name=record.name, status=record.status,
        notify_new_leads=bool(record.notify_new_leads), settings=dict(record.settings or {}),
        credentials_hint=dict(record.credentials_hint or {}), account=record.account,
        last_tested_at=record.last_tested_at,
        last_error=ChannelError(reason=error["reason"], provider_detail=error["detail"],
                                message=error_message(record.kind, error["reason"], error["detail"], language))
        if error else None,
        connected_at=record.connected_at, connected_by=record.connected_by,
        inbound=_inbound(record, verify_token))


def _snapshot(record: ChannelRecord) -> dict[str, Any]:
    """For the audit trail: never a credential, only its hint."""
    return {"type": record.kind, "name": record.name, "status": record.status,
            "notify_new_leads": bool(record.notify_new_leads), "settings": dict(record.settings or {}),
            "credentials_hint": dict(record.credentials_hint or {})}


def _channel(org_id: str, workspace_id: str, kind: str) -> ChannelRecord:
    service.get_workspace(org_id, workspace_id)  # another organization's: 404
    record = repository.find_channel(workspace_id, kind)
    if record is None:
        raise NotFound(f"{_name(kind)} is not connected.", code="channel-not-connected", provider=_name(kind))
    return record


def _run_test(connection: Connection, text: str) -> str | None:
    """The provider's read-only check, then a real message to the channel's own address."""
    account = provider(connection.kind).check(connection)
    target = connection.settings[SPECS[connection.kind][2]]
    provider(connection.kind).send(connection, target, text)
    return account


# --- the API's operations --------------------------------------------------------------------------

def list_channels(org_id: str, workspace_id: str, language: str) -> ChannelList:
    service.get_workspace(org_id, workspace_id)
    return ChannelList(items=[channel_view(r, language) for r in repository.channels_of(workspace_id)])


def connect(org_id: str, workspace_id: str, command: ChannelConnect, actor: service.Actor,
            language: str) -> ChannelView:
    service._active(org_id, workspace_id)
    service._writable(org_id)
    kind = command.type
    credentials, settings = _valid(command)
    if repository.find_channel(workspace_id, kind) is not None:
        raise Conflict(f"{_name(kind)} is already connected.", code="channel-already-connected",
                       provider=_name(kind))
    connection = Connection(kind=kind, credentials=credentials, settings=settings)
    try:
        account = _run_test(connection, TEST_TEXT)
    except ProviderError as error:
        count("ChannelTestFailed")
        message = error_message(kind, error.reason, error.detail, language)
        raise BadRequest(f"The channel test failed: {error.detail}", code="channel-test-failed", message=message,
                         reason=error.reason, provider_detail=error.detail) from None
    verify_token = None
    if kind == "whatsapp":  # Meta's webhook handshake: made here, shown in full this once
        verify_token = credentials["verify_token"] = secrets.token_urlsafe(24)
    now = clock.now()
    record = ChannelRecord(pk=f"WS#{workspace_id}", sk=f"CHANNEL#{kind}", workspace_id=workspace_id, org_id=org_id,
                           kind=kind, name=command.name or _name(kind), status="active",
                           notify_new_leads=command.notify_new_leads, settings=settings,
                           credentials_sealed=_seal(workspace_id, kind, credentials),
                           credentials_hint={k: mask_secret(v) for k, v in credentials.items()},
                           account=account, last_tested_at=now, connected_at=now, connected_by=actor.user_id)
    try:
        service.commit_with_audit(lambda tx: repository.add_new_channel(tx, record), actor, "channel.connect",
                                  "channel", f"{workspace_id}/{kind}", org_id, None, _snapshot(record))
    except TransactWriteError as error:
        if refused(error, record):
            raise Conflict(f"{_name(kind)} is already connected.", code="channel-already-connected",
                           provider=_name(kind)) from None
        raise
    logger.info("channel connected", extra={"workspace_id": workspace_id, "channel": kind})
    return channel_view(record, language, verify_token)


def test(org_id: str, workspace_id: str, kind: str, command: ChannelTest, language: str) -> ChannelView:
    """Send a test message: a pass makes the channel `active`, a failure `failed` with the error."""
    record = _channel(org_id, workspace_id, kind)
    try:
        account = _run_test(_connection(record), command.text or TEST_TEXT)
    except ProviderError as error:
        count("ChannelTestFailed")
        record.status, record.last_error = "failed", {"reason": error.reason, "detail": error.detail}
    else:
        record.status, record.last_error, record.account = "active", None, account or record.account
    record.last_tested_at = clock.now()
    try:
        repository.save_channel_state(record)
    except PutError:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from None
    return channel_view(record, language)


def update(org_id: str, workspace_id: str, kind: str, command: ChannelUpdate, actor: service.Actor,
           language: str) -> ChannelView:
    record = _channel(org_id, workspace_id, kind)
    before = _snapshot(record)
    record.notify_new_leads = command.notify_new_leads
    try:
        service.commit_with_audit(lambda tx: repository.add_channel_change(tx, record), actor, "channel.update",
                                  "channel", f"{workspace_id}/{kind}", org_id, before, _snapshot(record))
    except TransactWriteError:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from None
    return channel_view(record, language)


def disconnect(org_id: str, workspace_id: str, kind: str, actor: service.Actor) -> None:
    """The credentials go with the item: connecting again means entering them again."""
    record = _channel(org_id, workspace_id, kind)
    service.commit_with_audit(lambda tx: repository.add_channel_removal(tx, record), actor, "channel.disconnect",
                              "channel", f"{workspace_id}/{kind}", org_id, _snapshot(record), None)


def _usable(record: ChannelRecord | None, kind: str) -> ChannelRecord:
    if record is None:
        raise Conflict(f"{_name(kind)} is not connected.", code="channel-not-connected", provider=_name(kind))
    if record.status != "active":
        raise Conflict(f"{_name(kind)} is off after a failed test.", code="channel-failed", provider=_name(kind))
    return record


# --- replies from the lead card ----------------------------------------------------------------------

def _message_view(record: OutgoingMessageRecord, client_id: str, lead_status: str) -> LeadMessageView:
    return LeadMessageView(client_id=client_id, lead_id=record.lead_id, channel=record.channel,
                           to=record.to or "", text=record.text or "", provider_message_id=record.provider_message_id,
                           sent_at=record.sent_at, sent_by=record.sent_by, lead_status=lead_status)


def reply(org_id: str, workspace_id: str, lead_id: str, command: LeadMessage, actor: service.Actor,
          language: str) -> tuple[bool, LeadMessageView]:
    """(sent now, the message). The same client id answers the first send and sends nothing again."""
    lead = leads._lead(org_id, workspace_id, lead_id)
    client_id = command.client_id.lower()
    done = repository.find_message(workspace_id, client_id)
    if done is not None and done.state == "sent":
        return False, _message_view(done, client_id, lead.status)
    if leads.lead_view(lead, leads.open_months(org_id, [lead])).locked:
        raise Conflict("This lead came over the plan's limit.", code="lead-locked")
    kind = command.channel
    channel = _usable(repository.find_channel(workspace_id, kind), kind)
    field = REPLY_ADDRESS.get(kind)
    to = getattr(lead, field) if field else None
    if not to:
        raise Conflict(f"The lead has no address for {_name(kind)}.", code="lead-no-address", provider=_name(kind))
    now = clock.now()
    claim = OutgoingMessageRecord(pk=f"WS#{workspace_id}", sk=f"MSG#{client_id}", lead_id=lead_id, channel=kind,
                                  state="sending", sent_at=now, sent_by=actor.user_id)
    if not repository.claim_message(claim, now - timedelta(seconds=CLAIM_SECONDS)):
        again = repository.find_message(workspace_id, client_id)
        if again is not None and again.state == "sent":
            return False, _message_view(again, client_id, lead.status)
        raise Conflict("This message is being sent already.", code="message-in-progress")
    try:
        message_id = provider(kind).send(_connection(channel), to, command.text)
    except ProviderError as error:
        repository.release_message(claim)
        count("ChannelSendFailed")
        message = error_message(kind, error.reason, error.detail, language)
        raise BadRequest(f"The message was not sent: {error.detail}", code="channel-send-failed", message=message,
                         reason=error.reason, provider_detail=error.detail) from None
    claim.state, claim.to, claim.text, claim.provider_message_id = "sent", to, command.text, message_id
    events = [LeadEventRecord(pk=lead.pk, sk=f"LEADEV#{lead_id}#{new_id('ev')}", lead_id=lead_id, kind="message",
                              at=now, actor=actor.user_id,
                              data={"direction": "out", "channel": kind, "to": to, "text": command.text,
                                    "provider_message_id": message_id, "client_id": client_id})]
    changed: LeadRecord | None = None
    if lead.first_contact_at is None:
        changed = lead
        lead.first_contact_at = now
        lead.first_contact_seconds = max(0, int((now - lead.created_at).total_seconds()))
        if lead.status == "new":
            lead.status, lead.status_key, lead.updated_at = "contacted", f"WS#{workspace_id}#contacted", now
            events.append(LeadEventRecord(pk=lead.pk, sk=f"LEADEV#{lead_id}#{new_id('ev')}", lead_id=lead_id,
                                          kind="status", at=now, actor=actor.user_id,
                                          data={"from": "new", "to": "contacted", "note": None, "reason": "reply"}))
    try:
        service.commit_with_audit(lambda tx: repository.add_message_sent(tx, claim, changed, events), actor,
                                  "lead.message", "lead", lead_id, org_id, None,
                                  {"channel": kind, "status": lead.status, "client_id": client_id})
    except TransactWriteError:
        # the message is out; a concurrent status change lost us the lead's update: keep the message
        lead = leads._lead(org_id, workspace_id, lead_id)
        service.commit_with_audit(lambda tx: repository.add_message_sent(tx, claim, None, events[:1]), actor,
                                  "lead.message", "lead", lead_id, org_id, None,
                                  {"channel": kind, "status": lead.status, "client_id": client_id})
    logger.info("reply sent", extra={"workspace_id": workspace_id, "lead_id": lead_id, "channel": kind})
    return True, _message_view(claim, client_id, lead.status)


# --- new leads to the chosen channels (the table's stream) -----------------------------------------

def _lead_text(lead: LeadRecord) -> str:
    link = web_url(f"/app/fastlead/{lead.workspace_id}/leads/{lead.lead_id}")  # the SPA's lead card
    if lead.locked:
        return f"Новая заявка сверх лимита тарифа — откройте её после перехода на тариф выше: {link}"
    lines = ["Новая заявка"]
    lines += [value for value in (lead.name, lead.phone, lead.email) if value]
    if lead.message:
        lines.append(lead.message[:1000])
    lines.append(link)
    return "\n".join(lines)


def notify_new_lead(lead: LeadRecord) -> int:
    """Tell each active channel the owner chose; a channel's failure does not stop the others. A refused
    credential turns the channel `failed`, as a failed test does. The number of messages sent."""
    repository.remember_contacts(lead)
    sent = 0
    for channel in repository.channels_of(lead.workspace_id):
        if not channel.notify_new_leads or channel.status != "active":
            continue
        try:
            provider(channel.kind).send(_connection(channel), channel.settings[SPECS[channel.kind][2]],
                                        _lead_text(lead))
            sent += 1
        except ProviderError as error:
            count("LeadNotificationFailed")
            logger.warning("lead notification failed", extra={"workspace_id": lead.workspace_id,
                                                               "lead_id": lead.lead_id, "channel": channel.kind,
                                                               "reason": error.reason})
            if error.reason == "unauthorized":
                channel.status, channel.last_error = "failed", {"reason": error.reason, "detail": error.detail}
                channel.last_tested_at = clock.now()
                repository.save_channel_state(channel)
    return sent
