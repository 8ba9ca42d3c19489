"""moto in server mode: every AWS service of the local cloud, in this process."""

from __future__ import annotations

import functools
import json
import logging
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class MotoServer:
    server: Any
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.server.stop()


def start_moto(host: str = "127.0.0.1", port: int = 0) -> MotoServer:
    from moto.server import ThreadedMotoServer

    _isolate_dynamodb_writes()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    _, bound_port = server.get_host_and_port()
    moto = MotoServer(server, host, int(bound_port))
    # moto's backends live in this process: a second cloud started here must not see the first one's state.
    urllib.request.urlopen(urllib.request.Request(f"{moto.url}/moto-api/reset", method="POST"), timeout=10).read()
    # Step Functions executions really run (moto only validates definitions otherwise).
    request = urllib.request.Request(
        f"{moto.url}/moto-api/config", data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
        method="POST", headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).read()
    return moto


_write_lock = threading.RLock()


def _isolate_dynamodb_writes() -> None:
    """One DynamoDB write at a time, as DynamoDB isolates them. moto's server answers requests on many
    threads, and a transaction deep-copies every table it touches (to undo itself): a put landing
    during that copy fails it ("dictionary changed size during iteration")."""
    from moto.dynamodb.models import DynamoDBBackend

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "isolated", False):
            setattr(DynamoDBBackend, name, _isolated(method))


def _isolated(method: Any) -> Any:
    @functools.wraps(method)
    def isolated(*args: Any, **kwargs: Any) -> Any:
        with _write_lock:
            return method(*args, **kwargs)

    isolated.isolated = True  # type: ignore[attr-defined]
    return isolated
