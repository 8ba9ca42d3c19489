"""The way into audit: record an event (alone, or with the change it describes in one transaction),
search, export. Chaining, checkpoints and verification are the audit functions' own
(tessera.audit.chaining, .checkpoints, .verification)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import ValidationError as PydanticValidationError
from pynamodb.transactions import TransactWrite

from tessera.audit import export as exporting
from tessera.audit import repository
from tessera.audit.models import (
    CHAIN_PATTERN,
    AuditActor,
    AuditEntry,
    AuditEvent,
    AuditFilters,
    diff,
    mask_snapshot,
)
from tessera.audit.records import PLATFORM_CHAIN
from tessera.core import clock
from tessera.core.errors import FieldError, ValidationFailed
from tessera.core.ids import new_id
from tessera.core.request import RequestInfo

MAX_RANGE_DAYS = 92  # a day-by-day search queries one partition per day
DEFAULT_DAYS = 7
EXPORT_PAGE = 100

__all__ = ["AuditActor", "AuditEvent", "AuditFilters", "export", "iterate", "record", "record_change", "search",
           "search_filtered"]

Change = Callable[[TransactWrite], None]


def record(action: str, entity_type: str, entity_id: str, *, actor_id: str, actor_kind: str,
           actor_display: str | None = None, actor_roles: Sequence[str] = (), request: RequestInfo | None = None,
           org_id: str | None = None, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           reason: str | None = None) -> AuditEvent:
    """The audit event of something that changes nothing else (a sign-in, a staff read of customer
    data, an export): one PutItem of its own, no read."""
    event = _new_event(action, entity_type, entity_id, actor_id=actor_id, actor_kind=actor_kind,
                       actor_display=actor_display, actor_roles=actor_roles, request=request, org_id=org_id,
                       before=before, after=after, reason=reason)
    repository.save_event(event)
    return event


def record_change(change: Change, action: str, entity_type: str, entity_id: str, *, actor_id: str,
                  actor_kind: str, actor_display: str | None = None, actor_roles: Sequence[str] = (),
                  request: RequestInfo | None = None, org_id: str | None = None,
                  before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
                  reason: str | None = None) -> AuditEvent:
    """A change and its audit event in one TransactWriteItems: both are written or neither. `change`
    adds the caller's writes to the transaction (its repository's `add_…` functions). The event is one
    more item under a key of its own, with no read and no condition another writer could fail, so a
    TransactWriteError is always the caller's: it is raised unchanged, for the caller to tell its
    conflicts apart."""
    event = _new_event(action, entity_type, entity_id, actor_id=actor_id, actor_kind=actor_kind,
                       actor_display=actor_display, actor_roles=actor_roles, request=request, org_id=org_id,
                       before=before, after=after, reason=reason)
    repository.write_with(change, event)
    return event


def _new_event(action: str, entity_type: str, entity_id: str, *, actor_id: str, actor_kind: str,
               actor_display: str | None, actor_roles: Sequence[str], request: RequestInfo | None,
               org_id: str | None, before: dict[str, Any] | None, after: dict[str, Any] | None,
               reason: str | None) -> AuditEvent:
    """The event as validated and stored (snapshots masked, the diff taken from the unmasked ones);
    seq and hashes come when the chainer chains it."""
    request = request or RequestInfo()
    entry = AuditEntry(actor=AuditActor(id=actor_id, kind=actor_kind, display=actor_display,
                                        roles=list(actor_roles)),
                       action=action, entity_type=entity_type, entity_id=entity_id, org_id=org_id, before=before,
                       after=after, reason=reason, request_id=request.request_id, ip=request.ip,
                       user_agent=request.user_agent)
    return AuditEvent(**entry.model_dump(exclude={"before", "after"}), before=mask_snapshot(entry.before),
                      after=mask_snapshot(entry.after), diff=diff(entry.before, entry.after),
                      id=new_id("aud"), chain=chain_of(org_id), at=clock.now())


def chain_of(org_id: str | None) -> str:
    """One chain per organization, one for everything else."""
    return org_id if org_id and re.fullmatch(CHAIN_PATTERN, org_id) else PLATFORM_CHAIN


# --- search ----------------------------------------------------------------------------------------

def search(*, actor: str | None = None, entity: tuple[str, str] | None = None, org: str | None = None,
           actor_kind: str | None = None, action: str | None = None, date_from: date | None = None,
           date_to: date | None = None, cursor: str | None = None, limit: int | None = None,
           ) -> tuple[list[AuditEvent], str | None]:
    """Events newest first. The query is, by priority, the entity's history, the actor's, the
    organization's, else the days from date_from to date_to (default: the last 7 days); the other
    filters narrow it."""
    try:
        filters = AuditFilters(actor=actor, entity=entity, org=org, actor_kind=actor_kind,
                               action=action, date_from=date_from, date_to=date_to)
    except PydanticValidationError as exc:
        raise ValidationFailed("Some filters are not valid.", code="invalid-filters", errors=[
            FieldError(".".join(["query", *(str(p) for p in error["loc"][:1])]), error["msg"], error["type"])
            for error in exc.errors()]) from exc
    return search_filtered(filters, cursor=cursor, limit=limit)


def search_filtered(filters: AuditFilters, *, cursor: str | None = None, limit: int | None = None
                    ) -> tuple[list[AuditEvent], str | None]:
    # exactly one query; the filters it does not cover become a FilterExpression
    if filters.entity:
        pattern, partitions = "entity", [repository.partition("entity", "#".join(filters.entity))]
    elif filters.actor:
        pattern, partitions = "actor", [repository.partition("actor", filters.actor)]
    elif filters.org:
        pattern, partitions = "org", [repository.partition("org", filters.org)]
    else:
        pattern, partitions = "day", [repository.partition("day", d.isoformat()) for d in _days(filters)]
    by_date = pattern != "day"  # the day partitions already are the range
    return repository.search(pattern, partitions, actor=filters.actor if pattern != "actor" else None,
                             org=filters.org if pattern != "org" else None, actor_kind=filters.actor_kind,
                             action=filters.action,
                             date_from=filters.date_from if by_date else None,
                             date_to=filters.date_to if by_date else None, cursor=cursor, limit=limit)


def _days(filters: AuditFilters) -> list[date]:
    """The days to query, newest first."""
    last = filters.date_to or clock.today()
    first = filters.date_from or (last - timedelta(days=DEFAULT_DAYS - 1))
    count = (last - first).days + 1
    if count > MAX_RANGE_DAYS:
        raise ValidationFailed(
            f"A date range without actor, entity or organization may span at most {MAX_RANGE_DAYS} days.",
            code="audit-range-too-long", max_days=MAX_RANGE_DAYS,
            errors=[FieldError("query.date_from", f"at most {MAX_RANGE_DAYS} days before date_to", "range")])
    return [last - timedelta(days=i) for i in range(count)]


def iterate(filters: AuditFilters) -> Iterator[AuditEvent]:
    """Every matching event, page by page."""
    cursor: str | None = None
    while True:
        items, cursor = search_filtered(filters, cursor=cursor, limit=EXPORT_PAGE)
        yield from items
        if cursor is None:
            return


def export(filters: AuditFilters | None = None, format: Literal["csv", "xlsx"] = "csv") -> bytes:
    """The matching events as a CSV (UTF-8 with BOM, RFC 4180) or XLSX file."""
    events = iterate(filters or AuditFilters())
    if format == "csv":
        return exporting.to_csv(events)
    if format == "xlsx":
        return exporting.to_xlsx(events)
    raise ValidationFailed("format must be csv or xlsx.", code="invalid-format")
