"""Limit violations seen in heartbeats become alerts: queued by the heartbeat worker (nothing queued on
the normal path), sent by the notify worker to the customer and subscribed staff, once per installation ×
limit × level × day."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import boto3

from tests.integration.licensing.test_heartbeats import Installation, drain
from tests.integration.notify.conftest import NOW, Outside, as_staff, at, drain_notify
from tests.integration.stack import LambdaContext, Platform, handler_of


def notify_queue_depth() -> int:
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=os.environ["NOTIFY_QUEUE_URL"],
                                                          AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_violations_alert_once_per_installation_limit_level_and_day(stack: Platform, world: dict[str, Any],
                                                                    outside: Outside) -> None:
    with at(NOW.date().isoformat()):
        assert world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": ["license.limit"], "language": "ru"}).status == 200
        installation = Installation(world["license"]["license_key"])

        assert installation.beat(users=10).body["accepted"]  # the advanced plan: 200 users, soft ×1.1, 80/100 %
        assert drain()["count"] == 1
        assert notify_queue_depth() == 0  # the normal path queues nothing

        assert installation.beat(users=230).body["accepted"]  # over 220
        assert drain()["batchItemFailures"] == []
        queued = drain_notify()
    assert queued["count"] == 1 and queued["batchItemFailures"] == []
    body = queued["bodies"][0]
    assert (body["kind"], body["installation_id"], body["day"]) == ("limit", installation.id, "2026-03-02")
    assert [(v["limit"], v["over"]) for v in body["violations"]] == [("users", True)]
    subject = f"Превышен лимит «Пользователи» — лицензия {world['license_id']}"
    assert [m["subject"] for m in outside.mails("anna@romashka.ru")] == [subject]
    assert [m["subject"] for m in outside.mails("admin@tessera.local")] == [subject]
    assert "<b>230</b> из 200 (115%)" in outside.mails("anna@romashka.ru")[0]["text"]  # SendEmail: moto keeps the HTML

    with at(NOW.date().isoformat()):
        for users in (240, 250):  # still over, the same day: no new alert
            assert installation.beat(users=users).body["accepted"]
        drain()
        assert drain_notify()["count"] == 1
        assert installation.beat(users=170).body["accepted"]  # 85 %: the 80 % threshold is another level
        drain()
        drain_notify()
    assert len(outside.mails("anna@romashka.ru")) == 2
    assert outside.mails("anna@romashka.ru")[1]["subject"].startswith("Лимит «Пользователи» использован на 80%")

    with at((NOW + timedelta(days=1)).date().isoformat()):  # the next day, over again: alerted again
        assert installation.beat(users=260).body["accepted"]
        drain()
        drain_notify()
        log = as_staff("auditor").get("/api/console/notifications/deliveries", query={"event": "license.limit"})
    assert len(outside.mails("anna@romashka.ru")) == 3
    assert len(log.body["items"]) == 6 and {d["status"] for d in log.body["items"]} == {"sent"}


def test_a_replayed_heartbeat_does_not_alert(stack: Platform, world: dict[str, Any], outside: Outside) -> None:
    from tessera.licensing import heartbeats

    with at(NOW.date().isoformat()):
        installation = Installation(world["license"]["license_key"])
        assert installation.beat(users=10, seq=5).body["accepted"]
        drain()
        heartbeats._seen.clear()  # another container, which has not seen seq 3
        assert installation.beat(users=999, seq=3).body["accepted"]  # older than what is recorded
        drain()
        assert notify_queue_depth() == 0
    assert outside.mails() == [] and json.dumps(outside.telegram()) == "[]"


def test_a_redelivered_notify_message_sends_nothing_twice(stack: Platform, world: dict[str, Any],
                                                          outside: Outside) -> None:
    """SQS delivers at least once. The worker needs no idempotency store for that: a limit alert claims
    its once-marker in the transaction that writes its deliveries, so the same message again is a no-op."""
    worker = handler_of("NotifyWorkerFunction")
    with at(NOW.date().isoformat()):
        installation = Installation(world["license"]["license_key"])
        assert installation.beat(users=230).body["accepted"]
        drain()
        messages = boto3.client("sqs").receive_message(QueueUrl=os.environ["NOTIFY_QUEUE_URL"],
                                                       MaxNumberOfMessages=10)["Messages"]
        records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in messages]
        assert worker({"Records": records}, LambdaContext()) == {"batchItemFailures": []}
        assert len(outside.mails("anna@romashka.ru")) == 1
        assert worker({"Records": records}, LambdaContext()) == {"batchItemFailures": []}  # delivered again
    assert len(outside.mails("anna@romashka.ru")) == 1
