"""The PynamoDB base every context's records build on, and the repository helpers.

Each context owns one table, named by an environment variable declared in template.yaml; the name is
read when the record class is created, and a function without that table still imports the records.

One botocore DynamoDB client (`dynamodb`, from tessera.core.aws: region, endpoint, retries and
timeouts) serves every record class and transaction. It is created at import, so Lambda's init phase
and the SnapStart snapshot hold it; PynamoDB would otherwise build one per record class on its first
call, each with a botocore session of its own (~100 ms apiece, on the request path)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from botocore.config import Config
from pynamodb.attributes import Attribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactGet, TransactWrite

from tessera.core import aws
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor
from tessera.core.settings import CoreSettings, get_settings

# Without client-side parameter validation, as PynamoDB builds its own client: it costs up to a few
# milliseconds per transaction, and DynamoDB validates every request anyway.
dynamodb = aws.client("dynamodb", config=Config(parameter_validation=False))


def _on_the_shared_client(connection: Connection) -> Connection:
    connection._client = dynamodb  # type: ignore[assignment]  # PynamoDB only builds its own when this one lacks credentials
    return connection


_connection = _on_the_shared_client(Connection())


def transaction() -> TransactWrite:
    """Writes that happen together or not at all (botocore gives each a ClientRequestToken, so a retry
    cannot apply them twice). PynamoDB sends condition checks first, then deletes, puts and updates,
    whatever order they were added in: tell failed writes apart with `refused`."""
    return TransactWrite(connection=_connection)


def reading() -> TransactGet:
    """Items of any record classes read together in one TransactGetItems call (strongly consistent):
    `tx.get(Model, pk, sk)` gives a future whose `.get()` answers the record or raises DoesNotExist."""
    return TransactGet(connection=_connection)


def refused(error: TransactWriteError, record: Any) -> bool:
    """Whether `record`'s own condition cancelled the transaction, told by the item the cancellation
    reason carries: the write must ask for it (`return_values="ALL_OLD"`), so this fits conditions that
    fail on an existing item (`does_not_exist()`, an expected value)."""
    key = {"pk": {"S": record.pk}, "sk": {"S": record.sk}}
    return any(reason is not None and reason.code == "ConditionalCheckFailed" and reason.raw_item is not None
               and all(reason.raw_item.get(name) == value for name, value in key.items())
               for reason in error.cancellation_reasons)


def set_or_remove(attribute: Attribute[Any], value: Any) -> Action:
    """An update that stores `value`, or removes the attribute for None (PynamoDB's `set(None)` stores a
    NULL, which an index key refuses and `does_not_exist()` does not match)."""
    return attribute.remove() if value is None else attribute.set(value)


def record_meta(table_env_var: str) -> Any:
    """A PynamoDB Meta for the table named by `table_env_var` (read when the record class is created)."""

    class Meta:
        table_env = table_env_var
        table_name = os.environ.get(table_env_var, f"unset-{table_env_var}")
        region = get_settings(CoreSettings).region

    return Meta


def bind_table(model: type[Model], table_name: str) -> None:
    """Point a record class at another table (tests, tooling); PynamoDB reconnects on the new name."""
    model.Meta.table_name = table_name


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

    @classmethod
    def _get_connection(cls) -> TableConnection:
        table = super()._get_connection()
        _on_the_shared_client(table.connection)
        return table


def query_page[R: BaseRecord](model: type[R], pk: str, *, sk_prefix: str | None = None, limit: int | None = None,
                              cursor: str | None = None, newest_first: bool = False,
                              filter_condition: Any = None) -> tuple[Sequence[R], str | None]:
    """One page of a single-partition query: the items and the cursor of the next page (or None)."""
    scope = f"{model.__name__}:{pk}:{sk_prefix or ''}"
    result = model.query(pk, range_key_condition=model.sk.startswith(sk_prefix) if sk_prefix else None,
                         filter_condition=filter_condition, limit=clamp_limit(limit),
                         last_evaluated_key=decode_cursor(cursor, scope), scan_index_forward=not newest_first)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)
