"""Cal.com for a workspace: the API key (tested by listing event types, then envelope-encrypted), the
webhook's secret (made here, shown once), and the booking webhooks that mark leads booked.

A delivery is applied once per booking uid and trigger: its marker is written in the same transaction
as the lead and its timeline, so a retried or replayed delivery changes nothing. The lead is the
booking's `metadata.lead_id` (set when the app books through the API or prefills the embed), else the
latest lead with the attendee's e-mail, else with their phone (the contact items kept from the stream)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tessera.audit import service as audit
from tessera.core import clock
from tessera.core.crypto import DecryptionError, data_cipher, mask_secret
from tessera.core.dynamo import refused, transaction
from tessera.core.errors import BadRequest, Conflict, NotFound, Unauthorized
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.settings import web_url
from tessera.workspaces import leads, service
from tessera.workspaces import repository as workspaces
from tessera.workspaces.channels import calcom, repository
from tessera.workspaces.channels.models import CalcomAck, CalcomConnect, CalcomEventType, CalcomEventTypes, CalcomView
from tessera.workspaces.channels.providers import ProviderError
from tessera.workspaces.channels.service import _phone
from tessera.workspaces.records import CalcomRecord, LeadEventRecord, LeadRecord

register({
    "calcom-key-refused": {"ru": "Cal.com не принял API-ключ: {provider_detail}",
                           "en": "Cal.com refused the API key: {provider_detail}"},
    "calcom-unavailable": {"ru": "Cal.com сейчас недоступен. Попробуйте ещё раз через минуту.",
                           "en": "Cal.com is unavailable right now. Try again in a minute."},
    "calcom-not-connected": {"ru": "Cal.com не подключён.", "en": "Cal.com is not connected."},
    "calcom-signature-invalid": {"ru": "Подпись вебхука Cal.com не сошлась.",
                                 "en": "The Cal.com webhook signature does not match."},
    "calcom-payload-invalid": {"ru": "Вебхук Cal.com без нужных полей: {field}.",
                               "en": "The Cal.com webhook lacks {field}."},
})

CALCOM = "calcom"


def _context(workspace_id: str, purpose: str) -> dict[str, str]:
    return {"workspace": workspace_id, "calcom": purpose}


def webhook_url(workspace_id: str) -> str:
    return web_url(f"/api/webhooks/calcom/{workspace_id}")


def _view(workspace_id: str, record: CalcomRecord | None, secret: str | None = None) -> CalcomView:
    return CalcomView(connected=record is not None, api_key_hint=record.api_key_hint if record else None,
                      webhook_url=webhook_url(workspace_id), webhook_secret=secret, triggers=list(calcom.TRIGGERS),
                      connected_at=record.connected_at if record else None)


def _refused(error: ProviderError) -> BadRequest:
    if error.reason == "unavailable":
        return BadRequest("Cal.com is unavailable.", code="calcom-unavailable", provider_detail=error.detail)
    return BadRequest(f"Cal.com refused the API key: {error.detail}", code="calcom-key-refused",
                      provider_detail=error.detail)


def get(org_id: str, workspace_id: str) -> CalcomView:
    service.get_workspace(org_id, workspace_id)
    return _view(workspace_id, repository.find_calcom(workspace_id))


def connect(org_id: str, workspace_id: str, command: CalcomConnect, actor: service.Actor) -> CalcomView:
    """Test the key, then keep it with a new webhook secret (reconnecting replaces both)."""
    service._active(org_id, workspace_id)
    service._writable(org_id)
    try:
        calcom.client().event_types(command.api_key)
    except ProviderError as error:
        raise _refused(error) from None
    secret = secrets.token_urlsafe(32)
    cipher = data_cipher()
    record = CalcomRecord(pk=f"WS#{workspace_id}", sk="CALCOM", workspace_id=workspace_id, org_id=org_id,
                          api_key_sealed=cipher.encrypt(command.api_key.encode(), _context(workspace_id, "api_key")),
                          api_key_hint=mask_secret(command.api_key),
                          webhook_secret_sealed=cipher.encrypt(secret.encode(), _context(workspace_id, "webhook")),
                          connected_at=clock.now(), connected_by=actor.user_id)
    service.commit_with_audit(lambda tx: repository.add_calcom(tx, record), actor, "calcom.connect", "calcom",
                              workspace_id, org_id, None, {"api_key_hint": record.api_key_hint})
    return _view(workspace_id, record, secret)


def _record(org_id: str, workspace_id: str) -> CalcomRecord:
    service.get_workspace(org_id, workspace_id)
    record = repository.find_calcom(workspace_id)
    if record is None:
        raise NotFound("Cal.com is not connected.", code="calcom-not-connected")
    return record


def event_types(org_id: str, workspace_id: str) -> CalcomEventTypes:
    record = _record(org_id, workspace_id)
    key = data_cipher().decrypt(record.api_key_sealed, _context(workspace_id, "api_key")).decode()
    try:
        return CalcomEventTypes(items=[CalcomEventType(**item) for item in calcom.client().event_types(key)])
    except ProviderError as error:
        raise _refused(error) from None


def disconnect(org_id: str, workspace_id: str, actor: service.Actor) -> None:
    record = _record(org_id, workspace_id)
    service.commit_with_audit(lambda tx: repository.add_calcom_removal(tx, record), actor, "calcom.disconnect",
                              "calcom", workspace_id, org_id, {"api_key_hint": record.api_key_hint}, None)


# --- webhooks --------------------------------------------------------------------------------------

def _forged() -> Unauthorized:
    count("CalcomWebhookForged")
    return Unauthorized("The Cal.com webhook signature does not match.", code="calcom-signature-invalid")


def _find_lead(workspace_id: str, payload: dict[str, Any]) -> LeadRecord | None:
    metadata = payload.get("metadata") if isinstance(payload.get("metadata"), dict) else {}
    lead_id = metadata.get("lead_id") if metadata else None
    if isinstance(lead_id, str) and lead_id.startswith("lead_"):
        found = workspaces.find_lead(workspace_id, lead_id)
        if found is not None:
            return found
    attendees = [a for a in payload.get("attendees") or [] if isinstance(a, dict)]
    responses = payload.get("responses") if isinstance(payload.get("responses"), dict) else {}
    emails = [str(a["email"]) for a in attendees if a.get("email")]
    phones = [str(a["phoneNumber"]) for a in attendees if a.get("phoneNumber")]
    for key in ("attendeePhoneNumber", "phone", "location"):  # the booking form's phone field, by its usual names
        value = (responses or {}).get(key)
        value = value.get("value") if isinstance(value, dict) else value
        if isinstance(value, str):
            phones.append(value)
    candidates = [("email", e) for e in emails] + [("phone", p) for p in (_phone(p) for p in phones) if p]
    for kind, value in candidates:
        lead_id = repository.lead_by_contact(workspace_id, kind, value)
        if lead_id and (found := workspaces.find_lead(workspace_id, lead_id)) is not None:
            return found
    return None


def handle_webhook(workspace_id: str, raw: bytes, signature: str | None) -> CalcomAck:
    record = repository.find_calcom(workspace_id)
    if record is None:  # the same answer as a bad signature: nothing to learn about which workspaces exist
        raise _forged()
    try:
        secret = data_cipher().decrypt(record.webhook_secret_sealed, _context(workspace_id, "webhook")).decode()
    except DecryptionError:
        logger.error("calcom webhook secret unreadable", extra={"workspace_id": workspace_id})
        raise _forged() from None
    if not calcom.signature_valid(secret, raw, signature):
        raise _forged()
    try:
        delivery = json.loads(raw)
    except ValueError:
        raise BadRequest("The Cal.com webhook is not JSON.", code="calcom-payload-invalid", field="body") from None
    trigger = delivery.get("triggerEvent") if isinstance(delivery, dict) else None
    if trigger not in calcom.TRIGGERS:
        return CalcomAck()  # PING and the triggers we do not use: acknowledged, nothing to do
    payload = delivery.get("payload")
    if not isinstance(payload, dict) or not isinstance(uid := payload.get("uid"), str) or not 0 < len(uid) <= 200:
        raise BadRequest("The Cal.com webhook lacks payload.uid.", code="calcom-payload-invalid", field="payload.uid")
    if (done := repository.find_booking_marker(workspace_id, uid, trigger)) is not None:
        return CalcomAck(lead_id=done.lead_id, duplicate=True)
    lead = _find_lead(workspace_id, payload)
    now = clock.now()
    marker = repository.booking_marker(workspace_id, uid, trigger, lead.lead_id if lead else None, now)
    events: list[LeadEventRecord] = []
    changed: LeadRecord | None = None
    before_status = lead.status if lead else None
    if lead is not None:
        booking = {"trigger": trigger, "uid": uid, "title": payload.get("title"), "start": payload.get("startTime"),
                   "end": payload.get("endTime"), "status": payload.get("status"),
                   "rescheduled_from": payload.get("rescheduledFromUid") or payload.get("fromReschedule")}
        events.append(LeadEventRecord(pk=lead.pk, sk=f"LEADEV#{lead.lead_id}#{new_id('ev')}", lead_id=lead.lead_id,
                                      kind="booking", at=now, actor=CALCOM,
                                      data={k: v for k, v in booking.items() if v is not None}))
        locked = leads.lead_view(lead, leads.open_months(record.org_id, [lead])).locked
        if trigger == "BOOKING_CREATED" and not locked and "booked" in leads.MOVES[lead.status]:
            events.append(LeadEventRecord(pk=lead.pk, sk=f"LEADEV#{lead.lead_id}#{new_id('ev')}",
                                          lead_id=lead.lead_id, kind="status", at=now, actor=CALCOM,
                                          data={"from": lead.status, "to": "booked", "note": None,
                                                "reason": "calcom"}))
            lead.status, lead.status_key, lead.updated_at = "booked", f"WS#{workspace_id}#booked", now
            changed = lead
    try:
        if changed is not None:  # a status change is audited like a person's, by the system
            audit.record_change(lambda tx: repository.add_booking(tx, marker, changed, events), "lead.status",
                                "lead", changed.lead_id, actor_id=CALCOM, actor_kind="system", actor_display="Cal.com",
                                org_id=record.org_id, before={"status": before_status}, after={"status": "booked"})
        else:
            with transaction() as tx:
                repository.add_booking(tx, marker, None, events)
    except TransactWriteError as error:
        if refused(error, marker):
            return CalcomAck(lead_id=marker.lead_id, duplicate=True)
        raise Conflict("The lead changed at the same time; Cal.com will deliver again.",
                       code="concurrent-change") from None
    count("CalcomBooking" if lead else "CalcomBookingUnmatched")
    logger.info("calcom webhook applied", extra={"workspace_id": workspace_id, "trigger": trigger,
                                                 "lead_id": lead.lead_id if lead else None})
    return CalcomAck(lead_id=lead.lead_id if lead else None)
