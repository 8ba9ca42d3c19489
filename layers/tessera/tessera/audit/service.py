"""The way into audit: record an event, search, verify a chain, export."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError as PydanticValidationError

from tessera.audit import export as exporting
from tessera.audit import repository
from tessera.audit.models import (
    CHAIN_PATTERN,
    GENESIS_HASH,
    AuditActor,
    AuditEntry,
    AuditEvent,
    AuditFilters,
    VerifyCode,
    VerifyResult,
    parse_at,
)
from tessera.audit.records import RETENTION_DAYS
from tessera.audit.repository import AlsoWrite, PreparedAppend, Unreadable, lost_race
from tessera.core import clock
from tessera.core.errors import FieldError, ValidationFailed
from tessera.core.request import RequestInfo

MAX_RANGE_DAYS = 92  # a day-by-day search queries one partition per day
DEFAULT_DAYS = 7
EXPORT_PAGE = 100

__all__ = ["AuditActor", "AuditEntry", "AuditEvent", "AuditFilters", "PreparedAppend", "VerifyResult", "append",
           "export", "lost_race", "record", "search", "search_filtered", "transact_items", "verify"]


def record(action: str, entity_type: str, entity_id: str, *, actor_id: str, actor_kind: str,
           actor_display: str | None = None, actor_roles: Sequence[str] = (), request: RequestInfo | None = None,
           org_id: str | None = None, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           reason: str | None = None, chain: str = "main") -> AuditEvent:
    """Write the audit event of a mutation (or a staff read of customer data), after it was validated,
    in the request that makes it. 1 GetItem + 1 TransactWriteItems of 2 items."""
    request = request or RequestInfo()
    entry = AuditEntry(actor=AuditActor(id=actor_id, kind=actor_kind, display=actor_display,
                                        roles=list(actor_roles)),
                       action=action, entity_type=entity_type, entity_id=entity_id, org_id=org_id, before=before,
                       after=after, reason=reason, request_id=request.request_id, ip=request.ip,
                       user_agent=request.user_agent)
    return append(entry, chain)


def append(entry: AuditEntry, chain: str = "main", *, also: AlsoWrite | None = None) -> AuditEvent:
    """Append `entry` to `chain`; with `also`, the caller's own writes go in the same transaction
    (see tessera.audit.repository for how conflicts are told apart)."""
    return repository.append(entry, _chain(chain), also=also)


def transact_items(entry: AuditEntry, chain: str = "main") -> PreparedAppend:
    """The audit event and head move for a transaction the caller builds: `prepared.add_to(tx)`; on a
    TransactWriteError for which `lost_race(exc, prepared)` is true, prepare again and retry."""
    return repository.transact_items(entry, _chain(chain))


def _chain(name: str) -> str:
    if not re.fullmatch(CHAIN_PATTERN, name):
        raise ValidationFailed("Not a valid audit chain name.", code="invalid-chain")
    return name


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


# --- verification ----------------------------------------------------------------------------------

def verify(chain: str = "main") -> VerifyResult:
    """Walk `chain` in seq order: each event's hash recomputed from its stored fields and its
    predecessor's hash, no seq missing, and the head pointing at the last event. Gaps left by TTL
    (events older than the retention) are accepted: the event after the gap says when its
    predecessor was written."""
    head = repository.read_head(_chain(chain))  # first: appends after this moment are not checked
    expected, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in repository.walk_chain(chain, head.seq if head else None):
        if isinstance(event, Unreadable):
            return _bad("hash_mismatch", event.seq, checked, f"event {event.seq} cannot be read ({event.error})")
        if event.seq != expected:
            if not (event.seq > expected and event.prev_at is not None and _expired(event.prev_at)):
                return _bad("seq_gap", expected, checked, f"event {expected} is missing (next is {event.seq})")
            prev_hash = event.prev_hash  # aged out by TTL: continue from what the survivor says
        if event.prev_hash != prev_hash or event.hash != event.computed_hash():
            return _bad("hash_mismatch", event.seq, checked, f"event {event.seq} does not match its hash")
        prev_hash, expected, checked = event.hash, event.seq + 1, checked + 1
    if head is None:
        if checked:
            return _bad("head_mismatch", 1, checked, "the chain has events but no head")
        return VerifyResult(valid=True, checked=0, code="ok", detail="the chain is empty")
    if expected - 1 != head.seq and not _expired(parse_at(head.at)):
        return _bad("head_mismatch", expected, checked, f"the head is at {head.seq}, the events end at {expected - 1}")
    if expected - 1 == head.seq and prev_hash != head.hash:
        return _bad("head_mismatch", head.seq, checked, "the head's hash differs from the last event's")
    return VerifyResult(valid=True, checked=checked, code="ok", detail=f"{checked} events verified up to {head.seq}")


def _expired(at: datetime) -> bool:
    return at + timedelta(days=RETENTION_DAYS) <= clock.now()


def _bad(code: VerifyCode, seq: int, checked: int, detail: str) -> VerifyResult:
    return VerifyResult(valid=False, checked=checked, first_bad_seq=seq, code=code, detail=detail)
