"""A SnapStart function. Its init leaves in the snapshot what a restored environment must not reuse:
the newest id (and its millisecond), Python's random state and an open connection. Each invocation
shows what a restored worker makes of them."""

import http.client
import os
import random
import sys
import time
from urllib.parse import urlsplit

import snapshot_restore_py

from lc_fns.record import record
from tessera.core import clock, ids  # registers tessera's after-restore hooks

if os.environ.get("SNAPSHOT_HOOKS") == "off":  # a function whose author forgot SnapStart's hooks
    snapshot_restore_py.get_after_restore().clear()


@snapshot_restore_py.register_after_restore
def refresh_settings() -> None:
    if os.environ.get("SNAPSHOT_HOOKS") == "failing":
        raise RuntimeError("the settings store is unreachable")

time.sleep(float(os.environ.get("INIT_SECONDS", "0")))  # a slow init (e.g. fetching keys ahead)
SNAPSHOT_MOMENT = clock.now()
with clock.frozen(SNAPSHOT_MOMENT):
    ids.new_id("snap")
endpoint = urlsplit(os.environ["AWS_ENDPOINT_URL"])
connection = http.client.HTTPConnection(endpoint.hostname or "127.0.0.1", endpoint.port)
connection.connect()
record("snap-init", {"pid": os.getpid(), "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"]})
restored: list[int] = []
snapshot_restore_py.register_before_snapshot(record, "snap-before-snapshot",
                                             {"function": os.environ["AWS_LAMBDA_FUNCTION_NAME"]})
snapshot_restore_py.register_after_restore(lambda: restored.append(os.getpid()))


def _connection_is_stale() -> bool:
    assert connection.sock is not None
    try:
        connection.sock.sendall(b"GET /_local/nothing HTTP/1.1\r\nHost: x\r\n\r\n")
        return connection.sock.recv(1) == b""
    except OSError:
        return True


def handler(event, context):
    time.sleep(float(event.get("hold", 0)))  # keeps calls in flight together: each gets its own worker
    action = event.get("action")
    if action == "exit":
        sys.exit(3)
    if action == "print":
        print("restored worker speaking")
    with clock.frozen(SNAPSHOT_MOMENT):  # ids minted in the snapshot's millisecond
        minted = ids.new_id("snap")
    return {
        "pid": os.getpid(), "id": minted, "jitter": random.random(), "restored": restored,
        "stale_connection": _connection_is_stale() if action == "connection" else None,
        "version": context.function_version, "arn": context.invoked_function_arn,
        "initialization_type": os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"),
        "log_group_variable": os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME"),
    }
