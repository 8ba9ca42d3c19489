"""X-Ray subsegments, sent to the Lambda's X-Ray daemon as the X-Ray SDK sends them, without the SDK.

With `Tracing: Active` Lambda starts a segment for every sampled invocation and names it in
`_X_AMZN_TRACE_ID` (Root, Parent, Sampled). A subsegment is a JSON document sent by UDP to the daemon
at AWS_XRAY_DAEMON_ADDRESS, its parent the invocation's segment or the enclosing subsegment. The X-Ray
SDK (which Powertools' Tracer wraps) costs more to import than boto3, and a traced function paid that
on its first request; this module costs nothing to import and sends one small datagram per subsegment.

`subsegment()` does nothing outside a sampled invocation (tests, the local cloud, health checks) or
when POWERTOOLS_TRACE_DISABLED is set."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

HEADER = b'{"format": "json", "version": 1}\n'
_parent: ContextVar[str | None] = ContextVar("xray_parent", default=None)
_socket: socket.socket | None = None


@dataclass
class Subsegment:
    name: str
    namespace: str = "local"
    annotations: dict[str, str | int | float | bool] = field(default_factory=dict)
    aws: dict[str, Any] = field(default_factory=dict)
    http_status: int | None = None
    error: bool = False  # the caller's mistake (a 4xx answer): an exception then is an error, not a fault
    fault: bool = False  # a 5xx answer, or any other exception


def trace_context() -> tuple[str, str] | None:
    """(trace id, the invocation segment's id) of a sampled invocation, else None."""
    if os.environ.get("POWERTOOLS_TRACE_DISABLED", "").lower() in ("1", "true"):
        return None
    parts = dict(p.split("=", 1) for p in os.environ.get("_X_AMZN_TRACE_ID", "").split(";") if "=" in p)
    if parts.get("Sampled") != "1" or "Root" not in parts or "Parent" not in parts:
        return None
    return parts["Root"], parts["Parent"]


@contextmanager
def subsegment(name: str, namespace: str = "local", **aws: Any) -> Iterator[Subsegment]:
    """Time the block as a subsegment of the current one; an exception marks it a fault and propagates."""
    segment = Subsegment(name, namespace, aws={k: v for k, v in aws.items() if v is not None})
    context = trace_context()
    if context is None:
        yield segment
        return
    trace_id, invocation = context
    segment_id = os.urandom(8).hex()
    parent = _parent.get() or invocation
    token = _parent.set(segment_id)
    start = time.time()
    failure: BaseException | None = None
    try:
        yield segment
    except BaseException as exc:
        failure = exc
        raise
    finally:
        _parent.reset(token)
        document: dict[str, Any] = {"name": segment.name, "id": segment_id, "trace_id": trace_id,
                                    "parent_id": parent, "type": "subsegment", "namespace": segment.namespace,
                                    "start_time": start, "end_time": time.time()}
        if segment.annotations:
            document["annotations"] = segment.annotations
        if segment.aws:
            document["aws"] = segment.aws
        if segment.http_status is not None:
            document["http"] = {"response": {"status": segment.http_status}}
        if failure is not None or segment.fault or segment.error:
            document["error" if segment.error and not segment.fault else "fault"] = True
        if failure is not None:
            # the type only: messages can carry personal data, which must not leave the function
            document["cause"] = {"exceptions": [{"id": os.urandom(8).hex(), "type": type(failure).__name__}]}
        send(document)


def daemon_address() -> tuple[str, int]:
    """AWS_XRAY_DAEMON_ADDRESS is "host:port" or "tcp:host:port udp:host:port"."""
    value = os.environ.get("AWS_XRAY_DAEMON_ADDRESS", "127.0.0.1:2000")
    chosen = next((p[4:] for p in value.split() if p.startswith("udp:")), value.split()[0])
    host, _, port = chosen.rpartition(":")
    return host, int(port)


def send(document: dict[str, Any]) -> None:
    """One datagram; tracing never fails a request."""
    global _socket
    try:
        if _socket is None:
            _socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        _socket.sendto(HEADER + json.dumps(document, separators=(",", ":"), default=str).encode(), daemon_address())
    except OSError:
        pass
