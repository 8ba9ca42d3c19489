"""`POST /api/public/leads`: a visitor's lead from the widget on a customer's site (no login).

In the order docs/design/widget.md sets, each answered before anything is remembered under the
client's id: the widget (404 unknown, archived or never published), the Origin (403), the rate limits
(429), bots (dropped silently: the thank-you answer, counted), the body (422), a stale config (409),
what the published config requires (422). Then one transaction stores the lead, its first timeline
event, its client id (a retry answers the first result) and the month's count against the plan.

An accepted lead costs three DynamoDB calls: the widget's runtime item, the two rate windows in one
transaction, and the lead's transaction; the plan comes from a per-process cache. Personal data (name,
phone, e-mail, message) is never logged."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from tessera.core import clock
from tessera.core.errors import Conflict, FieldError, Forbidden, NotFound, RateLimited, ValidationFailed
from tessera.core.i18n import field_message, register
from tessera.core.ids import new_id
from tessera.core.observability import count, logger
from tessera.core.request import RequestInfo
from tessera.core.settings import get_settings
from tessera.identity.team import owner_emails
from tessera.notify.service import Notice, dispatch
from tessera.workspaces import repository
from tessera.workspaces.models import WIDGET_ID, LeadAccepted, LeadSubmission
from tessera.workspaces.records import LeadEventRecord, LeadRecord, WidgetRuntimeRecord
from tessera.workspaces.service import cached_plan
from tessera.workspaces.settings import IngestSettings

register({
    "widget-not-found": {"ru": "Виджет не найден или отключён.", "en": "The widget does not exist or is off."},
    "origin-not-allowed": {"ru": "Этот сайт не может отправлять заявки в этот виджет.",
                           "en": "This site may not send leads to this widget."},
    "lead-rate-limited": {"ru": "Слишком часто, попробуйте позже.", "en": "Too often, try again later."},
    "widget-config-stale": {"ru": "Форма устарела: обновите страницу и отправьте заявку ещё раз.",
                            "en": "The form is out of date: reload the page and send again."},
})

CONTACTS = ("phone", "email")
LEAD_FIELDS = ("name", "phone", "email", "message")
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@dataclass(frozen=True)
class Answer:
    status: int  # 201 stored, 200 the first answer again (or a dropped bot)
    body: LeadAccepted


def _cors(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", "Access-Control-Expose-Headers": "Retry-After"}


PREFLIGHT_HEADERS = {"Access-Control-Allow-Methods": "POST",
                     "Access-Control-Allow-Headers": "Content-Type, Accept-Language", "Access-Control-Max-Age": "600"}


def preflight(origin: str | None) -> dict[str, str]:
    """The CORS headers of a preflight for an origin some widget allows (it carries no widget id: the
    POST is checked against its own widget), or 403."""
    if not origin or not repository.origin_allowed_anywhere(origin):
        raise Forbidden("This site may not send leads here.", code="origin-not-allowed",
                        headers={"Vary": "Origin"})
    return {**_cors(origin), **PREFLIGHT_HEADERS}


def _window(now: datetime, seconds: int) -> tuple[int, datetime]:
    """The fixed window `now` falls in: its start (epoch seconds) and when its counter may expire."""
    start = int(now.timestamp()) // seconds * seconds
    return start, datetime.fromtimestamp(start + seconds, now.tzinfo) + timedelta(seconds=seconds)


def _field_errors(error: ValidationError, language: str) -> list[FieldError]:
    return [FieldError(".".join(["body", *(str(p) for p in e["loc"])]),
                       field_message(e["type"], language, e.get("ctx"), e["msg"]), e["type"]) for e in error.errors()]


def _invalid(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("Some fields are not valid.", errors=errors)


def _field(loc: str, code: str, language: str) -> FieldError:
    return FieldError(loc, field_message(code, language, None, code), code)


def _runtime(body: Any, language: str) -> WidgetRuntimeRecord:
    widget_id = body.get("widget_id") if isinstance(body, dict) else None
    if not isinstance(widget_id, str) or not re.match(WIDGET_ID, widget_id):
        raise _invalid([_field("body.widget_id", "string_pattern_mismatch", language)])
    runtime = repository.find_runtime(widget_id)
    if runtime is None or runtime.status != "active" or runtime.published_version is None:
        raise NotFound("The widget does not exist or is off.", code="widget-not-found")
    return runtime


def _limit_rates(runtime: WidgetRuntimeRecord, request: RequestInfo, now: datetime) -> None:
    settings = get_settings(IngestSettings)
    ip_start, ip_expires = _window(now, settings.ip_window_seconds)
    widget_start, widget_expires = _window(now, settings.widget_window_seconds)
    full = repository.take_rate_slots([
        ("ip", request.ip or "unknown", ip_start, settings.ip_limit, ip_expires),
        ("widget", runtime.widget_id, widget_start, settings.widget_limit, widget_expires),
    ])
    if full is not None:
        ends = ip_start + settings.ip_window_seconds if full == "ip" else widget_start + settings.widget_window_seconds
        count("lead_rate_limited", limit=full)
        raise RateLimited("Too often, try again later.", code="lead-rate-limited",
                          retry_after=max(1, ends - int(now.timestamp())))


def _bot(body: dict[str, Any]) -> str | None:
    honeypot, elapsed = body.get("honeypot"), body.get("elapsed_ms")
    if isinstance(honeypot, str) and honeypot.strip():
        return "honeypot"
    minimum = get_settings(IngestSettings).min_elapsed_ms
    if isinstance(elapsed, int) and not isinstance(elapsed, bool) and elapsed < minimum:
        return "too_fast"
    return None


def _as_configured(lead: LeadSubmission, runtime: WidgetRuntimeRecord, language: str) -> LeadSubmission:
    """What the published config asks: required fields, a contact, the consent to its current text."""
    fields = runtime.fields or {}
    values = {name: getattr(lead, name) for name in LEAD_FIELDS}
    for name in LEAD_FIELDS:
        if fields.get(name) == "hidden":
            values[name] = None  # the form had no such field: whatever came is not the visitor's
    errors = [_field(f"body.{name}", "missing", language) for name in LEAD_FIELDS
              if fields.get(name) == "required" and not values[name]]
    shown = [name for name in CONTACTS if fields.get(name) != "hidden"]
    if not errors and not any(values[name] for name in shown):
        errors.append(_field(f"body.{shown[0] if shown else 'phone'}", "lead_contact_required", language))
    if runtime.consent_required:
        if not lead.consent.accepted:
            errors.append(_field("body.consent.accepted", "consent_required", language))
        elif lead.consent.text_version != runtime.consent_version:
            errors.append(_field("body.consent.text_version", "consent_version_mismatch", language))
    if errors:
        raise _invalid(errors)
    return lead.model_copy(update=values)


def _lead(lead: LeadSubmission, runtime: WidgetRuntimeRecord, request: RequestInfo, now: datetime,
          locked: bool) -> tuple[LeadRecord, LeadEventRecord]:
    lead_id = new_id("lead")
    consent = ({"accepted": lead.consent.accepted, "text_version": lead.consent.text_version,
                "at": now.isoformat(), "ip": request.ip} if lead.consent.accepted else None)
    search = " ".join(v for v in (lead.name, lead.phone, lead.email, lead.message) if v).lower()[:3000] or None
    record = LeadRecord(
        pk=f"WS#{runtime.workspace_id}", sk=f"LEAD#{lead_id}", lead_id=lead_id, org_id=runtime.org_id,
        workspace_id=runtime.workspace_id, widget_id=runtime.widget_id, client_lead_id=lead.client_lead_id,
        channel="widget", status="new", locked=locked, name=lead.name, phone=lead.phone, email=lead.email,
        message=lead.message, consent=consent, page_url=lead.page_url, referrer=lead.referrer,
        utm={key: value for key in UTM if (value := getattr(lead, key))}, locale=lead.locale, search_text=search,
        created_at=now, updated_at=now, status_key=f"WS#{runtime.workspace_id}#new", lead_key=lead_id)
    event = LeadEventRecord(pk=record.pk, sk=f"LEADEV#{lead_id}#{new_id('ev')}", lead_id=lead_id, kind="form", at=now,
                            actor=None, data={"page_url": lead.page_url, "config_version": lead.config_version,
                                              "consent_version": lead.consent.text_version if consent else None})
    return record, event


def submit(body: Any, origin: str | None, request: RequestInfo) -> tuple[Answer, dict[str, str]]:
    """The answer and its CORS headers; a refusal is raised as a problem carrying them too."""
    language = request.language
    runtime = _runtime(body, language)
    if not origin or origin not in (runtime.allowed_origins or []):
        count("lead_origin_refused")
        raise Forbidden("This site may not send leads to this widget.", code="origin-not-allowed",
                        headers={"Vary": "Origin"})
    headers = _cors(origin)
    try:
        return _submit(body, runtime, request), headers
    except (NotFound, Forbidden, Conflict, RateLimited, ValidationFailed) as problem:
        problem.headers = {**problem.headers, **headers}
        raise


def _submit(body: dict[str, Any], runtime: WidgetRuntimeRecord, request: RequestInfo) -> Answer:
    now = clock.now()
    _limit_rates(runtime, request, now)
    month = now.strftime("%Y-%m")
    client_lead_id = body.get("client_lead_id") if isinstance(body.get("client_lead_id"), str) else ""
    bot = _bot(body)
    if bot is not None:
        repository.count_bot(runtime.widget_id, month, bot)  # type: ignore[arg-type]
        count("lead_bot_dropped", reason=bot)
        return Answer(201, LeadAccepted(lead_id=new_id("lead"), client_lead_id=str(client_lead_id)))
    try:
        lead = LeadSubmission.model_validate(body)
    except ValidationError as error:
        raise _invalid(_field_errors(error, request.language)) from None
    if lead.config_version < int(runtime.published_version):
        raise Conflict("The form is out of date.", code="widget-config-stale",
                       current_version=int(runtime.published_version))
    lead = _as_configured(lead, runtime, request.language)
    plan = cached_plan(runtime.org_id)
    usable = plan.access in ("full", "read_only")  # read-only: the widget keeps working (seed 004)
    limit = plan.limit("leads_per_month") if usable else None
    record, event = _lead(lead, runtime, request, now, locked=not usable)
    marker = repository.client_lead(runtime.widget_id, lead.client_lead_id, record.lead_id, now)
    outcome = repository.store_lead(record, event, marker, month, limit)
    if outcome == "over_limit":
        record, event = _lead(lead, runtime, request, now, locked=True)
        marker.lead_id = record.lead_id
        outcome = repository.store_lead(record, event, marker, month, None)
        if outcome == "stored":
            _offer_upgrade(runtime.org_id, month, limit, now)
    if outcome == "replay":
        first = repository.find_client_lead(runtime.widget_id, lead.client_lead_id)
        lead_id = first.lead_id if first is not None else record.lead_id
        return Answer(200, LeadAccepted(lead_id=lead_id, client_lead_id=lead.client_lead_id))
    count("lead_received", locked=str(record.locked).lower())
    logger.info("lead received", extra={"org_id": runtime.org_id, "workspace_id": runtime.workspace_id,
                                        "lead_id": record.lead_id, "locked": record.locked})
    return Answer(201, LeadAccepted(lead_id=record.lead_id, client_lead_id=lead.client_lead_id))


def _offer_upgrade(org_id: str, month: str, limit: int | None, now: datetime) -> None:
    """The owners are told once a month that leads are being kept locked (a failure to tell loses no lead)."""
    if not repository.claim_limit_notice(org_id, month, now):
        return
    try:
        dispatch(Notice(event="leads.limit", org_id=org_id, template="leads_limit",
                        context={"limit": limit, "month": month}, emails=owner_emails(org_id), staff=False))
    except Exception:
        logger.exception("the leads limit notice was not sent", extra={"org_id": org_id})
