"""One Logger and Metrics per process, and the decorator every handler wears (with its X-Ray subsegment).

The logger writes one JSON object per line (what CloudWatch Logs Insights queries), with the Lambda
context and the request's correlation id; the metrics are CloudWatch embedded metric format lines;
traces go to the X-Ray daemon through tessera.core.tracing. All three are small and ours: Powertools'
Logger and Metrics cost ~30 ms of cold import each function pays, and the X-Ray SDK behind its Tracer
more than boto3 on a traced function's first request.

PII never reaches the logs: keys that name secrets or personal data are masked, and e-mail addresses
and phone numbers inside messages are masked too."""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tessera.core import tracing

SENSITIVE_KEYS = re.compile(
    r"pass(word)?|token|secret|authorization|cookie|totp|api[_-]?key|private|card|phone|e_?mail|"
    r"(?:^|_)(?:inn|kpp|snils|otp)(?:$|_)|passport|recovery|credential|signature", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# International numbers written with "+", and Russian ones (7/8 and ten digits) however they are grouped;
# not dates, times or ids, which are digits too.
PHONE = re.compile(r"\+\d[\d\s()-]{8,}\d|(?<![\w-])[78][\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?![\w-])")
MASK = "***"


def redact(value: Any, key: str | None = None) -> Any:
    if key is not None and SENSITIVE_KEYS.search(key):
        return MASK
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return PHONE.sub(MASK, EMAIL.sub(MASK, value))
    return value


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, (str, dict)):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) for a in record.args) if isinstance(record.args, tuple) else record.args
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS:
                record.__dict__[key] = redact(value, key)
        return True


_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service
        self.keys: dict[str, Any] = {}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": record.getMessage() if not isinstance(record.msg, dict) else record.msg,
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "service": self.service,
            **self.keys,
        }
        entry.update((k, v) for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS)
        if record.exc_info:
            entry["exception_name"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exception"] = self.formatException(record.exc_info)
        trace = os.environ.get("_X_AMZN_TRACE_ID", "")
        if trace.startswith("Root="):
            entry["xray_trace_id"] = trace.split(";", 1)[0][5:]
        return json.dumps(entry, default=str, ensure_ascii=False)


class Logger(logging.LoggerAdapter):
    """The process's logger: `logger.info("message", extra={...})`, keys appended per invocation."""

    def __init__(self, service: str) -> None:
        base = logging.getLogger(service)
        base.propagate = False
        base.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", os.environ.get("LOG_LEVEL", "INFO")).upper())
        self.formatter = JsonFormatter(service)
        self.registered_handler = logging.StreamHandler(sys.stdout)
        self.registered_handler.setFormatter(self.formatter)
        base.handlers = [self.registered_handler]
        super().__init__(base, {})

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        return msg, kwargs

    def addFilter(self, log_filter: logging.Filter) -> None:
        self.logger.addFilter(log_filter)

    def append_keys(self, **keys: Any) -> None:
        self.formatter.keys.update(redact(keys))

    def clear_keys(self) -> None:
        self.formatter.keys.clear()


class Metrics:
    """CloudWatch embedded metric format: `add_metric` during an invocation, one line flushed at its end."""

    def __init__(self, namespace: str, service: str) -> None:
        self.namespace, self.service = namespace, service
        self.values: dict[str, tuple[str, list[float]]] = {}

    def add_metric(self, name: str, unit: str, value: float) -> None:
        self.values.setdefault(name, (unit, []))[1].append(value)

    def flush(self) -> None:
        if not self.values:
            return
        document: dict[str, Any] = {"_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
            "Namespace": self.namespace, "Dimensions": [["service"]],
            "Metrics": [{"Name": name, "Unit": unit} for name, (unit, _) in self.values.items()]}]},
            "service": self.service}
        document.update((name, values if len(values) > 1 else values[0]) for name, (_, values) in self.values.items())
        self.values = {}
        print(json.dumps(document), flush=True)


_SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "tessera")
logger = Logger(_SERVICE)
logger.addFilter(RedactingFilter())
metrics = Metrics(os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Tessera"), _SERVICE)
_cold_start = True


def _dig(event: Any, path: str) -> Any:
    for part in path.split("."):
        event = event.get(part) if isinstance(event, dict) else None
    return event


def lambda_entry(correlation_path: str | None = "requestContext.requestId", *, traced: bool = True,
                 measured: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log keys from the Lambda context and the correlation id, EMF metrics flushed (when `measured`),
    and an X-Ray subsegment (when `traced` and tracing is on)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        def logged(event: Any, context: Any) -> Any:
            global _cold_start
            logger.clear_keys()
            logger.append_keys(cold_start=_cold_start, function_name=getattr(context, "function_name", None),
                               function_request_id=getattr(context, "aws_request_id", None),
                               correlation_id=_dig(event, correlation_path) if correlation_path else None)
            _cold_start = False
            try:
                return handler(event, context)
            finally:
                if measured:
                    metrics.flush()

        @functools.wraps(handler)
        def entry(event: Any, context: Any) -> Any:
            if not traced:
                return logged(event, context)
            with tracing.subsegment(f"## {handler.__name__}") as segment:
                segment.annotations.update(ColdStart=_cold_start, Service=_SERVICE)
                return logged(event, context)

        return entry

    return decorate
