"""Deliver the template's event sources to their functions, as Lambda's event source mappings do:
SQS batches with partial batch failures (moto redrives to the DLQ after maxReceiveCount) and
DynamoDB Streams records with filters, retries from the first reported failure, and the on-failure
destination told of the records given up on."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3

from localcloud.template import REGION, SqsSource, StreamSource, Template

POLL_SECONDS = 0.1
STREAM_MAX_ATTEMPTS = 3


class EventSources:
    def __init__(self, template: Template, invoker: Any, endpoint_url: str, log: Callable[[str], None] = print) -> None:
        self.template = template
        self.invoker = invoker
        self.endpoint_url = endpoint_url
        self.log = log
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._busy: dict[str, bool] = {}

    def _client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=REGION)

    def start(self) -> None:
        for source in self.template.sqs_sources:
            if source.enabled:
                self._spawn(f"sqs:{source.queue}->{source.function}", self._poll_sqs, source)
        for stream in self.template.stream_sources:
            if stream.enabled:
                self._spawn(f"stream:{stream.table}->{stream.function}", self._poll_stream, stream)

    def _spawn(self, name: str, target: Callable[..., None], source: Any) -> None:
        self._busy[name] = True
        thread = threading.Thread(target=target, args=(name, source), name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def drain(self, timeout: float = 5.0) -> bool:
        """Wait until every poller found nothing to do (tests use this instead of sleeping)."""
        deadline = time.monotonic() + timeout
        time.sleep(POLL_SECONDS * 3)
        while time.monotonic() < deadline:
            if not any(self._busy.values()):
                time.sleep(POLL_SECONDS * 2)
                if not any(self._busy.values()):
                    return True
            time.sleep(POLL_SECONDS)
        return False

    # SQS

    def _poll_sqs(self, name: str, source: SqsSource) -> None:
        sqs = self._client("sqs")
        url = self.template.names.get(source.queue).ref  # type: ignore[union-attr]
        arn = self.template.names.get(source.queue).attributes["Arn"]  # type: ignore[union-attr]
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10), WaitTimeSeconds=0,
                    AttributeNames=["All"], MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as exc:
                self.log(f"localcloud: {name}: receive failed: {exc}")
                self._stop.wait(1)
                continue
            self._busy[name] = bool(messages)
            if not messages:
                self._stop.wait(POLL_SECONDS)
                continue
            event = {"Records": [_sqs_record(m, arn) for m in messages]}
            result = self.invoker.invoke(source.function, event)
            if result.function_error:
                self.log(f"localcloud: {name}: batch of {len(messages)} failed ({result.error_type}); "
                         f"messages return after the visibility timeout")
                continue
            failed: set[str] = set()
            if source.report_batch_item_failures:
                answer = result.json() or {}
                failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
                failed = {f.get("itemIdentifier") for f in failures or []}
                if failed:
                    self.log(f"localcloud: {name}: {len(failed)} of {len(messages)} messages reported as failed")
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])

    # DynamoDB Streams

    def _poll_stream(self, name: str, source: StreamSource) -> None:
        streams = self._client("dynamodbstreams")
        arn = self.template.names.get(source.table).attributes["StreamArn"]  # type: ignore[union-attr]
        iterators: dict[str, str | None] = {}
        pending: list[dict[str, Any]] = []
        attempts = 0
        while not self._stop.is_set():
            try:
                if not pending:
                    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
                        shard_id = shard["ShardId"]
                        if shard_id not in iterators:
                            iterators[shard_id] = streams.get_shard_iterator(
                                StreamArn=arn, ShardId=shard_id, ShardIteratorType=source.starting_position,
                            )["ShardIterator"]
                    for shard_id, iterator in list(iterators.items()):
                        if iterator is None:
                            continue
                        page = streams.get_records(ShardIterator=iterator, Limit=1000)
                        iterators[shard_id] = page.get("NextShardIterator")
                        pending.extend(page.get("Records", []))
            except Exception as exc:
                self.log(f"localcloud: {name}: read failed: {exc}")
                self._stop.wait(1)
                continue
            pending = [r for r in pending if _matches_filters(r, source.filters)]
            self._busy[name] = bool(pending)
            if not pending:
                self._stop.wait(POLL_SECONDS)
                continue
            batch = pending[: source.batch_size]
            records = [{**r, "eventSourceARN": arn, "awsRegion": REGION} for r in batch]
            result = self.invoker.invoke(source.function, {"Records": records})
            if result.function_error:
                attempts += 1
                if attempts < STREAM_MAX_ATTEMPTS:
                    self.log(f"localcloud: {name}: batch failed ({result.error_type}), retry {attempts}")
                    self._stop.wait(POLL_SECONDS)
                    continue
                self.log(f"localcloud: {name}: batch of {len(batch)} skipped after {attempts} failed attempts")
                self._gave_up(source, arn, batch, attempts)
                pending, attempts = pending[len(batch):], 0
                continue
            resume_at = len(batch)
            if source.report_batch_item_failures:
                answer = result.json() or {}
                failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
                sequence_numbers = [r["dynamodb"]["SequenceNumber"] for r in batch]
                failed = [sequence_numbers.index(f["itemIdentifier"]) for f in failures or []
                          if f.get("itemIdentifier") in sequence_numbers]
                if failed:
                    attempts += 1
                    if attempts < STREAM_MAX_ATTEMPTS:
                        resume_at = min(failed)
                    else:
                        self.log(f"localcloud: {name}: record {sequence_numbers[min(failed)]} skipped after "
                                 f"{attempts} failed attempts")
                        self._gave_up(source, arn, [batch[min(failed)]], attempts)
                        attempts = 0
            if resume_at == len(batch):
                attempts = 0
            pending = pending[resume_at:]


    def _gave_up(self, source: StreamSource, stream_arn: str, records: list[dict[str, Any]], attempts: int) -> None:
        """What Lambda sends the on-failure destination: where the records are, not the records."""
        if source.on_failure_queue is None:
            return
        queue = self.template.names.get(source.on_failure_queue)
        numbers = [r["dynamodb"]["SequenceNumber"] for r in records]
        body = {"version": "1.0", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
                "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": attempts,
                                   "functionArn": source.function},
                "DDBStreamBatchInfo": {"streamArn": stream_arn, "batchSize": len(records),
                                       "startSequenceNumber": numbers[0], "endSequenceNumber": numbers[-1]}}
        try:
            self._client("sqs").send_message(QueueUrl=queue.ref, MessageBody=json.dumps(body))  # type: ignore[union-attr]
        except Exception as exc:
            self.log(f"localcloud: the on-failure destination of {source.function} failed: {exc}")


def _sqs_record(message: dict[str, Any], arn: str) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            key: {"stringValue": value.get("StringValue"), "binaryValue": value.get("BinaryValue"),
                  "stringListValues": [], "binaryListValues": [], "dataType": value["DataType"]}
            for key, value in (message.get("MessageAttributes") or {}).items()
        },
        "md5OfBody": message.get("MD5OfBody")
        or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": REGION,
    }


def _matches_filters(record: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    """Lambda event filtering: a record passes when any pattern matches (exact values, prefix, exists)."""
    if not filters:
        return True
    return any(_match(pattern, record) for pattern in filters)


def _match(pattern: Any, value: Any) -> bool:
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(_match(sub, value.get(key, _MISSING)) for key, sub in pattern.items())
    if isinstance(pattern, list):
        return any(_match_rule(rule, value) for rule in pattern)
    return False


_MISSING = object()


def _match_rule(rule: Any, value: Any) -> bool:
    if isinstance(rule, dict):
        if "exists" in rule:
            return (value is not _MISSING) == bool(rule["exists"])
        if "prefix" in rule:
            return isinstance(value, str) and value.startswith(rule["prefix"])
        if "anything-but" in rule:
            excluded = rule["anything-but"]
            return value not in (excluded if isinstance(excluded, list) else [excluded])
        return False
    if isinstance(value, dict) and len(value) == 1:  # DynamoDB typed value {"S": "x"}
        value = next(iter(value.values()))
    return value == rule or (isinstance(rule, (int, float)) and str(rule) == str(value))



