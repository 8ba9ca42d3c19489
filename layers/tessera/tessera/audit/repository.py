"""The only code that touches the audit table (the layout is in tessera.audit.records).

Writing: an event is one PutItem of its own key, alone or as one more item of the caller's
transaction (`write_with`), with no read: nothing a request writes is shared with another request.

Chaining (the stream consumer only): `write_chained` writes the event at its seq, leaves a marker at the key
it was written under and moves the head, in one transaction whose conditions make it happen once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from tessera.audit.models import AuditActor, AuditEvent, format_at, parse_at
from tessera.audit.records import (
    JOB_DAYS,
    MARKER_DAYS,
    RETENTION_DAYS,
    SEQ_WIDTH,
    AuditEventRecord,
    ChainedMarkerRecord,
    ChainHeadRecord,
    ChainRecord,
    VerifyJobRecord,
)
from tessera.core import clock
from tessera.core.dynamo import bind_table, transaction
from tessera.core.pagination import InvalidCursor, clamp_limit, decode_cursor, encode_cursor

FILTERED_PAGE = 100  # items read per query when a filter may drop most of them
MAX_QUERIES_PER_PAGE = 100  # bounds one search call (≥ 92, so an empty 92-day range answers in one call)
WALK_PAGE = 200  # events per query when walking a chain
CHAINS = "CHAINS"
NEW = "NEW#"


def bind(table_name: str) -> None:
    """Point every audit record at `table_name` (tests, the verify script)."""
    for record in (AuditEventRecord, ChainedMarkerRecord, ChainHeadRecord, ChainRecord, VerifyJobRecord):
        bind_table(record, table_name)


def chain_pk(chain: str) -> str:
    return f"CHAIN#{chain}"


def seq_sk(seq: int) -> str:
    return f"{seq:0{SEQ_WIDTH}d}"


def new_sk(event_id: str) -> str:
    return f"{NEW}{event_id}"



def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def to_record(event: AuditEvent) -> AuditEventRecord:
    """The event's item: under its own new key until it is chained, at its seq once it is."""
    at_text = format_at(event.at)
    return AuditEventRecord(
        pk=chain_pk(event.chain), sk=new_sk(event.id) if event.seq is None else seq_sk(event.seq),
        event_id=event.id, chain=event.chain, seq=event.seq, at=at_text,
        prev_at=format_at(event.prev_at) if event.prev_at else None, prev_hash=event.prev_hash, hash=event.hash,
        actor_id=event.actor.id, actor_kind=event.actor.kind, actor_display=event.actor.display,
        actor_roles=list(event.actor.roles), action=event.action, entity_type=event.entity_type,
        entity_id=event.entity_id, org_id=event.org_id, before=_json(event.before), after=_json(event.after),
        diff=json.dumps(event.diff, ensure_ascii=False, sort_keys=True), reason=event.reason,
        request_id=event.request_id, ip=event.ip, user_agent=event.user_agent,
        at_key=f"{at_text}#{event.id}", actor_key=f"ACTOR#{event.actor.id}",
        entity_key=f"ENTITY#{event.entity_type}#{event.entity_id}",
        org_key=f"ORG#{event.org_id}" if event.org_id else None, day_key=f"DAY#{at_text[:10]}",
        expires_at=event.at + timedelta(days=RETENTION_DAYS))


# The event's key is its own: the condition fails only if this very event was written already.

def save_event(event: AuditEvent) -> None:
    """An event that comes with no other change: one PutItem."""
    to_record(event).save(condition=AuditEventRecord.pk.does_not_exist())


def write_with(change: Callable[[TransactWrite], None], event: AuditEvent) -> None:
    """The caller's writes (`change` adds them) and the event in one TransactWriteItems."""
    with transaction() as tx:
        change(tx)
        tx.save(to_record(event), condition=AuditEventRecord.pk.does_not_exist())


# --- chaining --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    at: str


def _head(record: ChainHeadRecord) -> Head:
    return Head(seq=int(record.seq), hash=record.hash, at=record.at)


def read_head(chain: str) -> Head | None:
    try:
        return _head(ChainHeadRecord.get(chain_pk(chain), "HEAD", consistent_read=True))
    except DoesNotExist:
        return None


def read_heads(names: Iterable[str]) -> dict[str, Head]:
    """The heads of the chains `names` that exist (BatchGetItem, 100 a call, strongly consistent)."""
    keys = [(chain_pk(name), "HEAD") for name in dict.fromkeys(names)]
    return {record.pk.removeprefix("CHAIN#"): _head(record)
            for record in ChainHeadRecord.batch_get(keys, consistent_read=True)}


def new_event_from_image(image: dict[str, Any]) -> AuditEvent | None:
    """The event a stream record's NewImage carries, or None when it is not a new event (a marker)."""
    sk = (image.get("sk") or {}).get("S", "")
    if not sk.startswith(NEW) or "chained_seq" in image:
        return None
    return to_event(AuditEventRecord.from_raw_data(image))


def write_chained(event: AuditEvent, previous: Head | None) -> None:
    """Write the chained `event` at its seq, replace its new item with a marker and move the head from
    `previous`, all or nothing. Fails (TransactWriteError) when the event was chained already (the
    marker is there) or the head moved; `chained_seq` tells the two apart."""
    assert event.seq is not None and event.hash is not None
    record = to_record(event)
    marker = ChainedMarkerRecord(pk=record.pk, sk=new_sk(event.id), chained_seq=event.seq,
                                 expires_at=clock.now() + timedelta(days=MARKER_DAYS))
    head = ChainHeadRecord(pk=record.pk, sk="HEAD", seq=event.seq, hash=event.hash, at=record.at)
    with transaction() as tx:
        tx.save(record, condition=AuditEventRecord.pk.does_not_exist())
        # a Put, not a Delete: if the new item was deleted before it was chained, the marker still stops a
        # redelivery, and the event is chained from the stream's copy all the same
        tx.save(marker, condition=ChainedMarkerRecord.chained_seq.does_not_exist())
        tx.save(head, condition=ChainHeadRecord.pk.does_not_exist() if previous is None
                else ChainHeadRecord.seq == previous.seq)
        if previous is None:
            tx.save(ChainRecord(pk=CHAINS, sk=event.chain, created_at=record.at))


def chained_seq(chain: str, event_id: str) -> int | None:
    """The seq the event was chained as, from its marker; None if it is not chained (yet)."""
    try:
        marker = ChainedMarkerRecord.get(chain_pk(chain), new_sk(event_id), consistent_read=True)
    except DoesNotExist:
        return None
    return None if marker.chained_seq is None else int(marker.chained_seq)


# --- reading ---------------------------------------------------------------------------------------

def to_event(record: AuditEventRecord) -> AuditEvent:
    return AuditEvent(
        id=record.event_id, chain=record.chain, seq=None if record.seq is None else int(record.seq),
        at=parse_at(record.at), prev_at=parse_at(record.prev_at) if record.prev_at else None,
        prev_hash=record.prev_hash, hash=record.hash,
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


def walk_chain(chain: str, from_seq: int = 1, upto_seq: int | None = None) -> Iterator[AuditEvent | Unreadable]:
    """Chained events of `chain` from `from_seq` in seq order, strongly consistent, page by page."""
    upper = seq_sk(upto_seq) if upto_seq is not None else "9" * SEQ_WIDTH  # "HEAD", "NEW#…" sort above
    pages = AuditEventRecord.query(chain_pk(chain), AuditEventRecord.sk.between(seq_sk(from_seq), upper),
                                   consistent_read=True, page_size=WALK_PAGE).page_iter
    for page in pages:
        for raw in page.get("Items", []):
            try:  # raw items, so that one bad attribute type is a finding, not a crash
                event = to_event(AuditEventRecord.from_raw_data(raw))
                if event.seq is None:
                    raise ValueError("no seq")
                yield event
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                sk = raw.get("sk", {}).get("S", "")
                yield Unreadable(seq=int(sk) if sk.isdigit() else -1, error=type(exc).__name__)


def last_chained_before(chain: str, upto_seq: int, before: datetime) -> AuditEvent | None:
    """The newest chained event of `chain` at or below `upto_seq` written before `before` (walking back
    from `upto_seq`: a checkpoint's position at the end of a day)."""
    bound = format_at(before)
    for record in AuditEventRecord.query(chain_pk(chain), AuditEventRecord.sk <= seq_sk(upto_seq),
                                         scan_index_forward=False, consistent_read=True, page_size=WALK_PAGE):
        if record.at < bound:
            return to_event(record)
    return None


def unchained_before(chain: str, before: datetime) -> list[AuditEvent]:
    """New events of `chain` written before `before` and still not chained."""
    bound = format_at(before)
    records = AuditEventRecord.query(chain_pk(chain), AuditEventRecord.sk.startswith(NEW),
                                     filter_condition=AuditEventRecord.at < bound, consistent_read=True)
    return [to_event(record) for record in records]


def chains(after: str | None = None, limit: int = 100) -> list[str]:
    """Chain names in order, `limit` after `after`."""
    condition = ChainRecord.sk > after if after is not None else None
    return [record.sk for record in ChainRecord.query(CHAINS, condition, limit=limit, consistent_read=True)]


# --- verification jobs -----------------------------------------------------------------------------

def new_job(job_id: str, full: bool, requested_by: str) -> VerifyJobRecord:
    now = clock.now()
    record = VerifyJobRecord(pk=f"JOB#{job_id}", sk="JOB", job_id=job_id, status="queued", full=full,
                             requested_by=requested_by, created_at=now, updated_at=now,
                             expires_at=now + timedelta(days=JOB_DAYS))
    record.save(condition=VerifyJobRecord.pk.does_not_exist())
    return record


def find_job(job_id: str) -> VerifyJobRecord | None:
    try:
        return VerifyJobRecord.get(f"JOB#{job_id}", "JOB", consistent_read=True)
    except DoesNotExist:
        return None


def save_job(record: VerifyJobRecord) -> None:
    """Save progress; fails (optimistic locking) if another worker saved the job since it was read."""
    record.updated_at = clock.now()
    record.save()


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
