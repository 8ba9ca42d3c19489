"""The chainer: the only consumer of the audit table's stream gives every new event its place in its
chain (seq, prev_hash, hash), exactly once and in the order the stream delivers a chain's events.

A chain's events share a partition key, so they reach the stream in one shard, in the order they were
written, and Lambda runs one batch per shard at a time (ParallelizationFactor 1): one chainer per
chain, with no waiting on anyone. Exactly once comes from the conditions of `repository.write_chained`:
a redelivered record (a retried batch, a bisected one) finds its event's marker and is skipped; a
record whose chaining failed is reported, and the stream resumes from it, so no event is skipped and
none overtakes an earlier one of its chain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pynamodb.exceptions import TransactWriteError

from tessera.audit import repository
from tessera.audit.models import GENESIS_HASH, AuditEvent, format_at, parse_at
from tessera.audit.repository import Head
from tessera.core.observability import logger, metrics

MAX_ATTEMPTS = 3  # a head that moved under us (only after a shard split): read it again


class ChainMoved(Exception):
    """The head kept moving while this event was being chained."""


def link(event: AuditEvent, previous: Head | None) -> AuditEvent:
    """`event` as the next of its chain after `previous` (None: the first)."""
    chained = event.model_copy(update={
        "seq": previous.seq + 1 if previous else 1,
        "prev_hash": previous.hash if previous else GENESIS_HASH,
        "prev_at": parse_at(previous.at) if previous else None})
    chained.hash = chained.computed_hash()
    return chained


def chain_records(records: Iterable[dict[str, Any]]) -> str | None:
    """Chain the new events among stream `records`, in order. Returns the SequenceNumber of the first
    record that could not be chained (Lambda retries the batch from there), or None when all are done."""
    events: list[tuple[str, AuditEvent]] = []
    for record in records:
        change = record.get("dynamodb") or {}
        if record.get("eventName") != "INSERT" or "NewImage" not in change:
            continue
        try:
            event = repository.new_event_from_image(change["NewImage"])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # not written by tessera.audit: nothing to chain, and retrying would not change that
            logger.error("an audit item that is not an event was not chained",
                         extra={"keys": change.get("Keys"), "error": type(exc).__name__})
            continue
        if event is not None:
            events.append((change["SequenceNumber"], event))
    heads = repository.read_heads(event.chain for _, event in events)
    chained = 0
    for sequence_number, event in events:
        try:
            chained += _chain(event, heads)
        except Exception:
            logger.exception("an audit event could not be chained; the batch resumes from it",
                             extra={"event_id": event.id, "chain": event.chain})
            metrics.add_metric(name="audit_events_chained", unit="Count", value=chained)
            return sequence_number
    metrics.add_metric(name="audit_events_chained", unit="Count", value=chained)
    return None


def _chain(event: AuditEvent, heads: dict[str, Head]) -> int:
    """1 when `event` was chained now, 0 when it had been before (a redelivery)."""
    for _ in range(MAX_ATTEMPTS):
        previous = heads.get(event.chain)
        chained = link(event, previous)
        try:
            repository.write_chained(chained, previous)
        except TransactWriteError:
            if repository.chained_seq(event.chain, event.id) is not None:
                return 0
            head = repository.read_head(event.chain)
            if head is not None:
                heads[event.chain] = head
            continue
        assert chained.seq is not None and chained.hash is not None
        heads[event.chain] = Head(seq=chained.seq, hash=chained.hash, at=format_at(chained.at))
        return 1
    raise ChainMoved(f"the head of {event.chain} kept moving")
