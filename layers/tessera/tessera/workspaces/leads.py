"""Leads in the app: a workspace's list (status, channel, dates, search; newest first, cursor pages), one
lead with its timeline, and status changes new → contacted → booked / lost, each audited.

A lead stored locked (over its month's limit, or without a usable subscription) shows no contacts and
cannot be worked until the plan allows its month: a usable subscription whose limit covers every lead
the organization received that month (so an upgrade opens them, and the next month starts afresh)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite
from ulid import ULID

from tessera.core import clock
from tessera.core.errors import Conflict, NotFound
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.workspaces import repository, service
from tessera.workspaces.models import (
    ConsentRecordView,
    LeadDetail,
    LeadEventView,
    LeadPage,
    LeadStatus,
    LeadStatusChange,
    LeadView,
)
from tessera.workspaces.records import LeadEventRecord, LeadRecord

register({
    "lead-not-found": {"ru": "Такой заявки нет.", "en": "No such lead."},
    "lead-locked": {"ru": "Заявка пришла сверх лимита тарифа: перейдите на тариф выше, чтобы работать с ней.",
                    "en": "This lead came over the plan's limit: upgrade to work with it."},
    "lead-status-transition": {"ru": "Из статуса «{current}» нельзя перейти в «{target}».",
                               "en": "A lead cannot go from {current} to {target}."},
})

# status → where it may go: a booking may also come straight from a new lead (a calendar link), and a
# lost lead may come back.
MOVES: dict[str, frozenset[str]] = {
    "new": frozenset({"contacted", "booked", "lost"}),
    "contacted": frozenset({"booked", "lost"}),
    "booked": frozenset({"lost"}),
    "lost": frozenset({"contacted"}),
}


def open_months(org_id: str, records: list[LeadRecord]) -> set[str]:
    """The months (YYYY-MM) of these locked leads that the organization's plan now covers."""
    return months_opened(org_id, {r.created_at.strftime("%Y-%m") for r in records if r.locked})


def months_opened(org_id: str, months: AbstractSet[str]) -> set[str]:
    """Which of these months (YYYY-MM) the organization's plan now covers: their locked leads show."""
    plan = service.plan_of(org_id) if months else None
    if plan is None or plan.access not in ("full", "read_only"):
        return set()
    limit = plan.limit("leads_per_month")
    return {month for month in months if limit is None or (
        (counted := repository.leads_of_month(org_id, month)) is not None and int(counted.value) <= limit)}


def lead_view(record: LeadRecord, opened: AbstractSet[str] = frozenset()) -> LeadView:
    hidden = bool(record.locked) and record.created_at.strftime("%Y-%m") not in opened
    return LeadView(id=record.lead_id, workspace_id=record.workspace_id, channel=record.channel,
                    status=record.status, locked=hidden,
                    name=None if hidden else record.name, phone=None if hidden else record.phone,
                    email=None if hidden else record.email, message=None if hidden else record.message,
                    page_url=record.page_url, utm=dict(record.utm or {}), created_at=record.created_at,
                    updated_at=record.updated_at, first_contact_at=record.first_contact_at)


def _id_bound(moment: datetime | None, end: bool) -> str:
    """The smallest (or largest) lead id made at `moment`: ULIDs begin with their time."""
    if moment is None:
        return "lead_Z" if end else "lead_0"
    prefix = str(ULID.from_timestamp(moment.timestamp()))[:10]
    return f"lead_{prefix}{'Z' * 16 if end else '0' * 16}"


def list_leads(org_id: str, workspace_id: str, *, status: LeadStatus | None = None, channel: str | None = None,
               created_after: datetime | None = None, created_before: datetime | None = None, q: str | None = None,
               cursor: str | None = None, limit: int | None = None) -> LeadPage:
    service.get_workspace(org_id, workspace_id)  # another organization's: 404
    id_range = (_id_bound(created_after, False), _id_bound(created_before, True))
    items, next_cursor = repository.lead_page(workspace_id, status=status, id_range=id_range,
                                              filter_condition=_filter(channel, q), cursor=cursor, limit=limit)
    opened = open_months(org_id, list(items))
    return LeadPage(items=[lead_view(r, opened) for r in items], next_cursor=next_cursor)


def _filter(channel: str | None, q: str | None) -> Any:
    conditions: list[Any] = []
    if channel:
        conditions.append(LeadRecord.channel == channel)
    if q:
        conditions.append(LeadRecord.search_text.contains(q.strip().lower()))
    condition = None
    for part in conditions:
        condition = part if condition is None else condition & part
    return condition


def export_batches(org_id: str, workspace_id: str, *, status: LeadStatus | None = None, channel: str | None = None,
                   created_after: datetime | None = None, created_before: datetime | None = None,
                   q: str | None = None, batch_size: int = 1000) -> Iterator[list[LeadView]]:
    """Every lead the list shows with these filters, newest first, in batches of `batch_size` (an export
    job: one query read page by page, so memory holds one batch)."""
    service.get_workspace(org_id, workspace_id)
    id_range = (_id_bound(created_after, False), _id_bound(created_before, True))
    records = repository.all_leads(workspace_id, status=status, id_range=id_range,
                                   filter_condition=_filter(channel, q), page_size=batch_size)
    for batch in itertools.batched(records, batch_size, strict=False):
        opened = open_months(org_id, list(batch))
        yield [lead_view(r, opened) for r in batch]


def stored_leads(workspace_id: str, page_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Every lead of the workspace as stored, attribute → value (the analytics' rows backfill)."""
    every = (_id_bound(None, False), _id_bound(None, True))
    for record in repository.all_leads(workspace_id, status=None, id_range=every, filter_condition=None,
                                       page_size=page_size):
        yield record.attribute_values


def every_workspace_id() -> Iterator[str]:
    """Every workspace's id (a scan: the rows backfill, once)."""
    return (record.workspace_id for record in repository.every_workspace())


def mark_export(tx: TransactWrite, workspace_id: str, export_id: str, expires_at: datetime) -> None:
    """A leads export's marker on the stream, in the export job's transaction (tessera.reporting)."""
    repository.add_export_marker(tx, workspace_id, export_id, expires_at)


def _lead(org_id: str, workspace_id: str, lead_id: str) -> LeadRecord:
    service.get_workspace(org_id, workspace_id)
    record = repository.find_lead(workspace_id, lead_id)
    if record is None:
        raise NotFound("No such lead.", code="lead-not-found")
    return record


def _event_view(record: LeadEventRecord, locked: bool = False) -> LeadEventView:
    data = dict(record.data or {})
    if locked and record.kind == "message":  # a client's answer to a locked lead: its phone and words withheld
        data = {k: v for k, v in data.items() if k in ("direction", "channel")}
    return LeadEventView(at=record.at, kind=record.kind, actor=record.actor, data=data)


def get_lead(org_id: str, workspace_id: str, lead_id: str) -> LeadDetail:
    record = _lead(org_id, workspace_id, lead_id)
    view, consent = lead_view(record, open_months(org_id, [record])), record.consent
    return LeadDetail(**view.model_dump(), referrer=None if view.locked else record.referrer,
                      consent=ConsentRecordView(**consent) if consent and not view.locked else None,
                      timeline=[_event_view(e, view.locked) for e in sorted(repository.timeline(workspace_id, lead_id),
                                                                            key=lambda e: (e.at, e.sk))])


def change_status(org_id: str, workspace_id: str, lead_id: str, command: LeadStatusChange,
                  actor: service.Actor) -> LeadView:
    record = _lead(org_id, workspace_id, lead_id)
    opened = open_months(org_id, [record])
    if lead_view(record, opened).locked:
        raise Conflict("This lead came over the plan's limit.", code="lead-locked")
    current = record.status
    if command.status not in MOVES[current]:
        raise Conflict(f"A lead cannot go from {current} to {command.status}.", code="lead-status-transition",
                       current=current, target=command.status)
    now = clock.now()
    record.status, record.status_key, record.updated_at = command.status, f"WS#{workspace_id}#{command.status}", now
    event = LeadEventRecord(pk=record.pk, sk=f"LEADEV#{lead_id}#{new_id('ev')}", lead_id=lead_id, kind="status",
                            at=now, actor=actor.user_id,
                            data={"from": current, "to": command.status, "note": command.note})
    try:
        service.commit_with_audit(lambda tx: repository.add_status_change(tx, record, event), actor, "lead.status",
                                  "lead", lead_id, org_id, {"status": current}, {"status": command.status})
    except TransactWriteError:
        raise Conflict("Someone changed this at the same time. Reload and try again.",
                       code="concurrent-change") from None
    return lead_view(record, opened)
