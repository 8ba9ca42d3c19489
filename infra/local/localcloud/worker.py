"""The process one function runs in, as a Lambda execution environment would.

Started by the invoker with only the function's own environment. It imports the handler once (the
cold start), then answers invocations framed on stdin/stdout: a 4-byte big-endian length and a
JSON document each way. The handler's own prints go to stderr, which the invoker forwards to the log.
"""

from __future__ import annotations

import importlib
import json
import os
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO


class LambdaContext:
    def __init__(self, request_id: str, deadline_ms: float, client_context: Any = None) -> None:
        name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "local")
        self.function_name = name
        self.function_version = "$LATEST"
        self.invoked_function_arn = os.environ.get("LOCALCLOUD_FUNCTION_ARN", name)
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{name}"
        self.log_stream_name = "local"
        self.client_context = client_context
        self.identity = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self._deadline_ms - time.time() * 1000))


def read_frame(stream: BinaryIO) -> bytes | None:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (size,) = struct.unpack(">I", header)
    return stream.read(size)


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(struct.pack(">I", len(payload)) + payload)
    stream.flush()


def error_payload(error_type: str, message: str, trace: list[str] | None = None) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "stackTrace": trace or []}


def load_handler(spec: str) -> tuple[Any, dict[str, Any] | None]:
    module_name, _, attr = spec.rpartition(".")
    if not module_name:
        return None, error_payload("Runtime.MalformedHandlerName", f"Bad handler '{spec}': not enough values")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        return None, error_payload(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}",
            traceback.format_exception(exc)[-5:],
        )
    handler = getattr(module, attr, None)
    if handler is None:
        return None, error_payload("Runtime.HandlerNotFound", f"Handler '{attr}' missing on module '{module_name}'")
    return handler, None


def main() -> None:
    # The protocol owns the real stdout; anything the handler prints goes to stderr.
    channel_in = sys.stdin.buffer
    channel_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    sys.path[:0] = [p for p in os.environ.get("LOCALCLOUD_SYS_PATH", "").split(os.pathsep) if p]
    handler, init_error = load_handler(os.environ["_HANDLER"])
    write_frame(channel_out, b'{"ready": true}')  # init is over: the invoker times invocations from here
    while True:
        frame = read_frame(channel_in)
        if frame is None:
            return
        request = json.loads(frame)
        if init_error is not None:
            write_frame(channel_out, json.dumps({"error": init_error}).encode())
            continue
        context = LambdaContext(request["request_id"], request["deadline_ms"], request.get("client_context"))
        try:
            result = handler(request["event"], context)
            body = json.dumps({"result": result}, default=str).encode()
        except Exception as exc:
            trace = traceback.format_exception(exc)
            print(f"[ERROR] {type(exc).__name__}: {exc}\n{''.join(trace[-6:])}", file=sys.stderr, flush=True)
            body = json.dumps({"error": error_payload(type(exc).__name__, str(exc), trace[-10:])}).encode()
        write_frame(channel_out, body)


if __name__ == "__main__":
    main()
