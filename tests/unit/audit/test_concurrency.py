"""The budget of issue 9: 50 concurrent writers in 50 organisations → 0 retries and 0 503 caused by the
audit, and once the chainer has run every event is chained exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import boto3
from pynamodb.attributes import UnicodeAttribute

from tessera.audit import repository, service
from tessera.audit.models import AuditEvent
from tessera.audit.verification import verify_chain
from tessera.core.dynamo import BaseRecord, bind_table, record_meta
from tests.audit_stream import Stream
from tests.aws_calls import recorded

WRITERS, CHANGES = 50, 1  # moto copies the whole table, stream included, per transaction item: slow beyond


class Setting(BaseRecord):
    Meta = record_meta("SETTINGS_TABLE")
    value = UnicodeAttribute()


def test_fifty_writers_in_fifty_organisations(audit_table: str) -> None:
    boto3.client("dynamodb").create_table(
        TableName="settings", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    bind_table(Setting, "settings")
    stream = Stream()
    start = threading.Barrier(WRITERS)
    written: list[AuditEvent] = []
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        org = f"org_{n:02d}"
        start.wait()
        for k in range(CHANGES):
            setting = Setting(pk=f"ORG#{org}", sk="SETTING", value=str(k))
            try:
                written.append(service.record_change(lambda tx, s=setting: tx.save(s), "setting.update", "setting",
                                                     org, actor_id=f"usr_{n}", actor_kind="customer", org_id=org,
                                                     after={"value": k}))
            except BaseException as exc:
                errors.append(exc)

    with recorded() as calls:
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []  # no 503, no conflict: nothing is shared
    assert calls.by_operation() == {"TransactWriteItems": WRITERS * CHANGES}  # one each: no read, no retry

    stream.deliver()
    chained = Counter[str]()
    for n in range(WRITERS):
        org = f"org_{n:02d}"
        events = [e for e in repository.walk_chain(org) if isinstance(e, AuditEvent)]
        assert [e.seq for e in events] == list(range(1, CHANGES + 1))
        assert [e.after for e in events] == [{"value": k} for k in range(CHANGES)]  # in the order written
        assert verify_chain(org).valid
        chained.update(e.id for e in events)
    assert set(chained) == {e.id for e in written} and set(chained.values()) == {1}
