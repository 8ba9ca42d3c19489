"""The only code that touches the notify table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from tessera.core.dynamo import refused, set_or_remove, transaction
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.notify.records import DeliveryRecord, OnceRecord, PreferencesRecord

MAX_TRANSACTION_ITEMS = 100


def preferences_key(owner_kind: str, owner_id: str) -> tuple[str, str]:
    return (f"ORG#{owner_id}", "PREFS") if owner_kind == "org" else ("STAFF", f"USER#{owner_id}")


def find_preferences(owner_kind: str, owner_id: str) -> PreferencesRecord | None:
    try:
        return PreferencesRecord.get(*preferences_key(owner_kind, owner_id), consistent_read=True)
    except DoesNotExist:
        return None


def staff_preferences() -> list[PreferencesRecord]:
    """Every staff user's preferences: one query (staff are tens, not thousands)."""
    return list(PreferencesRecord.query("STAFF", PreferencesRecord.sk.startswith("USER#")))


def add_saves(tx: Any, items: Iterable[Any]) -> None:
    """Put items into a transaction someone else runs (the audit append carries them)."""
    for item in items:
        tx.save(item)


def save_all(items: Sequence[Any]) -> None:
    """New items, batched (25 a call)."""
    with DeliveryRecord.batch_write() as batch:
        for item in items:
            batch.save(item)


def claim_and_save(marker: OnceRecord, deliveries: Sequence[DeliveryRecord]) -> bool:
    """The once-only guard: the marker (on the condition that it does not exist) and the deliveries,
    together. False when the marker exists: this notice already went out, nothing is written."""
    first, rest = list(deliveries[:MAX_TRANSACTION_ITEMS - 1]), list(deliveries[MAX_TRANSACTION_ITEMS - 1:])
    try:
        with transaction() as tx:
            tx.save(marker, condition=OnceRecord.pk.does_not_exist(), return_values="ALL_OLD")
            for delivery in first:
                tx.save(delivery)
    except TransactWriteError as exc:
        if refused(exc, marker):
            return False
        raise
    for delivery in rest:  # more recipients than one transaction holds: rare, and the marker is written
        delivery.save()
    return True


def find_delivery(delivery_id: str) -> DeliveryRecord | None:
    try:
        return DeliveryRecord.get(f"DLV#{delivery_id}", "DELIVERY", consistent_read=True)
    except DoesNotExist:
        return None


def record_outcome(delivery: DeliveryRecord, expected_attempts: int) -> bool:
    """Save a send's outcome, unless another worker recorded an attempt meanwhile (then False)."""
    actions = [DeliveryRecord.status.set(delivery.status), DeliveryRecord.attempts.set(delivery.attempts),
               DeliveryRecord.updated_at.set(delivery.updated_at),
               *(set_or_remove(getattr(DeliveryRecord, name), getattr(delivery, name))
                 for name in ("provider_message_id", "error", "sent_at", "retry_key"))]
    try:
        delivery.update(actions=actions, condition=DeliveryRecord.attempts == expected_attempts)
        return True
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def claim_attempt(delivery: DeliveryRecord, now: datetime) -> bool:
    """Mark a retry as in progress (attempts + 1 on the condition it is still what we read), so two
    retries of one delivery never both send."""
    try:
        delivery.update(actions=[DeliveryRecord.status.set("pending"), DeliveryRecord.updated_at.set(now),
                                 DeliveryRecord.attempts.set(DeliveryRecord.attempts + 1)],
                        condition=(DeliveryRecord.attempts == int(delivery.attempts))
                        & (DeliveryRecord.status != "sent"))
        return True
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


def deliveries(*, org_id: str | None, audience: str | None, channel: str | None, event: str | None,
               status: str | None, since: str | None, until: str | None, cursor: str | None,
               limit: int | None) -> tuple[Sequence[DeliveryRecord], str | None]:
    """Newest first: one query of by_org (a customer's) or by_list (all), the rest as filters."""
    index = DeliveryRecord.by_org if org_id else DeliveryRecord.by_list
    hash_key = f"ORG#{org_id}" if org_id else "LOG"
    range_condition: Any = None
    if since and until:
        range_condition = DeliveryRecord.at_key.between(since, until + "~")
    elif since:
        range_condition = DeliveryRecord.at_key >= since
    elif until:
        range_condition = DeliveryRecord.at_key <= until + "~"
    conditions = [condition for condition in (
        DeliveryRecord.audience == audience if audience else None,
        DeliveryRecord.channel == channel if channel else None,
        DeliveryRecord.event == event if event else None,
        DeliveryRecord.status == status if status else None) if condition is not None]
    filter_condition = None
    for condition in conditions:
        filter_condition = condition if filter_condition is None else filter_condition & condition
    scope = f"deliveries:{hash_key}:{since or ''}:{until or ''}"
    result = index.query(hash_key, range_key_condition=range_condition, filter_condition=filter_condition,
                         scan_index_forward=False, limit=clamp_limit(limit),
                         last_evaluated_key=decode_cursor(cursor, scope))
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)


def due_retries(until_key: str, limit: int = 100) -> list[DeliveryRecord]:
    """Failed deliveries still due a retry, oldest first, created up to `until_key`."""
    return list(DeliveryRecord.by_retry.query("RETRY", DeliveryRecord.at_key <= until_key, limit=limit))


def once_exists(keys: Sequence[str]) -> set[str]:
    """Which of these markers exist (BatchGetItem, 100 keys a call)."""
    found: set[str] = set()
    for start in range(0, len(keys), 100):
        chunk = [(f"ONCE#{key}", "ONCE") for key in keys[start:start + 100]]
        for item in OnceRecord.batch_get(chunk):
            found.add(item.pk[len("ONCE#"):])
    return found
