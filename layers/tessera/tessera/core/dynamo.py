"""The PynamoDB base every context's records build on, and the repository helpers.

Each context owns one table, named by an environment variable declared in template.yaml. PynamoDB
(like boto3) honours AWS_ENDPOINT_URL, which is how the local cloud and a 152-ФЗ deployment with a
DynamoDB-compatible store in Russia point the same code elsewhere."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TypeVar

from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from tessera.core.errors import Conflict, NotFound
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor


def record_meta(table_env_var: str) -> Any:
    """A PynamoDB Meta for the table named by `table_env_var` (read when the model class is created)."""

    class Meta:
        table_env = table_env_var
        table_name = os.environ.get(table_env_var, f"unset-{table_env_var}")
        region = os.environ.get("AWS_REGION", "eu-central-1")
        max_retry_attempts = 3
        connect_timeout_seconds = 2
        read_timeout_seconds = 5

    return Meta


_shared_connection: Connection | None = None


def shared_connection() -> Connection:
    """One low-level connection per process for transactions and batch reads: a botocore client costs
    ~70 ms to build, more than the call it makes."""
    global _shared_connection
    if _shared_connection is None:
        _shared_connection = Connection(region=os.environ.get("AWS_REGION", "eu-central-1"), max_retry_attempts=3)
    return _shared_connection


def bind_table(model: type[Model], table_name: str) -> None:
    """Point a model at another table (tests, multi-region tooling)."""
    global _shared_connection
    model.Meta.table_name = table_name
    model._connection = None
    _shared_connection = None


def rebind_from_env() -> None:
    """Re-read every record's table name from its environment variable (tests that set env late)."""
    pending: list[type[Model]] = [BaseRecord]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        variable = getattr(model.Meta, "table_env", None)
        if variable and variable in os.environ:
            bind_table(model, os.environ[variable])


class BaseRecord(Model):
    """String `pk`/`sk` with typed prefixes (`ORG#acc_…`, `LIC#lic_…`); several entity types may share a table."""

    class Meta:
        abstract = True

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


R = TypeVar("R", bound=BaseRecord)


def put_new(record: BaseRecord, what: str = "record") -> None:
    """Create, or raise Conflict if an item with the same key exists: no silent overwrite."""
    try:
        record.save(condition=type(record).pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict(f"This {what} already exists.", code="already-exists") from exc
        raise


def get_or_404(model: type[R], pk: str, sk: str, what: str = "record") -> R:
    try:
        return model.get(pk, sk)
    except model.DoesNotExist as exc:
        raise NotFound(f"No such {what}.") from exc


def query_page(model: type[R], pk: str, *, sk_prefix: str | None = None, index: Any = None, limit: int | None = None,
               cursor: str | None = None, newest_first: bool = False,
               filter_condition: Any = None) -> tuple[Sequence[R], str | None]:
    """One page of a single-partition query: the items and the cursor of the next page (or None)."""
    source = index if index is not None else model
    hash_attr = source._hash_key_attribute() if index is not None else model._hash_key_attribute()
    range_attr = source._range_key_attribute() if index is not None else model._range_key_attribute()
    del hash_attr
    condition = range_attr.startswith(sk_prefix) if sk_prefix and range_attr is not None else None
    result = source.query(pk, range_key_condition=condition, filter_condition=filter_condition,
                          limit=clamp_limit(limit), last_evaluated_key=decode_cursor(cursor),
                          scan_index_forward=not newest_first)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key)
