"""Writing: an audit event is one item under its own key, alone (one PutItem) or as one more item of the
change's own transaction, with no read and nothing shared with another writer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from tessera.audit import repository, service
from tessera.audit.records import RETENTION_DAYS
from tessera.core import clock
from tessera.core.dynamo import BaseRecord, bind_table, record_meta
from tessera.core.request import RequestInfo
from tests.aws_calls import recorded

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName="audit")["Items"]


@pytest.fixture
def frozen() -> Iterator[None]:
    with clock.frozen(T0):
        yield


def record(n: int = 0, **changes: Any) -> Any:
    values: dict[str, Any] = {"actor_id": "usr_staff", "actor_kind": "staff", "actor_display": "Анна",
                              "actor_roles": ["admin"], "before": {"seats": n}, "after": {"seats": n + 1}, **changes}
    return service.record("license.update", "license", f"lic_{n}", **values)


def test_an_event_is_written_under_its_own_key_and_is_searchable_at_once(audit_table: str, frozen: None) -> None:
    event = record(1, org_id="org_1", request=RequestInfo(request_id="req-1", ip="203.0.113.7", user_agent="pytest"))
    assert event.id.startswith("aud_") and event.at == T0 and event.chain == "org_1"
    assert (event.seq, event.prev_hash, event.hash) == (None, None, None)  # the chainer gives them
    (item,) = items()
    assert (item["pk"]["S"], item["sk"]["S"]) == ("CHAIN#org_1", f"NEW#{event.id}")
    assert item["actor_key"]["S"] == "ACTOR#usr_staff"
    assert item["entity_key"]["S"] == "ENTITY#license#lic_1"
    assert item["org_key"]["S"] == "ORG#org_1"
    assert item["day_key"]["S"] == "DAY#2026-02-01"
    assert item["at_key"]["S"] == f"2026-02-01T09:00:00.000000Z#{event.id}"
    assert json.loads(item["after"]["S"]) == {"seats": 2}
    found, _ = service.search(entity=("license", "lic_1"))
    assert [e.id for e in found] == [event.id] and found[0].diff == {"seats": [1, 2]}
    assert found[0].ip == "203.0.113.7" and found[0].seq is None


def test_events_about_no_organization_go_to_the_platform_chain(audit_table: str) -> None:
    assert record(1).chain == "platform"
    assert record(2, org_id="not a chain name").chain == "platform"
    assert "org_key" not in next(i for i in items() if i["entity_key"]["S"] == "ENTITY#license#lic_1")


def test_events_are_kept_at_least_the_retention(audit_table: str, frozen: None) -> None:
    assert RETENTION_DAYS >= 400
    record()
    (item,) = items()
    assert int(item["expires_at"]["N"]) == int((T0 + timedelta(days=RETENTION_DAYS)).timestamp())
    ttl = boto3.client("dynamodb").describe_time_to_live(TableName="audit")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"


def test_secrets_are_masked(audit_table: str) -> None:
    event = service.record("auth.password_change", "user", "usr_1", actor_id="usr_1", actor_kind="customer",
                           org_id="org_1", before={"password_hash": "old-hash", "name": "A"},
                           after={"password_hash": "new-hash", "name": "A"}, reason="user asked")
    assert event.diff == {"password_hash": ["***", "***"]}
    stored = json.dumps(items())
    assert "old-hash" not in stored and "new-hash" not in stored


def test_an_event_is_one_put_with_no_read(audit_table: str) -> None:
    record(0)
    with recorded() as calls:
        for n in range(1, 11):
            record(n, reason="ticket SUP-1234: customer asked to add seats")
    assert calls.by_operation() == {"PutItem": 10}


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


def change(widget: Widget, *, new: bool = True) -> Any:
    return lambda tx: tx.save(widget, condition=Widget.pk.does_not_exist() if new else None)


def test_a_change_and_its_event_are_one_transaction_with_no_read(widgets: None) -> None:
    with recorded() as calls:
        event = service.record_change(change(Widget(pk="W#1", sk="W", name="first")), "widget.create", "widget", "W#1",
                                      actor_id="usr_1", actor_kind="staff", org_id="org_1", after={"name": "first"})
    assert calls.by_operation() == {"TransactWriteItems": 1}
    (transaction,) = calls.params("TransactWriteItems")
    assert len(transaction["TransactItems"]) == 2
    assert Widget.get("W#1", "W").name == "first"
    assert [e.id for e in service.search(org="org_1")[0]] == [event.id]


def test_the_callers_failed_condition_reaches_it_unchanged_and_nothing_is_written(widgets: None) -> None:
    service.record_change(change(Widget(pk="W#1", sk="W", name="first")), "widget.create", "widget", "W#1",
                          actor_id="usr_1", actor_kind="staff")
    with pytest.raises(TransactWriteError) as caught:
        service.record_change(change(Widget(pk="W#1", sk="W", name="again")), "widget.create", "widget", "W#1",
                              actor_id="usr_1", actor_kind="staff")
    codes = [r.code if r is not None else None for r in caught.value.cancellation_reasons]
    assert codes[0] == "ConditionalCheckFailed" and "ConditionalCheckFailed" not in codes[1:]
    assert Widget.get("W#1", "W").name == "first"
    assert len(items()) == 1  # the first event only


def test_events_of_one_organization_never_share_an_item(audit_table: str) -> None:
    for n in range(5):
        record(n, org_id="org_1")
    keys = {(i["pk"]["S"], i["sk"]["S"]) for i in items()}
    assert len(keys) == 5 and all(sk.startswith("NEW#aud_") for _, sk in keys)
    assert repository.read_head("org_1") is None  # writers never touch a head
