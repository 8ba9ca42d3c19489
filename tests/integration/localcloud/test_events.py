"""Event sources: SQS pollers (batch size, partial batch failures, DLQ redrive) and DynamoDB Streams
pollers (INSERT/MODIFY/REMOVE with images, FilterCriteria)."""

from __future__ import annotations

import time
import uuid
from collections import Counter

import pytest

from .conftest import Running, wait_until


def _bodies(lc: Running, label: str) -> list[str]:
    return [body for batch in lc.records(label) for body in batch["bodies"]]


def test_sqs_batch_size_is_honoured(lc: Running) -> None:
    tag = uuid.uuid4().hex[:6]
    bodies = [f"{tag}-{i}" for i in range(7)]
    lc.client("sqs").send_message_batch(QueueUrl=lc.name("BatchQueue"), Entries=[
        {"Id": str(i), "MessageBody": body} for i, body in enumerate(bodies)])

    wait_until(lambda: set(bodies) <= set(_bodies(lc, "batch")), what="all 7 messages")
    batches = [b["bodies"] for b in lc.records("batch") if b["bodies"][0].startswith(tag)]
    assert max(len(b) for b in batches) == 3, batches  # BatchSize: 3
    assert sorted(body for b in batches for body in b) == sorted(bodies)  # each delivered once


def test_partial_batch_failure_redelivers_only_the_failed_message(lc: Running) -> None:
    tag = uuid.uuid4().hex[:6]
    ok_a, retry, ok_c = f"ok-{tag}-a", f"once-{tag}", f"ok-{tag}-c"
    lc.client("sqs").send_message_batch(QueueUrl=lc.name("WorkQueue"), Entries=[
        {"Id": str(i), "MessageBody": body} for i, body in enumerate([ok_a, retry, ok_c])])

    wait_until(lambda: Counter(_bodies(lc, "work"))[retry] >= 2, timeout=15, what="the redelivery")
    time.sleep(1.5)  # longer than the queue's VisibilityTimeout: nothing else may come back
    seen = Counter(_bodies(lc, "work"))
    assert (seen[ok_a], seen[retry], seen[ok_c]) == (1, 2, 1)
    first = next(b["bodies"] for b in lc.records("work") if ok_a in b["bodies"])
    assert {ok_a, retry, ok_c} <= set(first)  # delivered together in one batch first


def test_message_moves_to_the_dlq_after_max_receive_count(lc: Running) -> None:
    body = f"fail-{uuid.uuid4().hex[:6]}"
    sqs = lc.client("sqs")
    sqs.send_message(QueueUrl=lc.name("WorkQueue"), MessageBody=body)

    def in_dlq() -> list:
        messages = sqs.receive_message(QueueUrl=lc.name("Dlq"), MaxNumberOfMessages=10,
                                       VisibilityTimeout=0).get("Messages", [])
        return [m for m in messages if m["Body"] == body]

    wait_until(in_dlq, timeout=15, interval=0.2, what="the message in the DLQ")
    assert Counter(_bodies(lc, "work"))[body] == 2  # maxReceiveCount: 2 deliveries, then the DLQ


def _stream(lc: Running, label: str, pk: str) -> list[dict]:
    return [r for r in lc.records(label) if r["keys"] == {"pk": {"S": pk}}]


def test_dynamodb_stream_insert_modify_remove_with_images(lc: Running) -> None:
    table = lc.cloud.template.tables["Items"].name  # type: ignore[union-attr]
    dynamodb = lc.client("dynamodb")
    pk = f"s-{uuid.uuid4().hex[:6]}"
    dynamodb.put_item(TableName=table, Item={"pk": {"S": pk}, "n": {"N": "1"}})
    dynamodb.update_item(TableName=table, Key={"pk": {"S": pk}}, UpdateExpression="SET n = :n",
                         ExpressionAttributeValues={":n": {"N": "2"}})
    dynamodb.delete_item(TableName=table, Key={"pk": {"S": pk}})

    records = wait_until(lambda: len(_stream(lc, "stream", pk)) >= 3 and _stream(lc, "stream", pk),
                         what="three stream records")
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = records
    assert insert["new"] == {"pk": {"S": pk}, "n": {"N": "1"}} and insert["old"] is None
    assert modify["old"]["n"] == {"N": "1"} and modify["new"]["n"] == {"N": "2"}
    assert remove["old"]["n"] == {"N": "2"} and remove["new"] is None
    assert insert["source"] == lc.cloud.template.names.get("Items").attributes["StreamArn"]  # type: ignore


def test_a_failed_transaction_changes_nothing_and_the_stream_goes_on(lc: Running) -> None:
    """moto swaps a failed transaction's tables for copies; the local cloud keeps the live table and puts the
    named items back, so its stream readers see what follows and nothing of the failed transaction."""
    table = lc.cloud.template.tables["Items"].name  # type: ignore[union-attr]
    dynamodb = lc.client("dynamodb")
    tag = uuid.uuid4().hex[:6]
    kept, added, missing, after = (f"{name}-{tag}" for name in ("kept", "added", "missing", "after"))
    dynamodb.put_item(TableName=table, Item={"pk": {"S": kept}, "n": {"N": "1"}})
    wait_until(lambda: _stream(lc, "stream", kept), what="the stream reading")  # its reader holds an iterator
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {"pk": {"S": added}}}},
            {"Update": {"TableName": table, "Key": {"pk": {"S": kept}}, "UpdateExpression": "SET n = :n",
                        "ExpressionAttributeValues": {":n": {"N": "5"}}}},
            {"ConditionCheck": {"TableName": table, "Key": {"pk": {"S": missing}},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert dynamodb.get_item(TableName=table, Key={"pk": {"S": kept}}, ConsistentRead=True)["Item"]["n"] == {"N": "1"}
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"pk": {"S": added}}, ConsistentRead=True)

    dynamodb.put_item(TableName=table, Item={"pk": {"S": after}})
    wait_until(lambda: _stream(lc, "stream", after), what="the stream after a failed transaction")
    assert [r["eventName"] for r in _stream(lc, "stream", kept)] == ["INSERT"]  # no MODIFY of the failed one
    assert _stream(lc, "stream", added) == []


def test_filter_criteria_drop_records(lc: Running) -> None:
    table = lc.cloud.template.tables["Items"].name  # type: ignore[union-attr]
    dynamodb = lc.client("dynamodb")
    tag = uuid.uuid4().hex[:6]
    keep, drop = f"keep-{tag}", f"drop-{tag}"
    dynamodb.put_item(TableName=table, Item={"pk": {"S": keep}, "kind": {"S": "keep"}})
    dynamodb.put_item(TableName=table, Item={"pk": {"S": drop}, "kind": {"S": "drop"}})
    dynamodb.update_item(TableName=table, Key={"pk": {"S": keep}}, UpdateExpression="SET extra = :x",
                         ExpressionAttributeValues={":x": {"S": "y"}})

    # The unfiltered consumer of the same stream saw all three; then the filtered one must be done too.
    wait_until(lambda: len(_stream(lc, "stream", keep)) == 2 and _stream(lc, "stream", drop), what="stream")
    wait_until(lambda: _stream(lc, "filtered", keep), what="the filtered consumer")
    assert lc.cloud.events.drain(timeout=5)
    assert [r["eventName"] for r in _stream(lc, "filtered", keep)] == ["INSERT"]  # MODIFY filtered out
    assert _stream(lc, "filtered", drop) == []  # kind=drop filtered out
