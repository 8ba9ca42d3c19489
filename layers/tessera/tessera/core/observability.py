"""One Logger, one Metrics and one tracer per process, and the decorator every handler wears.

Logs: Powertools Logger, JSON lines with the correlation id (the API Gateway request id, or the event
record's id in a worker), the caller's org / workspace, and one access line per HTTP request.
Metrics: Powertools Metrics (EMF, namespace `Tessera`); `count()` records a business event.
Traces: OpenTelemetry, one span per invocation under Lambda's X-Ray segment, one per boto3 call (the
botocore instrumentation); SQS messages carry the trace to their worker (`sqs_trace_header`, `handling`).
On AWS spans go by OTLP to the ADOT collector layer; without OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the
local cloud, tests) nothing is exported.

PII never leaves the function: log lines and spans pass through `redact`, which masks values under keys
naming secrets or personal data, and e-mail addresses and phone numbers inside any text."""

from __future__ import annotations

import functools
import importlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from aws_lambda_powertools import Logger, Metrics, single_metric
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
from opentelemetry.propagators.aws import AwsXRayLambdaPropagator, AwsXRayPropagator
from opentelemetry.sdk.extension.aws.trace import AwsXRayIdGenerator
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

SENSITIVE_KEYS = re.compile(
    r"pass(word)?|token|secret|authorization|cookie|totp|api[_-]?key|private|card|phone|e_?mail|"
    r"(?:^|_)(?:inn|kpp|snils|otp)(?:$|_)|passport|recovery|credential|signature", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# International numbers written with "+", and Russian ones (7/8 and ten digits) however they are grouped;
# not dates, times or ids, which are digits too.
PHONE = re.compile(r"\+\d[\d\s()-]{8,}\d|(?<![\w-])[78][\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?![\w-])")
# Log-only: the audit log (which shares SENSITIVE_KEYS) records the client's address on purpose
CLIENT_ADDRESS_KEYS = re.compile(r"(?:^|_)ip(?:$|_)", re.I)
MASK = "***"


@functools.lru_cache(maxsize=1024)  # every log line has the same dozen keys
def _secret_key(key: str) -> bool:
    return bool(SENSITIVE_KEYS.search(key) or CLIENT_ADDRESS_KEYS.search(key))


def redact(value: Any, key: str | None = None) -> Any:
    if key is not None and _secret_key(key):
        return MASK
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # anything else is logged as its text (an exception in a stack trace, a datetime): mask that text
    text = str(value)
    return PHONE.sub(MASK, EMAIL.sub(MASK, text) if "@" in text else text)


def _redacted_json(log: dict[str, Any]) -> str:
    return json.dumps(redact(log), separators=(",", ":"), ensure_ascii=False)


SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "tessera")
logger = Logger(service=SERVICE, json_serializer=_redacted_json, utc=True, use_rfc3339=True)
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Tessera"), service=SERVICE)


def count(event: str, **dimensions: str) -> None:
    """One business event (`user_registered`, `license_issued`, …) as an EMF count. Dimensions only with
    few values (channel, outcome): each combination is a metric CloudWatch bills."""
    if not dimensions:
        metrics.add_metric(name=event, unit=MetricUnit.Count, value=1)
        return
    with single_metric(name=event, unit=MetricUnit.Count, value=1, namespace=metrics.namespace,
                       default_dimensions=metrics.default_dimensions) as metric:
        for name, value in dimensions.items():
            metric.add_dimension(name=name, value=value)


# --- traces ---------------------------------------------------------------------------------------

class RedactingExporter(SpanExporter):
    """Hands spans on with `redact` applied to attributes, events and status: the botocore
    instrumentation records AWS error messages, which can quote an address (SES does)."""

    def __init__(self, exporter: SpanExporter) -> None:
        self.exporter = exporter

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self.exporter.export([_redacted(span) for span in spans])

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.exporter.force_flush(timeout_millis)


def _redacted(span: ReadableSpan) -> ReadableSpan:
    status = span.status
    if status.description:
        status = Status(status.status_code, redact(status.description))
    return ReadableSpan(
        name=span.name, context=span.context, parent=span.parent, resource=span.resource,
        attributes=redact(dict(span.attributes or {})), links=span.links, kind=span.kind, status=status,
        events=[Event(e.name, redact(dict(e.attributes or {})), e.timestamp) for e in span.events],
        start_time=span.start_time, end_time=span.end_time, instrumentation_scope=span.instrumentation_scope)


# Not AwsLambdaResourceDetector: it needs AWS_LAMBDA_LOG_STREAM_NAME, which SnapStart functions lack
_resource = Resource.create({"service.name": SERVICE, "cloud.provider": "aws", **{
    attribute: os.environ[variable] for attribute, variable in (
        ("cloud.region", "AWS_REGION"), ("faas.name", "AWS_LAMBDA_FUNCTION_NAME"),
        ("faas.version", "AWS_LAMBDA_FUNCTION_VERSION")) if variable in os.environ}})
# X-Ray takes only trace ids that start with the time
tracer_provider = TracerProvider(id_generator=AwsXRayIdGenerator(), resource=_resource)
_TRACES_ENDPOINT = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
if _TRACES_ENDPOINT:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    # The collector is on localhost: a short timeout, and the batch leaves at the end of each invocation
    tracer_provider.add_span_processor(BatchSpanProcessor(RedactingExporter(
        OTLPSpanExporter(endpoint=_TRACES_ENDPOINT, timeout=2))))
trace.set_tracer_provider(tracer_provider)
BotocoreInstrumentor().instrument(tracer_provider=tracer_provider, skip_dep_check=True)
for service in ("dynamodb", "secretsmanager", "sqs"):  # imported on a service's first call otherwise
    importlib.import_module(f"opentelemetry.instrumentation.botocore.extensions.{service}")
tracer = tracer_provider.get_tracer("tessera")
_XRAY = AwsXRayPropagator()
_LAMBDA_XRAY = AwsXRayLambdaPropagator()  # the parent is the invocation's segment, in _X_AMZN_TRACE_ID


def sqs_trace_header() -> dict[str, Any]:
    """`send_message(…, **sqs_trace_header())`: the current span as the message's AWSTraceHeader, so its
    worker continues the trace. On AWS, SQS also takes it from the X-Amzn-Trace-Id header the botocore
    instrumentation adds to the request; moto (tests, the local cloud) takes only the attribute."""
    carrier: dict[str, str] = {}
    _XRAY.inject(carrier)
    header = carrier.get("X-Amzn-Trace-Id")
    if not header:
        return {}
    return {"MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": header}}}


def _queued_context(record: dict[str, Any]) -> Context | None:
    header = (record.get("attributes") or {}).get("AWSTraceHeader")
    return _XRAY.extract({"X-Amzn-Trace-Id": header}) if header else None


@contextmanager
def handling(*records: dict[str, Any]) -> Iterator[None]:
    """Work on event records (SQS messages, stream records): a span that continues the trace of the first
    record (whose work this is; SQS records carry one) and links the invocation and the other records;
    meanwhile the log's correlation id is the first record's id."""
    first, *others = [_queued_context(record) for record in records]
    linked = [trace.get_current_span().get_span_context()]
    linked += [trace.get_current_span(other).get_span_context() for other in others if other is not None]
    record_id = str(records[0].get("messageId") or records[0].get("eventID") or "")
    previous = logger.get_correlation_id()
    logger.set_correlation_id(record_id)
    try:
        with tracer.start_as_current_span(
                "process", context=first, kind=SpanKind.CONSUMER,
                links=[Link(span_context) for span_context in linked if span_context.is_valid],
                attributes={"messaging.message.id": record_id, "messaging.batch.message_count": len(records)}):
            yield
    finally:
        logger.set_correlation_id(previous)


# --- the handler decorator ------------------------------------------------------------------------

def _caller_keys(event: dict[str, Any]) -> dict[str, Any]:
    """The org / workspace the request acts for: the signed-in customer's, or the one in the path."""
    request = event.get("requestContext") or {}
    authorized = (request.get("authorizer") or {}).get("lambda") or {}
    path = event.get("pathParameters") or {}
    return {"org_id": authorized.get("org_id") or path.get("org_id"), "workspace_id": path.get("workspace_id")}


def _is_http_request(event: Any) -> bool:
    """API Gateway's payload 2.0 (an authorizer's event has the same shape, with "type": "REQUEST")."""
    return isinstance(event, dict) and "http" in (event.get("requestContext") or {}) and event.get("type") != "REQUEST"


@contextmanager
def _invocation_span(name: str, event: Any, context: Any) -> Iterator[trace.Span]:
    http = _is_http_request(event)
    with tracer.start_as_current_span(
            event["routeKey"] if http and event.get("routeKey") else name, context=_LAMBDA_XRAY.extract({}),
            kind=SpanKind.SERVER if http else SpanKind.INTERNAL,
            # the exception's type only: its message can carry personal data
            record_exception=False, set_status_on_exception=False,
            attributes={"faas.invocation_id": getattr(context, "aws_request_id", "")}) as span:
        try:
            yield span
        except Exception as exc:
            span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
            raise


def _access_line(event: dict[str, Any], answer: Any, started: float, span: trace.Span | None) -> None:
    status = answer.get("statusCode", 200) if isinstance(answer, dict) else 500
    if span is not None:
        span.set_attribute("http.response.status_code", status)
        if status >= 500:
            span.set_status(Status(StatusCode.ERROR))
    # the route key, never the raw path or query (ids, tokens); the client's address is not logged
    logger.info("request", extra={"route": event.get("routeKey"), "status": status,
                                  "latency_ms": round((time.perf_counter() - started) * 1000, 1)})


def lambda_entry(correlation_path: str | None = correlation_paths.API_GATEWAY_HTTP, *, traced: bool = True,
                 measured: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log keys from the Lambda context, the correlation id and the caller; one access line per HTTP
    request; EMF metrics flushed (when `measured`); a span for the invocation (when `traced`)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        def with_caller(event: Any, context: Any) -> Any:
            if isinstance(event, dict):
                logger.append_keys(**_caller_keys(event))
            return handler(event, context)

        logged = logger.inject_lambda_context(correlation_id_path=correlation_path, clear_state=True)(with_caller)

        @functools.wraps(handler)
        def entry(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            answer: Any = None
            span = None
            try:
                with _invocation_span(handler.__name__, event, context) if traced else nullcontext() as span:
                    try:
                        answer = logged(event, context)
                        return answer
                    finally:
                        if _is_http_request(event):
                            _access_line(event, answer, started, span)
            finally:
                if measured and metrics.metric_set:
                    metrics.flush_metrics()
                if traced and _TRACES_ENDPOINT:  # Lambda freezes the process: spans leave before the answer
                    tracer_provider.force_flush(timeout_millis=2_000)

        return entry

    return decorate
