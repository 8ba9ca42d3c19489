"""Logs, metrics and traces as the functions emit them: JSON lines without PII, one access line per
request, EMF business metrics, and spans that join Lambda's X-Ray trace and follow a message through SQS."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tessera.core.observability import (
    MASK,
    count,
    handling,
    lambda_entry,
    logger,
    metrics,
    redact,
    sqs_trace_header,
    tracer,
)
from tests.spans import spans_fixture  # noqa: F401  (the `spans` fixture)
from tests.unit.conftest import LambdaContext, http_event

XRAY_ROOT = "1-5759e988-bd862e3fe1be46a994272793"
XRAY_PARENT = "53995c3f42cd8ad8"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    original = logger.registered_handler.setStream(stream)  # type: ignore[attr-defined]
    yield stream
    logger.registered_handler.setStream(original)  # type: ignore[attr-defined]


def lines(log: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.getvalue().splitlines()]


def emf(out: str) -> list[dict[str, Any]]:
    return [doc for doc in (json.loads(line) for line in out.splitlines() if line.startswith("{")) if "_aws" in doc]


# --- logs -----------------------------------------------------------------------------------------

def test_redaction_of_keys_and_inline_pii() -> None:
    data = {"email": "a@b.ru", "password": "x", "note": "call +7 (916) 123-45-67 or ivan.petrov@mail.ru",
            "nested": [{"refresh_token": "t"}], "inn": "7707083893", "count": 3, "business_inn_id": "k"}
    cleaned = redact(data)
    assert cleaned["email"] == MASK and cleaned["password"] == MASK and cleaned["inn"] == MASK
    assert cleaned["note"] == f"call {MASK} or {MASK}"
    assert cleaned["nested"] == [{"refresh_token": MASK}] and cleaned["count"] == 3
    assert redact(ValueError("to ivan@example.com")) == f"to {MASK}"  # any object is masked as its text


def test_no_pii_reaches_the_log_not_even_in_an_exception(log: io.StringIO) -> None:
    def sign_up(address: str, phone: str) -> None:
        raise ValueError(f"cannot register {address} with phone {phone}")

    try:
        sign_up("ivan.petrov@example.com", "+7 916 123-45-67")
    except ValueError:
        logger.exception("sign-up failed for %s", "maria@example.ru",
                         extra={"password": "hunter2", "client_ip": "203.0.113.7", "user_id": "usr_1"})
    (line,) = lines(log)
    out = json.dumps(line, ensure_ascii=False)
    for secret in ("ivan.petrov@example.com", "916 123-45-67", "maria@example.ru", "hunter2", "203.0.113.7"):
        assert secret not in out
    # …and what is not personal stays readable
    assert line["message"] == f"sign-up failed for {MASK}" and line["user_id"] == "usr_1"
    assert line["exception_name"] == "ValueError" and "sign_up" in line["exception"]
    assert line["stack_trace"]["value"] == f"cannot register {MASK} with phone {MASK}"


def test_one_access_line_per_request_with_route_status_latency_and_org(log: io.StringIO) -> None:
    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        logger.info("working")
        return {"statusCode": 404, "body": "{}"}

    event = http_event("GET", "/api/app/orgs/org_7/licenses/lic_42", query={"token": "secret-token"},
                       route_key="GET /api/app/orgs/{org_id}/licenses/{license_id}",
                       authorizer={"user_id": "usr_1", "org_id": "org_7"})
    handler(event, LambdaContext())
    working, access = lines(log)
    assert working["message"] == "working" and working["correlation_id"] == "req-test-1"
    assert access["message"] == "request"
    assert access["route"] == "GET /api/app/orgs/{org_id}/licenses/{license_id}" and access["status"] == 404
    assert isinstance(access["latency_ms"], float) and access["org_id"] == working["org_id"] == "org_7"
    out = json.dumps(access)
    assert "lic_42" not in out and "secret-token" not in out and "203.0.113.7" not in out


def test_a_failing_handler_still_logs_its_request_as_a_500(log: io.StringIO) -> None:
    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler(http_event("POST", "/api/things", path_parameters={"org_id": "org_9"}), LambdaContext())
    (access,) = lines(log)
    assert (access["route"], access["status"], access["org_id"]) == ("POST /api/things", 500, "org_9")


def test_the_authorizer_and_workers_log_no_access_line(log: io.StringIO) -> None:
    @lambda_entry(measured=False)
    def authorizer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"isAuthorized": False}

    @lambda_entry(correlation_path=None)
    def worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with handling(event["Records"][0]):
            logger.info("applied")
        return {"batchItemFailures": []}

    authorizer({**http_event("GET", "/api/console/x"), "type": "REQUEST"}, LambdaContext())
    worker({"Records": [{"messageId": "msg-1", "body": "{}"}]}, LambdaContext())
    worker({"Records": [{"eventID": "stream-7", "dynamodb": {}}]}, LambdaContext())
    assert [(line["message"], line["correlation_id"]) for line in lines(log)] == [("applied", "msg-1"),
                                                                                  ("applied", "stream-7")]


# --- metrics --------------------------------------------------------------------------------------

def test_business_events_are_emf_counts_in_the_tessera_namespace(capsys: pytest.CaptureFixture[str]) -> None:
    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        count("license_issued")
        count("license_issued")
        count("notification_sent", channel="telegram")
        return {"statusCode": 201}

    handler(http_event("POST", "/api/console/licenses"), LambdaContext())
    documents = emf(capsys.readouterr().out)
    by_metric = {d["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"]: d for d in documents}
    issued, sent = by_metric["license_issued"], by_metric["notification_sent"]
    assert issued["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "Tessera"
    assert issued["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]
    assert issued["license_issued"] == [1.0, 1.0] and issued["service"] == "tessera-test"
    assert sorted(sent["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == ["channel", "service"]
    assert sent["channel"] == "telegram" and sent["notification_sent"] == [1.0]
    assert not metrics.metric_set  # flushed with the invocation


def test_an_invocation_without_metrics_prints_no_emf(capsys: pytest.CaptureFixture[str]) -> None:
    lambda_entry()(lambda event, context: {"statusCode": 200})(http_event("GET", "/api/x"), LambdaContext())
    assert emf(capsys.readouterr().out) == []


# --- traces ---------------------------------------------------------------------------------------

def test_the_invocation_span_joins_the_lambda_trace_and_aws_calls_are_its_children(
        spans: InMemorySpanExporter, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", f"Root={XRAY_ROOT};Parent={XRAY_PARENT};Sampled=1")
    sent_headers: list[str] = []

    @lambda_entry()
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        s3 = boto3.client("s3", region_name="eu-central-1")
        s3.meta.events.register_first("before-send", lambda request, **_: sent_headers.append(
            request.headers.get("X-Amzn-Trace-Id", b"").decode()))
        s3.create_bucket(Bucket="traced", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        return {"statusCode": 200}

    with mock_aws():
        handler(http_event("POST", "/api/things/1", route_key="POST /api/things/{id}"), LambdaContext())
    by_name = {span.name: span for span in spans.get_finished_spans()}
    invocation, call = by_name["POST /api/things/{id}"], by_name["S3.CreateBucket"]
    assert f"{invocation.context.trace_id:032x}" == XRAY_ROOT[2:].replace("-", "")
    assert f"{invocation.parent.span_id:016x}" == XRAY_PARENT  # type: ignore[union-attr]
    assert invocation.kind == trace.SpanKind.SERVER and invocation.attributes["http.response.status_code"] == 200
    assert call.parent.span_id == invocation.context.span_id  # type: ignore[union-attr]
    assert call.attributes["rpc.service"] == "S3" and call.attributes["rpc.method"] == "CreateBucket"
    # AWS is told the trace too (SQS turns this header into a message's AWSTraceHeader)
    assert sent_headers and sent_headers[0].startswith(f"Root={XRAY_ROOT};Parent={call.context.span_id:016x}")


def test_spans_carry_no_pii(spans: InMemorySpanExporter) -> None:
    @lambda_entry(correlation_path=None)
    def handler(event: dict[str, Any], context: Any) -> None:
        with tracer.start_as_current_span("send") as span:
            span.set_attribute("note", "to ivan@example.com")
            try:
                raise RuntimeError("Email address is not verified: ivan@example.com")
            except RuntimeError as exc:
                span.record_exception(exc)
                span.set_status(trace.Status(trace.StatusCode.ERROR, str(exc)))
        raise ValueError("for maria@example.ru")

    with pytest.raises(ValueError):
        handler({}, LambdaContext())
    finished = spans.get_finished_spans()
    assert len(finished) == 2
    out = repr([(s.attributes, [e.attributes for e in s.events], s.status.description) for s in finished])
    assert "@example" not in out and MASK in out
    invocation = next(s for s in finished if s.name == "handler")
    assert invocation.status.description == "ValueError" and not invocation.events  # the type, not the message


def test_a_queued_message_continues_the_trace_of_its_sender(spans: InMemorySpanExporter) -> None:
    with tracer.start_as_current_span("endpoint") as endpoint:
        attribute = sqs_trace_header()["MessageSystemAttributes"]["AWSTraceHeader"]
    record = {"messageId": "m-1", "body": "{}", "attributes": {"AWSTraceHeader": attribute["StringValue"]}}
    unrelated = {"messageId": "m-2", "body": "{}", "attributes": {
        "AWSTraceHeader": f"Root={XRAY_ROOT};Parent={XRAY_PARENT};Sampled=1"}}

    @lambda_entry(correlation_path=None)
    def worker(event: dict[str, Any], context: Any) -> None:
        with handling(*event["Records"]):
            pass

    worker({"Records": [record, unrelated]}, LambdaContext())
    processed = next(s for s in spans.get_finished_spans() if s.name == "process")
    invocation = next(s for s in spans.get_finished_spans() if s.name == "worker")
    assert processed.context.trace_id == endpoint.get_span_context().trace_id
    assert processed.parent.span_id == endpoint.get_span_context().span_id  # type: ignore[union-attr]
    assert processed.kind == trace.SpanKind.CONSUMER and processed.attributes["messaging.message.id"] == "m-1"
    assert {link.context.span_id for link in processed.links} == {invocation.context.span_id,
                                                                 int(XRAY_PARENT, 16)}


def test_outside_a_span_a_message_carries_no_trace_header() -> None:
    assert sqs_trace_header() == {}
