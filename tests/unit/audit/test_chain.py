from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from tessera.audit import repository, service
from tessera.audit.models import GENESIS_HASH, AuditActor, AuditEntry
from tessera.audit.records import RETENTION_DAYS
from tessera.core import clock
from tessera.core.dynamo import BaseRecord, bind_table, record_meta, transaction
from tessera.core.errors import ServiceUnavailable, ValidationFailed
from tessera.core.request import RequestInfo
from tests.aws_calls import recorded

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
ACTOR = AuditActor(id="usr_staff", kind="staff", display="Анна", roles=["admin"])


def entry(n: int = 0, **changes: Any) -> AuditEntry:
    values: dict[str, Any] = {"actor": ACTOR, "action": "license.update", "entity_type": "license",
                              "entity_id": f"lic_{n}", "before": {"seats": n}, "after": {"seats": n + 1},
                              "request_id": f"req-{n}", **changes}
    return AuditEntry(**values)


def raw(seq: int, chain: str = "main") -> dict[str, Any]:
    item = boto3.client("dynamodb").get_item(TableName="audit",
                                             Key={"pk": {"S": f"CHAIN#{chain}"}, "sk": {"S": f"{seq:012d}"}})
    return item["Item"]


def delete(seq: int, chain: str = "main") -> None:
    boto3.client("dynamodb").delete_item(TableName="audit",
                                         Key={"pk": {"S": f"CHAIN#{chain}"}, "sk": {"S": f"{seq:012d}"}})


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(T0):
        yield


def test_append_chains_events(audit_table: str, frozen: None) -> None:
    first = service.append(entry(1))
    clock.advance(timedelta(seconds=1))
    second = service.append(entry(2))
    third = service.append(entry(3))
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH and first.prev_at is None
    assert second.prev_hash == first.hash and second.prev_at == first.at
    assert third.prev_hash == second.hash
    assert first.id.startswith("aud_") and first.at == T0 and first.at.tzinfo is not None
    assert first.diff == {"seats": [1, 2]}
    head = repository.read_head("main")
    assert head is not None and (head.seq, head.hash) == (3, third.hash)
    item = raw(1)
    assert item["actor_key"]["S"] == "ACTOR#usr_staff"
    assert item["entity_key"]["S"] == "ENTITY#license#lic_1"
    assert item["day_key"]["S"] == "DAY#2026-02-01"
    assert item["at_key"]["S"] == f"2026-02-01T09:00:00.000000Z#{first.id}"
    assert "org_key" not in item  # sparse index: only events about an organization's data
    assert json.loads(item["after"]["S"]) == {"seats": 2}
    assert service.verify().model_dump() == {"valid": True, "checked": 3, "first_bad_seq": None, "code": "ok",
                                              "detail": "3 events verified up to 3"}


def test_events_are_kept_at_least_the_retention(audit_table: str, frozen: None) -> None:
    assert RETENTION_DAYS >= 400
    service.append(entry())
    expires = int(raw(1)["expires_at"]["N"])
    assert expires - int(T0.timestamp()) >= 400 * 86400
    assert expires == int((T0 + timedelta(days=RETENTION_DAYS)).timestamp())
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="audit")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    head = boto3.client("dynamodb").get_item(TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": "HEAD"}})
    assert "expires_at" not in head["Item"]  # the head never expires


def test_record_takes_the_request_and_masks_secrets(audit_table: str) -> None:
    request = RequestInfo(request_id="req-42", ip="203.0.113.7", user_agent="pytest")
    event = service.record("auth.password_change", "user", "usr_1", actor_id="usr_1", actor_kind="customer",
                           request=request, org_id="org_1", before={"password_hash": "old-hash", "name": "A"},
                           after={"password_hash": "new-hash", "name": "A"}, reason="user asked")
    assert (event.request_id, event.ip, event.user_agent, event.org_id) == ("req-42", "203.0.113.7", "pytest", "org_1")
    assert event.diff == {"password_hash": ["***", "***"]}
    stored = json.dumps(raw(1))
    assert "old-hash" not in stored and "new-hash" not in stored
    assert raw(1)["org_key"]["S"] == "ORG#org_1"


def test_append_costs_one_read_and_one_transaction(audit_table: str) -> None:
    service.append(entry(0))  # first append creates the head
    with recorded() as calls:
        for n in range(1, 11):
            service.append(entry(n, reason="ticket SUP-1234: customer asked to add seats",
                                 ip="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"))
    assert calls.by_operation() == {"GetItem": 10, "TransactWriteItems": 10}
    assert sum(len(p["TransactItems"]) for p in calls.params("TransactWriteItems")) == 20
    size = _item_size(raw(5))
    print(f"audit event item: {size} bytes")
    assert size < 1024  # a typical event is one write unit per copy (base + each GSI)


def _item_size(item: dict[str, Any]) -> int:
    """DynamoDB item size: attribute names plus values (strings UTF-8, numbers ~ digits/2 + 1)."""
    total = 0
    for name, value in item.items():
        total += len(name.encode())
        kind, data = next(iter(value.items()))
        if kind == "S":
            total += len(data.encode())
        elif kind == "N":
            total += len(data) // 2 + 2
        elif kind == "L":
            total += 3 + sum(len(v["S"].encode()) + 1 for v in data)
    return total


def test_concurrent_appends_get_unique_consecutive_seq(audit_table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    threads, per_thread = 6, 5
    races: list[bool] = []
    detect = repository.lost_race
    monkeypatch.setattr(repository, "lost_race", lambda exc, prepared: races.append(detect(exc, prepared)) or races[-1])
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def work(t: int) -> None:
        start.wait()
        for n in range(per_thread):
            try:
                results.append(service.append(entry(t * 100 + n)).seq)
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sorted(results) == list(range(1, threads * per_thread + 1))
    result = service.verify()
    assert result.valid and result.checked == threads * per_thread
    print(f"{threads * per_thread} concurrent appends, {sum(races)} lost races retried")


def test_gives_up_after_max_attempts_lost_races(audit_table: str, monkeypatch: pytest.MonkeyPatch) -> None:
    service.append(entry())
    monkeypatch.setattr(repository, "read_head", lambda chain: None)  # always stale: "no head yet"
    monkeypatch.setattr(repository.time, "sleep", lambda seconds: None)
    attempts = Counter[str]()
    prepare = repository.transact_items

    def counted(*args: Any, **kwargs: Any) -> Any:
        attempts["n"] += 1
        return prepare(*args, **kwargs)

    monkeypatch.setattr(repository, "transact_items", counted)
    with pytest.raises(ServiceUnavailable) as caught:
        service.append(entry())
    assert caught.value.code == "audit-busy"
    assert attempts["n"] == repository.MAX_ATTEMPTS == 10


class Widget(BaseRecord):
    Meta = record_meta("WIDGETS_TABLE")
    name = UnicodeAttribute()


@pytest.fixture
def widgets(audit_table: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName="widgets", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    bind_table(Widget, "widgets")


def test_a_change_and_its_audit_event_in_one_transaction(widgets: None) -> None:
    widget = Widget(pk="W#1", sk="W", name="first")
    event = service.append(entry(1, entity_type="widget", entity_id="W#1"),
                           also=lambda tx: tx.save(widget, condition=Widget.pk.does_not_exist()))
    assert Widget.get("W#1", "W").name == "first" and event.seq == 1
    # the caller's own condition fails: its error, and no audit event either
    with pytest.raises(TransactWriteError):
        service.append(entry(2), also=lambda tx: tx.save(Widget(pk="W#1", sk="W", name="again"),
                                                         condition=Widget.pk.does_not_exist()))
    assert Widget.get("W#1", "W").name == "first"
    assert repository.read_head("main").seq == 1  # type: ignore[union-attr]


def test_prepared_items_tell_a_lost_race_from_the_callers_failure(widgets: None) -> None:
    prepared = service.transact_items(entry(1))
    service.append(entry(2))  # someone else appends first
    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.save(Widget(pk="W#2", sk="W", name="x"))
        prepared.add_to(tx)
    assert service.lost_race(caught.value, prepared)
    retry = service.transact_items(entry(1))
    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.save(Widget(pk="W#2", sk="W", name="x"), condition=Widget.pk.exists())
        retry.add_to(tx)
    assert not service.lost_race(caught.value, retry)
    with transaction() as tx:
        tx.save(Widget(pk="W#2", sk="W", name="x"))
        retry.add_to(tx)
    assert service.verify().checked == 2


def test_chains_are_independent(audit_table: str) -> None:
    service.append(entry(1))
    service.append(entry(2))
    sharded = service.append(entry(3), chain="org_01ABC")
    assert sharded.seq == 1 and sharded.prev_hash == GENESIS_HASH
    assert service.verify("main").checked == 2
    assert service.verify("org_01ABC").checked == 1
    assert service.verify("nothing").model_dump() == {"valid": True, "checked": 0, "first_bad_seq": None,
                                                      "code": "ok", "detail": "the chain is empty"}
    with pytest.raises(ValidationFailed):
        service.append(entry(), chain="a#b")


# --- tampering ------------------------------------------------------------------------------------

@pytest.fixture
def five(audit_table: str, frozen: None) -> None:
    for n in range(1, 6):
        service.append(entry(n))
        clock.advance(timedelta(minutes=1))


def test_edited_event_is_a_hash_mismatch(five: None) -> None:
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": f"{3:012d}"}},
        UpdateExpression="SET #a = :v", ExpressionAttributeNames={"#a": "after"},
        ExpressionAttributeValues={":v": {"S": json.dumps({"seats": 999})}})
    result = service.verify()
    assert (result.valid, result.code, result.first_bad_seq, result.checked) == (False, "hash_mismatch", 3, 2)


def test_unreadable_event_is_a_hash_mismatch(five: None) -> None:
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": f"{2:012d}"}},
        UpdateExpression="SET diff = :v", ExpressionAttributeValues={":v": {"S": "{not json"}})
    result = service.verify()
    assert (result.code, result.first_bad_seq) == ("hash_mismatch", 2)


def test_event_with_a_wrong_attribute_type_is_a_hash_mismatch(five: None) -> None:
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": f"{4:012d}"}},
        UpdateExpression="SET seq = :v", ExpressionAttributeValues={":v": {"S": "four"}})
    result = service.verify()
    assert (result.code, result.first_bad_seq, result.checked) == ("hash_mismatch", 4, 3)


def test_rehashed_event_still_breaks_the_chain(five: None) -> None:
    # an editor who also recomputes the edited event's own hash is caught by the next event
    event = next(e for e in repository.walk_chain("main") if getattr(e, "seq", 0) == 2)
    forged = event.model_copy(update={"reason": "nothing to see"})  # type: ignore[union-attr]
    forged.hash = forged.computed_hash()
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": f"{2:012d}"}},
        UpdateExpression="SET reason = :r, #h = :h", ExpressionAttributeNames={"#h": "hash"},
        ExpressionAttributeValues={":r": {"S": "nothing to see"}, ":h": {"S": forged.hash}})
    result = service.verify()
    assert (result.code, result.first_bad_seq) == ("hash_mismatch", 3)


def test_deleted_event_is_a_seq_gap(five: None) -> None:
    delete(3)
    result = service.verify()
    assert (result.valid, result.code, result.first_bad_seq, result.checked) == (False, "seq_gap", 3, 2)


def test_deleted_last_event_or_head_is_a_head_mismatch(five: None) -> None:
    delete(5)
    result = service.verify()
    assert (result.code, result.first_bad_seq, result.checked) == ("head_mismatch", 5, 4)
    boto3.client("dynamodb").delete_item(TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": "HEAD"}})
    assert service.verify().code == "head_mismatch"


def test_forged_head_is_a_head_mismatch(five: None) -> None:
    boto3.client("dynamodb").update_item(
        TableName="audit", Key={"pk": {"S": "CHAIN#main"}, "sk": {"S": "HEAD"}},
        UpdateExpression="SET #h = :h", ExpressionAttributeNames={"#h": "hash"},
        ExpressionAttributeValues={":h": {"S": "f" * 64}})
    result = service.verify()
    assert (result.code, result.first_bad_seq) == ("head_mismatch", 5)


def test_events_aged_out_by_ttl_are_not_a_gap(five: None) -> None:
    clock.advance(timedelta(days=RETENTION_DAYS + 1))
    service.append(entry(6))
    service.append(entry(7))
    for seq in (1, 2, 4):  # TTL deletes expired items in no particular order
        delete(seq)
    result = service.verify()
    assert (result.valid, result.checked) == (True, 4)
    delete(6)  # not expired: a deletion
    result = service.verify()
    assert (result.code, result.first_bad_seq) == ("seq_gap", 6)


def test_a_chain_entirely_aged_out_is_valid(five: None) -> None:
    clock.advance(timedelta(days=RETENTION_DAYS + 1))
    for seq in range(1, 6):
        delete(seq)
    assert service.verify().valid
