"""One Logger, Metrics and Tracer per process, and the decorator every handler wears.

The X-Ray SDK costs ~400 ms to import, more than all of boto3, so the Tracer is created on first
use, never at import: a function that never traces (health) never pays for it. PII never reaches
the logs: keys that name secrets or personal data are masked, and e-mail addresses and phone
numbers inside messages are masked too."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths

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

logger = Logger(use_rfc3339=True)
logger.addFilter(RedactingFilter())
metrics = Metrics()


class _LazyTracer:
    """The Powertools Tracer, built on first attribute access."""

    _instance: Any = None

    def __getattr__(self, name: str) -> Any:
        if _LazyTracer._instance is None:
            from aws_lambda_powertools import Tracer

            _LazyTracer._instance = Tracer()
        return getattr(_LazyTracer._instance, name)


tracer: Any = _LazyTracer()


def lambda_entry(correlation_path: str | None = correlation_paths.API_GATEWAY_HTTP, *, traced: bool = True,
                 measured: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log context with the correlation id, EMF metrics flushed (when `measured`), and an X-Ray
    subsegment (when `traced`)."""

    def decorate(handler: Callable[..., Any]) -> Callable[..., Any]:
        wrapped = logger.inject_lambda_context(correlation_id_path=correlation_path)(handler)
        if measured:
            wrapped = metrics.log_metrics(wrapped)
        if not traced:
            return wrapped
        traced_handler: Callable[..., Any] | None = None

        @functools.wraps(handler)
        def entry(event: Any, context: Any) -> Any:
            nonlocal traced_handler
            if traced_handler is None:
                traced_handler = tracer.capture_lambda_handler(wrapped, capture_response=False)
            return traced_handler(event, context)

        return entry

    return decorate
