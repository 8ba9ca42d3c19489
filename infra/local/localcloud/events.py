"""Deliver the template's event sources to their functions, as Lambda's event source mappings do:
SQS batches with partial batch failures (moto redrives to the DLQ after maxReceiveCount) and
DynamoDB Streams records with filters, retries from the first reported failure, and the on-failure
destination told of the records given up on. SNS topics invoke their subscribed functions asynchronously,
as Lambda does (two retries, then the function's dead-letter queue), and an alarm whose state is set
(nothing evaluates metrics here) notifies its actions' topics in CloudWatch's own message format."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3

from localcloud.template import ACCOUNT_ID, REGION, SnsSource, SqsSource, StreamSource, Template

POLL_SECONDS = 0.1  # a stream reader's pause while records keep coming
IDLE_POLL_SECONDS = 0.5  # …and once it has found nothing for IDLE_AFTER_SECONDS: an idle cloud stays cheap
IDLE_AFTER_SECONDS = 2.0
QUEUE_WAIT_SECONDS = 1  # queues are long-polled: moto answers the moment a message arrives
STREAM_MAX_ATTEMPTS = 3
ASYNC_RETRY_SECONDS = 1  # Lambda waits a minute, then two, between retries of an asynchronous event
ALARM_POLL_SECONDS = 0.2
REGION_NAMES = {"eu-central-1": "EU (Frankfurt)"}  # how CloudWatch names the region in alarm messages


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
        for sns in self.template.sns_sources:
            self._spawn(f"sns:{sns.topic}->{sns.function}", self._poll_sns, sns)
        if self.template.alarms:  # the states now, so a change made right after start() is noticed
            self._spawn("alarm-actions", self._watch_alarms, _alarm_states())

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
        """Wait until every poller found nothing to do (tests use this instead of sleeping): idle on two looks
        an idle poll apart, so each poller has looked again in between."""
        deadline = time.monotonic() + timeout
        time.sleep(POLL_SECONDS * 3)
        while time.monotonic() < deadline:
            if not any(self._busy.values()):
                time.sleep(max(IDLE_POLL_SECONDS, QUEUE_WAIT_SECONDS) + POLL_SECONDS)
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
                    QueueUrl=url, MaxNumberOfMessages=min(source.batch_size, 10), WaitTimeSeconds=QUEUE_WAIT_SECONDS,
                    AttributeNames=["All"], MessageAttributeNames=["All"],
                ).get("Messages", [])
            except Exception as exc:
                self.log(f"localcloud: {name}: receive failed: {exc}")
                self._stop.wait(1)
                continue
            self._busy[name] = bool(messages)
            if not messages:
                continue  # the long poll was the wait
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

    # SNS → asynchronous invocation

    def _poll_sns(self, name: str, source: SnsSource) -> None:
        sqs = self._client("sqs")
        fn = self.template.functions[source.function]
        while not self._stop.is_set():
            try:
                messages = sqs.receive_message(
                    QueueUrl=source.delivery_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=QUEUE_WAIT_SECONDS,
                    VisibilityTimeout=ASYNC_RETRY_SECONDS, AttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            except Exception as exc:
                self.log(f"localcloud: {name}: receive failed: {exc}")
                self._stop.wait(1)
                continue
            self._busy[name] = bool(messages)
            if not messages:
                continue  # the long poll was the wait
            for message in messages:  # Lambda gets one SNS record per invocation
                event = {"Records": [_sns_record(json.loads(message["Body"]), source.subscription_arn)]}
                result = self.invoker.invoke(source.function, event)
                attempt = int(message["Attributes"]["ApproximateReceiveCount"])
                if result.function_error and attempt <= fn.async_retries:
                    self.log(f"localcloud: {name}: attempt {attempt} failed ({result.error_type}); retried")
                    continue  # back after the visibility timeout
                if result.function_error:
                    self._dead_letter(name, fn.dead_letter_queue, event, result)
                sqs.delete_message(QueueUrl=source.delivery_queue_url, ReceiptHandle=message["ReceiptHandle"])

    def _dead_letter(self, name: str, queue: str | None, event: dict[str, Any], result: Any) -> None:
        if queue is None:
            self.log(f"localcloud: {name}: event dropped after its retries (the function has no DeadLetterQueue)")
            return
        error = result.json() or {}
        self._client("sqs").send_message(
            QueueUrl=self.template.names.get(queue).ref,  # type: ignore[union-attr]
            MessageBody=json.dumps(event), MessageAttributes={
                "RequestID": {"DataType": "String", "StringValue": result.request_id},
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {"DataType": "String", "StringValue": str(error.get("errorMessage"))[:1000]},
            })
        self.log(f"localcloud: {name}: event sent to {queue} after its retries")

    # Alarm actions

    def _watch_alarms(self, name: str, known: dict[str, str]) -> None:
        cloudwatch, sns = self._client("cloudwatch"), self._client("sns")
        while not self._stop.is_set():
            try:
                states = _alarm_states()
                changed = {alarm: known.get(alarm, state) for alarm, state in states.items()
                           if known.get(alarm, state) != state}
                known.update(states)
                for alarm_name, before in changed.items():
                    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
                    if not alarm.get("ActionsEnabled", True):
                        continue
                    actions = alarm.get({"ALARM": "AlarmActions", "OK": "OKActions"}.get(
                        alarm["StateValue"], "InsufficientDataActions")) or []
                    message, subject = _alarm_message(alarm, before)
                    for topic in (a for a in actions if a.startswith("arn:aws:sns:")):
                        sns.publish(TopicArn=topic, Message=message, Subject=subject)
            except Exception as exc:
                self.log(f"localcloud: {name}: {exc}")
            self._busy[name] = False
            self._stop.wait(ALARM_POLL_SECONDS)

    # DynamoDB Streams

    def _poll_stream(self, name: str, source: StreamSource) -> None:
        streams = self._client("dynamodbstreams")
        arn = self.template.names.get(source.table).attributes["StreamArn"]  # type: ignore[union-attr]
        iterators: dict[str, str | None] = {}
        pending: list[dict[str, Any]] = []
        attempts = 0
        last_found = time.monotonic()
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
                idle = time.monotonic() - last_found > IDLE_AFTER_SECONDS
                self._stop.wait(IDLE_POLL_SECONDS if idle else POLL_SECONDS)
                continue
            last_found = time.monotonic()
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


def _alarm_states() -> dict[str, str]:
    """Every alarm's state, read from moto's backend in this process (as the mailbox reads SES): free, where
    DescribeAlarms a few times a second would keep a core busy."""
    from moto.cloudwatch.models import cloudwatch_backends

    return {name: alarm.state_value for name, alarm in list(cloudwatch_backends[ACCOUNT_ID][REGION].alarms.items())}


def _sns_record(envelope: dict[str, Any], subscription_arn: str | None) -> dict[str, Any]:
    """The Lambda SNS record from the notification SNS delivers to a queue (its key names differ)."""
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": envelope.get("Type", "Notification"),
            "MessageId": envelope.get("MessageId"),
            "TopicArn": envelope.get("TopicArn"),
            "Subject": envelope.get("Subject"),
            "Message": envelope.get("Message"),
            "Timestamp": envelope.get("Timestamp"),
            "SignatureVersion": envelope.get("SignatureVersion"),
            "Signature": envelope.get("Signature"),
            "SigningCertUrl": envelope.get("SigningCertURL"),
            "UnsubscribeUrl": envelope.get("UnsubscribeURL"),
            "MessageAttributes": envelope.get("MessageAttributes") or {},
        },
    }


def _alarm_message(alarm: dict[str, Any], old_state: str) -> tuple[str, str]:
    """CloudWatch's notification of a state change: the JSON message and its subject."""
    region = REGION_NAMES.get(REGION, REGION)
    changed = alarm.get("StateUpdatedTimestamp") or datetime.now(UTC)
    trigger: dict[str, Any] = {
        "Period": alarm.get("Period"), "EvaluationPeriods": alarm.get("EvaluationPeriods"),
        "ComparisonOperator": alarm.get("ComparisonOperator"), "Threshold": alarm.get("Threshold"),
        "TreatMissingData": alarm.get("TreatMissingData", "missing"),
    }
    if alarm.get("Metrics"):
        trigger["Metrics"] = alarm["Metrics"]
    else:
        trigger.update({"MetricName": alarm.get("MetricName"), "Namespace": alarm.get("Namespace"),
                        "Statistic": alarm.get("Statistic") or alarm.get("ExtendedStatistic"),
                        "Dimensions": [{"value": d["Value"], "name": d["Name"]} for d in alarm.get("Dimensions", [])]})
    message = {
        "AlarmName": alarm["AlarmName"], "AlarmDescription": alarm.get("AlarmDescription"),
        "AWSAccountId": ACCOUNT_ID, "NewStateValue": alarm["StateValue"],
        "NewStateReason": alarm.get("StateReason", ""),
        "StateChangeTime": changed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000",
        "Region": region, "AlarmArn": alarm["AlarmArn"], "OldStateValue": old_state,
        "OKActions": alarm.get("OKActions", []), "AlarmActions": alarm.get("AlarmActions", []),
        "InsufficientDataActions": alarm.get("InsufficientDataActions", []), "Trigger": trigger,
    }
    subject = f'{alarm["StateValue"]}: "{alarm["AlarmName"]}" in {region}'
    return json.dumps(message, default=str), subject[:100]


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



