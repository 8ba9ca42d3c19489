"""What the platform tells CloudWatch about a customer's life: business events as EMF metrics, and a
heartbeat and what it causes as one trace (the endpoint queues the report with its trace, the heartbeat
worker continues it for that message, AWS calls made for a message are its children)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.integration.identity.flows import customer
from tests.integration.licensing.test_heartbeats import Installation, drain
from tests.integration.notify.conftest import NOW, Outside, at, drain_notify
from tests.integration.stack import Platform
from tests.spans import spans_fixture  # noqa: F401  (the `spans` fixture)


def test_the_heartbeat_worker_continues_the_endpoints_trace(stack: Platform, world: dict[str, Any],
                                                            outside: Outside, spans: InMemorySpanExporter) -> None:
    with at(NOW.date().isoformat()):
        assert world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": ["license.limit"], "language": "ru"}).status == 200
        installation = Installation(world["license"]["license_key"])
        spans.clear()
        assert installation.beat(users=230).body["accepted"]  # over the limit: an alert follows
        assert drain()["batchItemFailures"] == []
        assert drain_notify()["count"] == 1
    assert outside.mails("anna@romashka.ru")

    finished = spans.get_finished_spans()
    endpoint = next(s for s in finished if s.name == "POST /api/licenses/heartbeat")
    heartbeat, alert = sorted((s for s in finished if s.name == "process"), key=lambda s: s.start_time or 0)
    assert endpoint.kind == SpanKind.SERVER and endpoint.attributes["http.response.status_code"] == 200
    assert heartbeat.kind == alert.kind == SpanKind.CONSUMER
    assert heartbeat.context.trace_id == endpoint.context.trace_id
    assert heartbeat.parent.span_id == endpoint.context.span_id  # type: ignore[union-attr]
    # each worker invocation is a trace of its own, linked from the message it handled
    invocations = {s.context.span_id for s in finished if s.name == "lambda_handler"}
    assert all(any(link.context.span_id in invocations for link in s.links) for s in (heartbeat, alert))
    # the alert's e-mails are sent for its message: children of its span
    mails = [s for s in finished if s.name == "SES.SendEmail"]
    assert mails and all(s.parent.span_id == alert.context.span_id for s in mails)  # type: ignore[union-attr]
    # moto drops the MessageSystemAttributes of SendMessageBatch entries, so here the alert's message
    # arrives without the heartbeat's trace; SQS keeps it (and the X-Amzn-Trace-Id header) on AWS


def emitted(out: str) -> list[tuple[str, dict[str, str]]]:
    """(metric, its dimensions other than service) for every EMF line printed."""
    found = []
    for line in out.splitlines():
        document = json.loads(line) if line.startswith('{"_aws"') else None
        if document is None:
            continue
        directive = document["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == "Tessera" and document["service"] == "tessera"
        dimensions = {d: document[d] for d in directive["Dimensions"][0] if d != "service"}
        found += [(metric["Name"], dimensions) for metric in directive["Metrics"]
                  for _ in document[metric["Name"]]]
    return found


def test_business_events_are_emf_metrics(stack: Platform, world: dict[str, Any], outside: Outside,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    with at(NOW.date().isoformat()):
        customer(stack, "boris@vasilek.ru")
        assert world["console"].call("PUT", "/api/console/notifications/preferences", {
            "events": ["license.limit"], "language": "ru"}).status == 200
        installation = Installation(world["license"]["license_key"])
        assert installation.beat(users=230).body["accepted"]
        assert installation.beat(seq=1).body["code"] == "REPLAY"
        drain()
        drain_notify()
    events = emitted(capsys.readouterr().out)
    for expected in [("user_registered", {}), ("customer_created", {"source": "signup"}), ("user_logged_in", {}),
                     ("license_activated", {}), ("heartbeat_received", {"outcome": "ACCEPTED"}),
                     ("heartbeat_received", {"outcome": "REPLAY"}), ("heartbeat_recorded", {}),
                     ("limit_alert_sent", {}), ("notification_sent", {"channel": "email"})]:
        assert expected in events, expected
    assert events.count(("notification_sent", {"channel": "email"})) == 2  # the owner and the admin
