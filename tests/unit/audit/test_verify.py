"""Verification of chained events: what an edit, a deletion or a forged head looks like, and what
TTL expiry does not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from tessera.audit import repository, service
from tessera.audit.models import AuditEvent
from tessera.audit.records import RETENTION_DAYS
from tessera.audit.verification import unchained, verify_chain
from tessera.core import clock
from tests.audit_stream import Stream

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
CHAIN = "org_01ABC"


def write(n: int) -> None:
    service.record("license.update", "license", f"lic_{n}", actor_id="usr_1", actor_kind="staff", org_id=CHAIN,
                   before={"seats": n}, after={"seats": n + 1})


def key(seq: int | str) -> dict[str, dict[str, str]]:
    return {"pk": {"S": f"CHAIN#{CHAIN}"}, "sk": {"S": seq if isinstance(seq, str) else f"{seq:012d}"}}


def update(seq: int | str, expression: str, values: dict[str, dict[str, str]],
           names: dict[str, str] | None = None) -> None:
    boto3.client("dynamodb").update_item(TableName="audit", Key=key(seq), UpdateExpression=expression,
                                         ExpressionAttributeValues=values, **({"ExpressionAttributeNames": names}
                                                                             if names else {}))


def delete(seq: int | str) -> None:
    boto3.client("dynamodb").delete_item(TableName="audit", Key=key(seq))


def verdict() -> tuple[bool, str, int | None, int]:
    result = verify_chain(CHAIN)
    return result.valid, result.code, result.first_bad_seq, result.checked


@pytest.fixture
def five(audit_table: str) -> Iterator[Stream]:
    with clock.frozen(T0):
        stream = Stream()
        for n in range(1, 6):
            write(n)
            clock.advance(timedelta(minutes=1))
        stream.deliver()
        yield stream


def test_an_intact_chain_verifies(five: Stream) -> None:
    assert verdict() == (True, "ok", None, 5)
    assert verify_chain("nothing").model_dump() == {"valid": True, "checked": 0, "chain": "nothing",
                                                    "first_bad_seq": None, "code": "ok", "detail": "the chain is empty"}


def test_edited_event_is_a_hash_mismatch(five: Stream) -> None:
    update(3, "SET #a = :v", {":v": {"S": json.dumps({"seats": 999})}}, {"#a": "after"})
    assert verdict() == (False, "hash_mismatch", 3, 2)


def test_unreadable_event_is_a_hash_mismatch(five: Stream) -> None:
    update(2, "SET diff = :v", {":v": {"S": "{not json"}})
    assert verdict()[1:3] == ("hash_mismatch", 2)
    update(4, "SET seq = :v", {":v": {"S": "four"}})  # a wrong attribute type
    update(2, "SET diff = :v", {":v": {"S": json.dumps({"seats": [2, 3]})}})
    assert verdict() == (False, "hash_mismatch", 4, 3)


def test_rehashed_event_still_breaks_the_chain(five: Stream) -> None:
    # an editor who also recomputes the edited event's own hash is caught by the next event
    event = next(e for e in repository.walk_chain(CHAIN, 2) if isinstance(e, AuditEvent))
    forged = event.model_copy(update={"reason": "nothing to see"})
    forged.hash = forged.computed_hash()
    update(2, "SET reason = :r, #h = :h", {":r": {"S": "nothing to see"}, ":h": {"S": forged.hash}}, {"#h": "hash"})
    assert verdict()[1:3] == ("hash_mismatch", 3)


def test_deleted_event_is_a_seq_gap(five: Stream) -> None:
    delete(3)
    assert verdict() == (False, "seq_gap", 3, 2)


def test_deleted_last_event_or_head_is_a_head_mismatch(five: Stream) -> None:
    delete(5)
    assert verdict() == (False, "head_mismatch", 5, 4)
    delete("HEAD")
    assert verdict()[:2] == (False, "head_mismatch")


def test_forged_head_is_a_head_mismatch(five: Stream) -> None:
    update("HEAD", "SET #h = :h", {":h": {"S": "f" * 64}}, {"#h": "hash"})
    assert verdict()[1:3] == ("head_mismatch", 5)


def test_events_aged_out_by_ttl_are_not_a_gap(five: Stream) -> None:
    clock.advance(timedelta(days=RETENTION_DAYS + 1))
    write(6)
    write(7)
    five.deliver()
    for seq in (1, 2, 4):  # TTL deletes expired items in no particular order
        delete(seq)
    assert verdict()[:2] == (True, "ok")
    delete(6)  # not expired: a deletion
    assert verdict()[1:3] == ("seq_gap", 6)


def test_a_chain_entirely_aged_out_is_valid(five: Stream) -> None:
    clock.advance(timedelta(days=RETENTION_DAYS + 1))
    for seq in range(1, 6):
        delete(seq)
    assert verdict()[0]


def test_an_event_left_unchained_is_found(five: Stream) -> None:
    write(6)  # the stream never delivers it
    assert unchained(CHAIN) is None  # the chainer takes seconds: not late yet
    clock.advance(timedelta(minutes=16))
    finding = unchained(CHAIN)
    assert finding is not None and (finding.code, finding.chain) == ("unchained", CHAIN)
    assert finding.detail.startswith("1 events are not chained")
    five.deliver()
    assert unchained(CHAIN) is None
