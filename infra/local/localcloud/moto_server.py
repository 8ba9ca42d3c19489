"""moto in server mode: every AWS service of the local cloud, in this process."""

from __future__ import annotations

import copy
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
    _transactions_without_table_copies()
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


class _TablesByReference:
    """moto's `copy` module as its DynamoDB backend sees it: tables are not copied (see below), all else is."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        from moto.dynamodb.models.table import Table

        return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _transactions_without_table_copies() -> None:
    """moto backs a transaction up by deep-copying every table it touches and, when it fails, puts the copies
    in the tables' place. For a long-running local cloud that is wrong twice: each transaction copies whole
    tables (slower as they grow: the audit table after an hour), and a failed one swaps a streamed table for a
    copy while the stream readers keep iterators on the old one, so they miss what follows and keep the old
    table alive (gigabytes after an e2e run, and minutes to free at exit). Instead the transaction runs on the
    live tables (one at a time: `_isolate_dynamodb_writes`), having kept the items it names and each stream's
    length; when it fails, those items are put back and the stream records it added dropped."""
    import moto.dynamodb.models as models

    if getattr(models.DynamoDBBackend.transact_write_items, "by_reference", False):
        return
    models.copy = _TablesByReference()  # type: ignore[assignment]
    transact = models.DynamoDBBackend.transact_write_items

    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
        with _write_lock:
            kept, streams = _keep(backend, transact_items)
            try:
                transact(backend, transact_items)
            except Exception:
                for table, key, item in kept:
                    _put_back(table, key, item)
                for shard, length in streams:
                    del shard.items[length:]
                raise

    transact_write_items.by_reference = True  # type: ignore[attr-defined]
    transact_write_items.isolated = True  # type: ignore[attr-defined]
    models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
    _read_streams_once()


def _read_streams_once() -> None:
    """GetRecords under the write lock (a failed transaction's records are dropped before anyone reads them),
    and the iterator it consumed forgotten: moto keeps every iterator it ever handed out, and the local cloud's
    stream readers ask for the next page ten times a second (AWS lets an iterator be read again for 15
    minutes; nothing here reads one twice)."""
    from moto.dynamodbstreams.models import DynamoDBStreamsBackend

    get_records = DynamoDBStreamsBackend.get_records

    @functools.wraps(get_records)
    def get_records_once(backend: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
        with _write_lock:
            page = get_records(backend, iterator_arn, limit)
            backend.shard_iterators.pop(iterator_arn, None)
        return page

    DynamoDBStreamsBackend.get_records = get_records_once  # type: ignore[method-assign]


Kept = list[tuple[Any, Any, Any]]  # (table, key, a copy of its item or None)


def _keep(backend: Any, transact_items: list[dict[str, Any]]) -> tuple[Kept, list[tuple[Any, int]]]:
    """The items the transaction's operations name (those moto can name) and each stream's length."""
    kept: Kept = []
    streams: dict[int, tuple[Any, int]] = {}
    for operation in transact_items:
        for kind, op in operation.items():
            try:
                table = backend.get_table(op["TableName"])
                source = op["Item"] if kind == "Put" else op["Key"]
                key = {table.hash_key_attr: source[table.hash_key_attr]}
                if table.range_key_attr is not None:
                    key[table.range_key_attr] = source[table.range_key_attr]
                item = backend.get_item(op["TableName"], key)
            except Exception:  # noqa: S112  (moto itself refuses this operation, changing nothing)
                continue
            kept.append((table, key, copy.deepcopy(item)))
            if table.stream_shard is not None:
                streams.setdefault(id(table.stream_shard), (table.stream_shard, len(table.stream_shard.items)))
    return kept, list(streams.values())


def _put_back(table: Any, key: dict[str, Any], item: Any) -> None:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    if table.range_key_attr is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
        return
    range_value = DynamoType(key[table.range_key_attr])
    if item is None:
        table.items.get(hash_value, {}).pop(range_value, None)
    else:
        table.items[hash_value][range_value] = item
