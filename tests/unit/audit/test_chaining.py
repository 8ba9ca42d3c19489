"""The chainer over the real (moto) stream of the audit table: every new event gets its place in its
chain exactly once, in the order it was written, whatever the stream redelivers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from tessera.audit import chaining, repository, service
from tessera.audit.models import GENESIS_HASH, AuditEvent
from tessera.audit.records import MARKER_DAYS
from tessera.audit.verification import verify_chain
from tessera.core import clock
from tests.audit_stream import Stream
from tests.aws_calls import recorded

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def stream(audit_table: str) -> Iterator[Stream]:
    with clock.frozen(T0):
        yield Stream()


def write(n: int, org_id: str | None = None) -> AuditEvent:
    clock.advance(timedelta(seconds=1))
    return service.record("license.update", "license", f"lic_{n}", actor_id="usr_1", actor_kind="staff",
                          org_id=org_id, after={"n": n})


def chained(chain: str) -> list[AuditEvent]:
    events = list(repository.walk_chain(chain))
    assert all(isinstance(e, AuditEvent) for e in events)
    return events  # type: ignore[return-value]


def raw(chain: str, sk: str) -> dict[str, Any] | None:
    return boto3.client("dynamodb").get_item(TableName="audit", Key={"pk": {"S": f"CHAIN#{chain}"},
                                                                       "sk": {"S": sk}}).get("Item")


def test_new_events_are_chained_in_the_order_they_were_written(stream: Stream) -> None:
    written = [write(n) for n in range(5)]
    with recorded() as calls:
        assert stream.deliver() == 1
    assert calls.by_operation("dynamodb") == {"BatchGetItem": 1, "TransactWriteItems": 5}
    events = chained("platform")
    assert [e.id for e in events] == [w.id for w in written]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH and events[0].prev_at is None
    for previous, event in itertools.pairwise(events):
        assert event.prev_hash == previous.hash and event.prev_at == previous.at
    assert all(e.hash == e.computed_hash() for e in events)
    head = repository.read_head("platform")
    assert head is not None and (head.seq, head.hash) == (5, events[-1].hash)
    # each new item is now a marker that outlives the stream's 24 h, and search finds the chained copy only
    marker = raw("platform", f"NEW#{written[0].id}")
    assert marker is not None and marker["chained_seq"] == {"N": "1"} and "action" not in marker
    assert int(marker["expires_at"]["N"]) == int((clock.now() + timedelta(days=MARKER_DAYS)).timestamp())
    found, _ = service.search(actor="usr_1")
    assert [(e.id, e.seq) for e in found] == [(w.id, 5 - i) for i, w in enumerate(reversed(written))]
    assert stream.read() == []  # chained items, markers and heads are not fed back to the chainer
    assert verify_chain("platform").model_dump() == {
        "valid": True, "checked": 5, "chain": "platform", "first_bad_seq": None, "code": "ok",
        "detail": "5 events verified from 1 up to 5"}


def test_two_chains_interleaved_each_in_its_own_order(stream: Stream) -> None:
    written = [write(n, org_id="org_a" if n % 2 else "org_b") for n in range(8)]
    stream.deliver(batch_size=3)
    for org in ("org_a", "org_b"):
        events = chained(org)
        assert [e.id for e in events] == [w.id for w in written if w.org_id == org]
        assert [e.seq for e in events] == [1, 2, 3, 4]
        assert verify_chain(org).valid
    assert repository.chains() == ["org_a", "org_b"]


def test_a_redelivered_batch_chains_nothing_twice(stream: Stream) -> None:
    for n in range(4):
        write(n, org_id="org_a")
    records = stream.read()
    assert chaining.chain_records(records) is None
    head = repository.read_head("org_a")
    assert chaining.chain_records(records) is None  # Lambda retried the whole batch
    assert chaining.chain_records(records[2:]) is None  # or a bisected half of it
    assert repository.read_head("org_a") == head
    assert [e.seq for e in chained("org_a")] == [1, 2, 3, 4]
    assert verify_chain("org_a").checked == 4


def test_a_failed_record_is_retried_and_none_after_it_overtakes_it(stream: Stream,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    written = [write(n, org_id="org_a") for n in range(5)]
    write_chained = repository.write_chained
    failures = {written[2].id: 2}  # throttled twice

    def flaky(event: AuditEvent, previous: Any) -> None:
        if failures.get(event.id):
            failures[event.id] -= 1
            raise RuntimeError("ProvisionedThroughputExceededException")
        write_chained(event, previous)

    monkeypatch.setattr(repository, "write_chained", flaky)
    assert stream.deliver() == 3  # the batch, then twice from the third record
    assert [e.id for e in chained("org_a")] == [w.id for w in written]
    assert verify_chain("org_a").valid


def test_an_event_deleted_before_it_was_chained_is_chained_from_the_stream(stream: Stream) -> None:
    first, second = write(1, org_id="org_a"), write(2, org_id="org_a")
    boto3.client("dynamodb").delete_item(TableName="audit", Key={"pk": {"S": "CHAIN#org_a"},
                                                                   "sk": {"S": f"NEW#{first.id}"}})
    stream.deliver()
    assert [e.id for e in chained("org_a")] == [first.id, second.id]


def test_an_item_that_is_not_an_event_is_skipped(stream: Stream) -> None:
    boto3.client("dynamodb").put_item(TableName="audit", Item={"pk": {"S": "CHAIN#org_a"},
                                                               "sk": {"S": "NEW#junk"}, "action": {"N": "1"}})
    event = write(1, org_id="org_a")
    stream.deliver()
    assert [e.id for e in chained("org_a")] == [event.id]


def test_a_head_moved_by_someone_else_is_read_again(stream: Stream, monkeypatch: pytest.MonkeyPatch) -> None:
    write(1, org_id="org_a")
    stream.deliver()
    second = write(2, org_id="org_a")
    monkeypatch.setattr(repository, "read_heads", lambda names: {})  # a stale view: "no head yet"
    stream.deliver()
    assert [(e.id, e.seq) for e in chained("org_a")][-1] == (second.id, 2)
    assert verify_chain("org_a").valid
