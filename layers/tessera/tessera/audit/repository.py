"""The only code that touches the audit table.

Appending to a chain: read the head (1 GetItem), then write the event and move the head in one
TransactWriteItems, on condition that the head is still where it was read. A writer that loses the
race reads the head again (at most MAX_ATTEMPTS times, with jitter).

Another context can write its own change and the audit event in the same transaction, so neither
exists without the other:

    from tessera.audit import service as audit
    audit.append(entry, also=lambda tx: tx.save(license_record, condition=...))

`also` is called again on each attempt, so its conditions are evaluated afresh. A failure of the
caller's own condition is raised to the caller unchanged (its TransactWriteError, in which
`tessera.core.dynamo.refused` finds the caller's write that failed). A caller building the transaction
itself uses `transact_items(entry)` and `PreparedAppend.add_to(tx)`, and `lost_race(exc, prepared)` to
tell "another audit append came first, prepare again" from its own failure."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.transactions import TransactWrite

from tessera.audit.models import (
    GENESIS_HASH,
    AuditActor,
    AuditEntry,
    AuditEvent,
    diff,
    format_at,
    mask_snapshot,
    parse_at,
)
from tessera.audit.records import RETENTION_DAYS, SEQ_WIDTH, AuditEventRecord, ChainHeadRecord
from tessera.core import clock
from tessera.core.dynamo import bind_table, transaction
from tessera.core.errors import ServiceUnavailable
from tessera.core.ids import new_id
from tessera.core.pagination import InvalidCursor, clamp_limit, decode_cursor, encode_cursor

# Six writers racing for one chain head need up to six attempts now and then (measured with moto):
# ten, with each wait capped, keeps a busy chain answering within a few seconds instead of failing.
MAX_ATTEMPTS = 10
MIN_BACKOFF_SECONDS = 0.01
MAX_BACKOFF_SECONDS = 0.5
FILTERED_PAGE = 100  # items read per query when a filter may drop most of them
MAX_QUERIES_PER_PAGE = 100  # bounds one search call (≥ 92, so an empty 92-day range answers in one call)

AlsoWrite = Callable[[TransactWrite], None]


def bind(table_name: str) -> None:
    """Point every audit record at `table_name` (tests, the verify script)."""
    bind_table(AuditEventRecord, table_name)
    bind_table(ChainHeadRecord, table_name)


def chain_pk(chain: str) -> str:
    return f"CHAIN#{chain}"


def seq_sk(seq: int) -> str:
    return f"{seq:0{SEQ_WIDTH}d}"


# --- append ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    at: str


@dataclass
class PreparedAppend:
    """The event and the moved head, ready to join a TransactWrite."""

    event: AuditEvent
    record: AuditEventRecord
    head: ChainHeadRecord
    read_seq: int  # the head's seq when read; 0 = the chain did not exist

    def add_to(self, tx: TransactWrite) -> None:
        # ALL_OLD: a lost race shows up as a cancellation reason carrying this chain's item (see lost_race)
        tx.save(self.record, condition=AuditEventRecord.pk.does_not_exist(), return_values="ALL_OLD")
        head_condition = (ChainHeadRecord.pk.does_not_exist() if self.read_seq == 0
                          else ChainHeadRecord.seq == self.read_seq)
        tx.save(self.head, condition=head_condition, return_values="ALL_OLD")


def read_head(chain: str) -> Head | None:
    try:
        head = ChainHeadRecord.get(chain_pk(chain), "HEAD", consistent_read=True)
    except DoesNotExist:
        return None
    return Head(seq=int(head.seq), hash=head.hash, at=head.at)


def transact_items(entry: AuditEntry, chain: str = "main") -> PreparedAppend:
    """Read the head and build the next event of `chain` (1 GetItem, nothing written)."""
    head = read_head(chain)
    at = clock.now()
    seq = (head.seq if head else 0) + 1
    event = AuditEvent(**entry.model_dump(exclude={"before", "after"}), before=mask_snapshot(entry.before),
                       after=mask_snapshot(entry.after), diff=diff(entry.before, entry.after),
                       id=new_id("aud"), chain=chain, seq=seq, at=at,
                       prev_at=parse_at(head.at) if head else None,
                       prev_hash=head.hash if head else GENESIS_HASH, hash="")
    event.hash = event.computed_hash()
    at_text = format_at(at)
    record = AuditEventRecord(
        pk=chain_pk(chain), sk=seq_sk(seq), event_id=event.id, chain=chain, seq=seq, at=at_text,
        prev_at=head.at if head else None, prev_hash=event.prev_hash, hash=event.hash,
        actor_id=entry.actor.id, actor_kind=entry.actor.kind, actor_display=entry.actor.display,
        actor_roles=list(entry.actor.roles), action=entry.action, entity_type=entry.entity_type,
        entity_id=entry.entity_id, org_id=entry.org_id, before=_json(event.before), after=_json(event.after),
        diff=json.dumps(event.diff, ensure_ascii=False, sort_keys=True), reason=entry.reason,
        request_id=entry.request_id, ip=entry.ip, user_agent=entry.user_agent,
        at_key=f"{at_text}#{event.id}", actor_key=f"ACTOR#{entry.actor.id}",
        entity_key=f"ENTITY#{entry.entity_type}#{entry.entity_id}",
        org_key=f"ORG#{entry.org_id}" if entry.org_id else None, day_key=f"DAY#{at_text[:10]}",
        expires_at=at + timedelta(days=RETENTION_DAYS))
    new_head = ChainHeadRecord(pk=chain_pk(chain), sk="HEAD", seq=seq, hash=event.hash, at=at_text)
    return PreparedAppend(event=event, record=record, head=new_head, read_seq=head.seq if head else 0)


def lost_race(exc: TransactWriteError, prepared: PreparedAppend) -> bool:
    """True when the transaction failed because another append moved this chain first."""
    pk = {"S": prepared.head.pk}
    return any(reason is not None and reason.code == "ConditionalCheckFailed"
               and (reason.raw_item or {}).get("pk") == pk for reason in exc.cancellation_reasons)


def append(entry: AuditEntry, chain: str = "main", *, also: AlsoWrite | None = None) -> AuditEvent:
    for attempt in range(MAX_ATTEMPTS):
        started = time.monotonic()
        prepared = transact_items(entry, chain)
        try:
            with transaction() as tx:
                if also is not None:
                    also(tx)
                prepared.add_to(tx)
        except TransactWriteError as exc:
            if not lost_race(exc, prepared):
                raise
            if attempt + 1 < MAX_ATTEMPTS:
                # Exponential backoff with full jitter, in units of what an attempt took here, so it
                # fits DynamoDB, the local cloud and slower compatible stores alike (random: not security).
                unit = max(time.monotonic() - started, MIN_BACKOFF_SECONDS)
                time.sleep(random.uniform(0, min(unit * 2**attempt, MAX_BACKOFF_SECONDS)))  # noqa: S311
            continue
        return prepared.event
    raise ServiceUnavailable("The audit log is busy. Try again.", code="audit-busy")


# --- reading ---------------------------------------------------------------------------------------

def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def to_event(record: AuditEventRecord) -> AuditEvent:
    return AuditEvent(
        id=record.event_id, chain=record.chain, seq=int(record.seq), at=parse_at(record.at),
        prev_at=parse_at(record.prev_at) if record.prev_at else None, prev_hash=record.prev_hash, hash=record.hash,
        actor=AuditActor(id=record.actor_id, kind=record.actor_kind, display=record.actor_display,
                         roles=list(record.actor_roles or [])),
        action=record.action, entity_type=record.entity_type, entity_id=record.entity_id, org_id=record.org_id,
        before=_loads(record.before), after=_loads(record.after), diff=_loads(record.diff) or {},
        reason=record.reason, request_id=record.request_id, ip=record.ip, user_agent=record.user_agent)


@dataclass(frozen=True)
class Unreadable:
    """A stored event that no longer parses (edited by hand): verification reports it as tampered."""

    seq: int
    error: str


def walk_chain(chain: str, upto_seq: int | None = None) -> Iterator[AuditEvent | Unreadable]:
    """Events of `chain` in seq order, strongly consistent, page by page (never the whole chain in memory)."""
    upper = seq_sk(upto_seq) if upto_seq is not None else "9" * SEQ_WIDTH  # "HEAD" sorts above every seq
    pages = AuditEventRecord.query(chain_pk(chain), AuditEventRecord.sk <= upper, consistent_read=True,
                                   page_size=500).page_iter
    for page in pages:
        for raw in page.get("Items", []):
            try:  # raw items, so that one bad attribute type is a finding, not a crash
                yield to_event(AuditEventRecord.from_raw_data(raw))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                sk = raw.get("sk", {}).get("S", "")
                yield Unreadable(seq=int(sk) if sk.isdigit() else -1, error=type(exc).__name__)


# --- search ----------------------------------------------------------------------------------------

_INDEXES = {"actor": AuditEventRecord.gsi_actor, "entity": AuditEventRecord.gsi_entity,
            "org": AuditEventRecord.gsi_org, "day": AuditEventRecord.gsi_day}


def partition(pattern: str, value: str) -> str:
    return {"actor": "ACTOR#", "entity": "ENTITY#", "org": "ORG#", "day": "DAY#"}[pattern] + value


def search(pattern: str, partitions: list[str], *, actor: str | None = None, org: str | None = None,
           actor_kind: str | None = None, action: str | None = None, date_from: date | None = None,
           date_to: date | None = None, cursor: str | None = None, limit: int | None = None,
           ) -> tuple[list[AuditEvent], str | None]:
    """Newest first across `partitions` (already newest first) of one GSI, filling the page from the
    next partition when one runs out; actor, org, actor_kind and action (exact, or "auth.*") filter
    what it reads.
    The cursor names the pattern and the partition it continues."""
    size = clamp_limit(limit)
    filter_condition = _filter(actor=actor, org=org, actor_kind=actor_kind, action=action)
    index = _INDEXES[pattern]
    hash_attr = index._hash_key_attribute().attr_name
    start, lek = _resume(cursor, pattern, partitions, hash_attr)
    range_condition = None
    if date_from or date_to:
        # at_key is "<YYYY-MM-DDTHH…>#id": "~" sorts after "T", so the upper bound includes all of date_to
        low = (date_from or date.min).isoformat()
        high = f"{(date_to or date.max).isoformat()}~"
        range_condition = AuditEventRecord.at_key.between(low, high)
    key_names = ("pk", "sk", hash_attr, "at_key")
    # a filter may drop most of what a query reads: then read 100 at a time instead of just what is missing
    filtered = filter_condition is not None
    items: list[AuditEvent] = []
    queries = 0
    for position in range(start, len(partitions)):
        pk = partitions[position]
        pages = index.query(pk, range_key_condition=range_condition, filter_condition=filter_condition,
                            last_evaluated_key=lek, scan_index_forward=False,
                            page_size=FILTERED_PAGE if filtered else size - len(items)).page_iter
        lek = None
        for page in pages:
            queries += 1
            raw_items = page.get("Items", [])
            wanted = size - len(items)
            items.extend(to_event(AuditEventRecord.from_raw_data(raw)) for raw in raw_items[:wanted])
            if len(raw_items) > wanted:  # page cut short: continue after the last item taken
                last = raw_items[wanted - 1]
                return items, encode_cursor({"q": pattern, "pk": pk, "k": {k: last[k] for k in key_names}})
            if pages.last_evaluated_key is None:
                break
            if len(items) >= size or queries >= MAX_QUERIES_PER_PAGE:
                return items, encode_cursor({"q": pattern, "pk": pk, "k": pages.last_evaluated_key})
            if not filtered:
                pages.page_size = size - len(items)
        if position + 1 < len(partitions) and (len(items) >= size or queries >= MAX_QUERIES_PER_PAGE):
            return items, encode_cursor({"q": pattern, "pk": partitions[position + 1], "k": None})
    return items, None


def _filter(*, actor: str | None, org: str | None, actor_kind: str | None, action: str | None) -> Any:
    record = AuditEventRecord
    conditions: list[Any] = []
    if actor:
        conditions.append(record.actor_id == actor)
    if org:
        conditions.append(record.org_id == org)
    if actor_kind:
        conditions.append(record.actor_kind == actor_kind)
    if action:
        conditions.append(record.action.startswith(action[:-1]) if action.endswith(".*") else record.action == action)
    condition = None
    for item in conditions:
        condition = item if condition is None else condition & item
    return condition


def _resume(cursor: str | None, pattern: str, partitions: list[str], hash_attr: str
            ) -> tuple[int, dict[str, Any] | None]:
    position = decode_cursor(cursor)
    if position is None:
        return 0, None
    lek = position.get("k")
    pk = position.get("pk")
    # the cursor must continue this very search: same index, a partition of it, a key inside that partition
    if (position.get("q") != pattern or pk not in partitions
            or (lek is not None and (not isinstance(lek, dict) or lek.get(hash_attr) != {"S": pk}))):
        raise InvalidCursor("issued for other filters")
    return partitions.index(pk), lek
