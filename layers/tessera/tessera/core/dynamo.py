"""Records: typed DynamoDB items, conditions, updates, queries and transactions, on `tessera.core.aws`.

The API follows PynamoDB's, which the code base was written against: a record class declares its
attributes (`UnicodeAttribute`, `NumberAttribute`, …) and indexes; `Record.get`, `.query`, `.save`,
`.update(actions=[Record.attr.set(x)], condition=Record.pk.does_not_exist())`, `TransactWrite`. It is
our own because PynamoDB sits on botocore, whose import alone is what a function may spend on its
whole cold start; this module and its client import in a few milliseconds. Only what the contexts use
is here.

Each context owns one table, named by an environment variable declared in template.yaml."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar, overload

from tessera.core import aws
from tessera.core.errors import Conflict, NotFound
from tessera.core.pagination import clamp_limit, decode_cursor, encode_cursor

T = TypeVar("T")
M = TypeVar("M", bound="Model")
RawItem = dict[str, dict[str, Any]]


def dynamodb() -> aws.JsonClient:
    return aws.client("dynamodb")


# --- errors ----------------------------------------------------------------------------------------

class DynamoError(Exception):
    """A failed call; `cause_response_code` is the AWS error code (e.g. ConditionalCheckFailedException)."""

    def __init__(self, message: str = "", cause: aws.AwsError | None = None) -> None:
        super().__init__(message or (str(cause) if cause else type(self).__name__))
        self.cause = cause
        self.cause_response_code = cause.code if cause else None
        self.cause_response_message = cause.message if cause else None


class GetError(DynamoError): ...
class PutError(DynamoError): ...
class UpdateError(DynamoError): ...
class DeleteError(DynamoError): ...
class QueryError(DynamoError): ...


class DoesNotExist(DynamoError):
    def __init__(self, message: str = "The item does not exist") -> None:
        super().__init__(message)


class CancellationReason:
    """`raw_item`: the item as it was, when the write asked for it (return_values="ALL_OLD")."""

    def __init__(self, code: str, message: str | None = None, raw_item: RawItem | None = None) -> None:
        self.code, self.message, self.raw_item = code, message, raw_item


class TransactWriteError(DynamoError):
    """`cancellation_reasons[i]` says why the i-th write was refused (None: it was not the cause)."""

    def __init__(self, cause: aws.AwsError) -> None:
        super().__init__(cause=cause)
        reasons = cause.body.get("CancellationReasons") or []
        self.cancellation_reasons: list[CancellationReason | None] = [
            None if r.get("Code") in (None, "None") else CancellationReason(r["Code"], r.get("Message"), r.get("Item"))
            for r in reasons]


# --- expressions -----------------------------------------------------------------------------------

class Placeholders:
    """The names and values one request's expressions refer to."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, dict[str, Any]] = {}

    def name(self, attribute: str) -> str:
        for placeholder, known in self.names.items():
            if known == attribute:
                return placeholder
        placeholder = f"#n{len(self.names)}"
        self.names[placeholder] = attribute
        return placeholder

    def value(self, typed: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = typed
        return placeholder

    def into(self, params: dict[str, Any]) -> dict[str, Any]:
        if self.names:
            params["ExpressionAttributeNames"] = self.names
        if self.values:
            params["ExpressionAttributeValues"] = self.values
        return params


class Condition:
    def __init__(self, render: Callable[[Placeholders], str]) -> None:
        self._render = render

    def render(self, placeholders: Placeholders) -> str:
        return self._render(placeholders)

    def __and__(self, other: Condition) -> Condition:
        return Condition(lambda p: f"({self.render(p)} AND {other.render(p)})")

    def __or__(self, other: Condition) -> Condition:
        return Condition(lambda p: f"({self.render(p)} OR {other.render(p)})")

    def __invert__(self) -> Condition:
        return Condition(lambda p: f"(NOT {self.render(p)})")


class Action:
    """One clause of an UpdateExpression: SET, ADD, REMOVE or DELETE."""

    def __init__(self, kind: str, render: Callable[[Placeholders], str]) -> None:
        self.kind, self._render = kind, render

    def render(self, placeholders: Placeholders) -> str:
        return self._render(placeholders)


def update_expression(actions: Sequence[Action], placeholders: Placeholders) -> str:
    clauses = []
    for kind in ("SET", "REMOVE", "ADD", "DELETE"):
        parts = [a.render(placeholders) for a in actions if a.kind == kind]
        if parts:
            clauses.append(f"{kind} {', '.join(parts)}")
    return " ".join(clauses)


class Operand:
    """`Record.attr + 1` in a SET action."""

    def __init__(self, render: Callable[[Placeholders], str]) -> None:
        self.render = render


# --- attributes ------------------------------------------------------------------------------------

class Attribute[T]:
    """An item attribute. On the class it builds conditions and update actions (`Record.status == "x"`,
    `Record.hits.add(1)`); on an instance it is the value."""

    attr_type = "S"

    def __init__(self, *, hash_key: bool = False, range_key: bool = False, null: bool = False,
                 default: T | Callable[[], T] | None = None, attr_name: str | None = None) -> None:
        self.is_hash_key, self.is_range_key, self.null, self.default = hash_key, range_key, null, default
        self.attr_name = attr_name or ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr_name = self.attr_name or name
        self.python_name = name

    @overload
    def __get__(self, instance: None, owner: Any) -> Attribute[T]: ...
    @overload
    def __get__(self, instance: Model, owner: Any) -> T: ...

    def __get__(self, instance: Any, owner: Any) -> Any:
        if instance is None:
            return self
        return instance.attribute_values.get(self.python_name)

    def __set__(self, instance: Any, value: T | None) -> None:
        instance.attribute_values[self.python_name] = value

    # value ↔ DynamoDB JSON: serialize gives the inner value of {attr_type: …}
    def serialize(self, value: Any) -> Any:
        return value

    def deserialize(self, value: Any) -> Any:
        return value

    def typed(self, value: Any) -> dict[str, Any] | None:
        """{"S": "…"} for `value`; None when there is nothing to store (None, an empty set)."""
        if value is None:
            return None
        inner = self.serialize(value)
        return None if inner is None else {self.attr_type: inner}

    def from_typed(self, typed: dict[str, Any]) -> Any:
        if "NULL" in typed:
            return None
        return self.deserialize(typed[self.attr_type])

    def _default(self) -> Any:
        return self.default() if callable(self.default) else self.default

    # conditions
    def _compare(self, operator: str, value: Any) -> Condition:
        return Condition(lambda p: f"{p.name(self.attr_name)} {operator} {p.value(self._operand(value))}")

    def _operand(self, value: Any) -> dict[str, Any]:
        typed = self.typed(value)
        return typed if typed is not None else {"NULL": True}

    def __eq__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._compare("=", value)

    def __ne__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._compare("<>", value)

    def __lt__(self, value: Any) -> Condition:
        return self._compare("<", value)

    def __le__(self, value: Any) -> Condition:
        return self._compare("<=", value)

    def __gt__(self, value: Any) -> Condition:
        return self._compare(">", value)

    def __ge__(self, value: Any) -> Condition:
        return self._compare(">=", value)

    __hash__ = object.__hash__

    def between(self, low: Any, high: Any) -> Condition:
        return Condition(lambda p: f"{p.name(self.attr_name)} BETWEEN {p.value(self._operand(low))} "
                                   f"AND {p.value(self._operand(high))}")

    def startswith(self, prefix: str) -> Condition:
        return Condition(lambda p: f"begins_with({p.name(self.attr_name)}, {p.value({'S': prefix})})")

    def contains(self, item: Any) -> Condition:
        typed = {"S": item} if isinstance(item, str) else self._operand(item)
        return Condition(lambda p: f"contains({p.name(self.attr_name)}, {p.value(typed)})")

    def is_in(self, *values: Any) -> Condition:
        return Condition(lambda p: f"{p.name(self.attr_name)} IN "
                                   f"({', '.join(p.value(self._operand(v)) for v in values)})")

    def exists(self) -> Condition:
        return Condition(lambda p: f"attribute_exists({p.name(self.attr_name)})")

    def does_not_exist(self) -> Condition:
        return Condition(lambda p: f"attribute_not_exists({p.name(self.attr_name)})")

    # update actions
    def set(self, value: Any) -> Action:
        """SET to a value (None removes the attribute) or to an expression (`Record.n + 1`)."""
        if isinstance(value, Operand):
            operand = value
            return Action("SET", lambda p: f"{p.name(self.attr_name)} = {operand.render(p)}")
        typed = self.typed(value)
        if typed is None:
            return self.remove()
        return Action("SET", lambda p: f"{p.name(self.attr_name)} = {p.value(typed)}")

    def remove(self) -> Action:
        return Action("REMOVE", lambda p: p.name(self.attr_name))

    def add(self, value: Any) -> Action:
        typed = self._operand(value) if not isinstance(value, int | float) else {"N": str(value)}
        return Action("ADD", lambda p: f"{p.name(self.attr_name)} {p.value(typed)}")

    def delete(self, value: Any) -> Action:
        typed = self._operand(value)
        return Action("DELETE", lambda p: f"{p.name(self.attr_name)} {p.value(typed)}")

    def __add__(self, amount: int | float) -> Operand:
        return Operand(lambda p: f"{p.name(self.attr_name)} + {p.value({'N': str(amount)})}")


class UnicodeAttribute(Attribute[str]):
    pass


class NumberAttribute(Attribute[Any]):
    """int when the stored number is integral, else float (as JSON reads it)."""

    attr_type = "N"

    def serialize(self, value: Any) -> Any:
        return json.dumps(value)

    def deserialize(self, value: Any) -> Any:
        return json.loads(value)


class BooleanAttribute(Attribute[bool]):
    attr_type = "BOOL"

    def serialize(self, value: Any) -> Any:
        return bool(value)


class JSONAttribute(Attribute[Any]):
    """Any JSON value, stored as one string."""

    def serialize(self, value: Any) -> Any:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def deserialize(self, value: Any) -> Any:
        return json.loads(value)


class UnicodeSetAttribute(Attribute[set[str]]):
    attr_type = "SS"

    def serialize(self, value: Any) -> Any:
        return sorted(value) or None  # DynamoDB stores no empty set: the attribute goes

    def deserialize(self, value: Any) -> Any:
        return set(value)

    def _operand(self, value: Any) -> dict[str, Any]:
        return {"SS": sorted({value} if isinstance(value, str) else value)}


_DATETIME = "%Y-%m-%dT%H:%M:%S.%f%z"


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UTCDateTimeAttribute(Attribute[datetime]):
    """A UTC instant as text that sorts by time: 2026-12-01T07:39:11.000000+0000."""

    def serialize(self, value: Any) -> Any:
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.%f+0000")

    def deserialize(self, value: Any) -> Any:
        return datetime.strptime(value, _DATETIME).astimezone(UTC)


class TTLAttribute(Attribute[datetime]):
    """The item's expiry for DynamoDB TTL: epoch seconds; set from a datetime, a timedelta from now or epoch seconds."""

    attr_type = "N"

    def serialize(self, value: Any) -> Any:
        if isinstance(value, timedelta):
            from tessera.core import clock

            value = clock.now() + value
        seconds = int(_utc(value).timestamp()) if isinstance(value, datetime) else int(value)
        return str(seconds)

    def deserialize(self, value: Any) -> Any:
        return datetime.fromtimestamp(int(value), UTC)


class VersionAttribute(NumberAttribute):
    """Optimistic locking: every save or update writes version + 1 on condition that the stored
    version is still the one read (or that there is no item yet)."""


class ListAttribute(Attribute[list[Any]]):
    attr_type = "L"

    def __init__(self, *, of: type[Attribute[Any]] = UnicodeAttribute, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.element = of()

    def serialize(self, value: Any) -> Any:
        return [self.element.typed(v) or {"NULL": True} for v in value]

    def deserialize(self, value: Any) -> Any:
        return [self.element.from_typed(v) for v in value]


# --- records and indexes ---------------------------------------------------------------------------

class AllProjection:
    projection_type = "ALL"


class Query[M: "Model"]:
    """A query's results, item by item (`iter`), or page by page (`page_iter`). `last_evaluated_key` is
    where a next query continues: the key of the last item given when `limit` cut a page short."""

    def __init__(self, model: type[M], params: dict[str, Any], key_names: Sequence[str], limit: int | None,
                 page_size: int | None) -> None:
        self.model, self.params, self.key_names, self.limit = model, params, key_names, limit
        self.page_iter = PageIterator(params, page_size or limit)
        self._last: RawItem | None = None
        self._cut_short = False

    def __iter__(self) -> Iterator[M]:
        given = 0
        for page in self.page_iter:
            items = page.get("Items", [])
            for position, raw in enumerate(items):
                if self.limit is not None and given >= self.limit:
                    return
                given += 1
                self._last = raw
                self._cut_short = position < len(items) - 1
                yield self.model.from_raw_data(raw)
            if self.limit is not None and given >= self.limit:
                self._cut_short = False
                return

    @property
    def last_evaluated_key(self) -> RawItem | None:
        if self._cut_short and self._last is not None:
            return {name: self._last[name] for name in self.key_names if name in self._last}
        return self.page_iter.last_evaluated_key


class PageIterator:
    """Raw Query answers, one request each; `page_size` may change between pages."""

    def __init__(self, params: dict[str, Any], page_size: int | None) -> None:
        self.params, self.page_size = params, page_size
        self.last_evaluated_key: RawItem | None = params.get("ExclusiveStartKey")
        self._done = False

    def __iter__(self) -> PageIterator:
        return self

    def __next__(self) -> dict[str, Any]:
        if self._done:
            raise StopIteration
        params = dict(self.params)
        if self.page_size:
            params["Limit"] = self.page_size
        if self.last_evaluated_key:
            params["ExclusiveStartKey"] = self.last_evaluated_key
        try:
            page = dynamodb().call("Query", params)
        except aws.AwsError as exc:
            raise QueryError(cause=exc) from exc
        self.last_evaluated_key = page.get("LastEvaluatedKey")
        self._done = self.last_evaluated_key is None
        return page


def _query_params(model: type[Model], index_name: str | None, hash_attr: Attribute[Any], hash_key: Any,
                  range_key_condition: Condition | None, filter_condition: Condition | None,
                  consistent_read: bool, scan_index_forward: bool | None,
                  last_evaluated_key: RawItem | None) -> dict[str, Any]:
    placeholders = Placeholders()
    key_condition = hash_attr == hash_key
    if range_key_condition is not None:
        key_condition = key_condition & range_key_condition
    params: dict[str, Any] = {"TableName": model.Meta.table_name,
                              "KeyConditionExpression": key_condition.render(placeholders)}
    if filter_condition is not None:
        params["FilterExpression"] = filter_condition.render(placeholders)
    if index_name:
        params["IndexName"] = index_name
    if consistent_read:
        params["ConsistentRead"] = True
    if scan_index_forward is False:
        params["ScanIndexForward"] = False
    if last_evaluated_key:
        params["ExclusiveStartKey"] = last_evaluated_key
    return placeholders.into(params)


def _count(params: dict[str, Any]) -> int:
    params = {**params, "Select": "COUNT"}
    total = 0
    while True:
        try:
            page = dynamodb().call("Query", params)
        except aws.AwsError as exc:
            raise QueryError(cause=exc) from exc
        total += int(page.get("Count", 0))
        if not page.get("LastEvaluatedKey"):
            return total
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class GlobalSecondaryIndex[M: "Model"]:
    """Declared on a record class: `by_kind = ByKindIndex()`, its Meta naming the index and its
    attributes (the record's own) the index key."""

    class Meta:
        index_name: str
        projection: Any

    model: type[Any]

    def __set_name__(self, owner: type[M], name: str) -> None:
        self.model = owner

    @classmethod
    def _attributes(cls) -> list[Attribute[Any]]:
        return [a for klass in cls.__mro__ for a in vars(klass).values() if isinstance(a, Attribute)]

    @classmethod
    def _hash_key_attribute(cls) -> Attribute[Any]:
        return next(a for a in cls._attributes() if a.is_hash_key)

    @classmethod
    def _range_key_attribute(cls) -> Attribute[Any] | None:
        return next((a for a in cls._attributes() if a.is_range_key), None)

    def _key_names(self) -> list[str]:
        names = [self.model._hash_key_attribute().attr_name, self.model._range_key_attribute().attr_name,
                 self._hash_key_attribute().attr_name]
        index_range = self._range_key_attribute()
        return names + ([index_range.attr_name] if index_range is not None else [])

    def query(self, hash_key: Any, range_key_condition: Condition | None = None,
              filter_condition: Condition | None = None, scan_index_forward: bool | None = None,
              limit: int | None = None, last_evaluated_key: RawItem | None = None,
              page_size: int | None = None) -> Query[M]:
        params = _query_params(self.model, self.Meta.index_name, self._hash_key_attribute(), hash_key,
                               range_key_condition, filter_condition, False, scan_index_forward, last_evaluated_key)
        return Query(self.model, params, self._key_names(), limit, page_size)

    def count(self, hash_key: Any, range_key_condition: Condition | None = None,
              filter_condition: Condition | None = None) -> int:
        return _count(_query_params(self.model, self.Meta.index_name, self._hash_key_attribute(), hash_key,
                                    range_key_condition, filter_condition, False, None, None))


class Model:
    """A DynamoDB item type. Subclasses declare `Meta` (table_name) and their attributes; one of
    them `hash_key=True`, at most one `range_key=True`."""

    Meta: ClassVar[type[Any]]
    _attributes: ClassVar[dict[str, Attribute[Any]]] = {}
    DoesNotExist: ClassVar[type[DoesNotExist]] = DoesNotExist

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        attributes: dict[str, Attribute[Any]] = {}
        for klass in reversed(cls.__mro__):
            attributes.update({k: v for k, v in vars(klass).items() if isinstance(v, Attribute)})
        cls._attributes = attributes
        cls.DoesNotExist = type("DoesNotExist", (DoesNotExist,), {"__module__": cls.__module__})

    def __init__(self, hash_key: Any = None, range_key: Any = None, **values: Any) -> None:
        self.attribute_values: dict[str, Any] = {}
        for name, attribute in self._attributes.items():
            if attribute.default is not None:
                self.attribute_values[name] = attribute._default()
        if hash_key is not None:
            values[self._hash_key_attribute().python_name] = hash_key
        if range_key is not None:
            range_attr = self._range_key_attribute()
            assert range_attr is not None
            values[range_attr.python_name] = range_key
        for name, value in values.items():
            if name not in self._attributes:
                raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")
            self.attribute_values[name] = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._key()})"

    @classmethod
    def _hash_key_attribute(cls) -> Attribute[Any]:
        return next(a for a in cls._attributes.values() if a.is_hash_key)

    @classmethod
    def _range_key_attribute(cls) -> Attribute[Any]:
        return next(a for a in cls._attributes.values() if a.is_range_key)

    @classmethod
    def _version_attribute(cls) -> VersionAttribute | None:
        return next((a for a in cls._attributes.values() if isinstance(a, VersionAttribute)), None)

    @classmethod
    def _key_of(cls, hash_key: Any, range_key: Any) -> RawItem:
        hash_attr, range_attr = cls._hash_key_attribute(), cls._range_key_attribute()
        return {hash_attr.attr_name: hash_attr._operand(hash_key), range_attr.attr_name: range_attr._operand(range_key)}

    def _key(self) -> RawItem:
        return self._key_of(getattr(self, self._hash_key_attribute().python_name),
                            getattr(self, self._range_key_attribute().python_name))

    # --- (de)serialization
    def serialize(self) -> RawItem:
        item: RawItem = {}
        for name, attribute in self._attributes.items():
            typed = attribute.typed(self.attribute_values.get(name))
            if typed is not None:
                item[attribute.attr_name] = typed
            elif not attribute.null and not isinstance(attribute, UnicodeSetAttribute | VersionAttribute):
                raise ValueError(f"{type(self).__name__}.{name} is required")
        return item

    @classmethod
    def from_raw_data(cls: type[M], data: RawItem) -> M:
        record = cls.__new__(cls)
        record.attribute_values = {}
        for name, attribute in cls._attributes.items():
            typed = data.get(attribute.attr_name)
            record.attribute_values[name] = (attribute.from_typed(typed) if typed is not None
                                             else attribute._default())
        return record

    # --- reads
    @classmethod
    def get(cls: type[M], hash_key: Any, range_key: Any = None, consistent_read: bool = False) -> M:
        params: dict[str, Any] = {"TableName": cls.Meta.table_name, "Key": cls._key_of(hash_key, range_key)}
        if consistent_read:
            params["ConsistentRead"] = True
        try:
            answer = dynamodb().call("GetItem", params)
        except aws.AwsError as exc:
            raise GetError(cause=exc) from exc
        if "Item" not in answer:
            raise cls.DoesNotExist()
        return cls.from_raw_data(answer["Item"])

    def refresh(self, consistent_read: bool = False) -> None:
        hash_key = getattr(self, self._hash_key_attribute().python_name)
        range_key = getattr(self, self._range_key_attribute().python_name)
        self.attribute_values = type(self).get(hash_key, range_key, consistent_read=consistent_read).attribute_values

    @classmethod
    def query(cls: type[M], hash_key: Any, range_key_condition: Condition | None = None,
              filter_condition: Condition | None = None, consistent_read: bool = False,
              scan_index_forward: bool | None = None, limit: int | None = None,
              last_evaluated_key: RawItem | None = None, page_size: int | None = None) -> Query[M]:
        params = _query_params(cls, None, cls._hash_key_attribute(), hash_key, range_key_condition, filter_condition,
                               consistent_read, scan_index_forward, last_evaluated_key)
        key_names = [cls._hash_key_attribute().attr_name, cls._range_key_attribute().attr_name]
        return Query(cls, params, key_names, limit, page_size)

    @classmethod
    def count(cls, hash_key: Any, range_key_condition: Condition | None = None,
              filter_condition: Condition | None = None) -> int:
        return _count(_query_params(cls, None, cls._hash_key_attribute(), hash_key, range_key_condition,
                                    filter_condition, False, None, None))

    @classmethod
    def batch_get(cls: type[M], keys: Iterable[tuple[Any, Any]], consistent_read: bool = False) -> Iterator[M]:
        """The items that exist among `keys`, 100 per BatchGetItem, unprocessed keys asked again."""
        pending = [cls._key_of(h, r) for h, r in keys]
        table = cls.Meta.table_name
        while pending:
            chunk, pending = pending[:100], pending[100:]
            while chunk:
                request: dict[str, Any] = {"Keys": chunk, **({"ConsistentRead": True} if consistent_read else {})}
                try:
                    answer = dynamodb().call("BatchGetItem", {"RequestItems": {table: request}})
                except aws.AwsError as exc:
                    raise GetError(cause=exc) from exc
                for raw in answer.get("Responses", {}).get(table, []):
                    yield cls.from_raw_data(raw)
                chunk = answer.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])

    @classmethod
    def batch_write(cls) -> BatchWrite:
        return BatchWrite(cls)

    # --- writes
    def _with_version(self, condition: Condition | None) -> tuple[Condition | None, Any]:
        """The condition with the version check added, and the version to write (None: no version)."""
        attribute = self._version_attribute()
        if attribute is None:
            return condition, None
        current = self.attribute_values.get(attribute.python_name)
        check = attribute.does_not_exist() if current is None else attribute == current
        return (check if condition is None else condition & check), (current or 0) + 1

    def _put_params(self, condition: Condition | None) -> dict[str, Any]:
        condition, version = self._with_version(condition)
        item = self.serialize()
        if version is not None:
            attribute = self._version_attribute()
            assert attribute is not None
            item[attribute.attr_name] = {"N": str(version)}
        params: dict[str, Any] = {"TableName": self.Meta.table_name, "Item": item}
        placeholders = Placeholders()
        if condition is not None:
            params["ConditionExpression"] = condition.render(placeholders)
        return placeholders.into(params)

    def _bump_version(self) -> None:
        attribute = self._version_attribute()
        if attribute is not None:
            self.attribute_values[attribute.python_name] = (self.attribute_values.get(attribute.python_name) or 0) + 1

    def save(self, condition: Condition | None = None) -> None:
        params = self._put_params(condition)
        try:
            dynamodb().call("PutItem", params)
        except aws.AwsError as exc:
            raise PutError(cause=exc) from exc
        self._bump_version()

    def _update_params(self, actions: Sequence[Action], condition: Condition | None) -> dict[str, Any]:
        condition, version = self._with_version(condition)
        attribute = self._version_attribute()
        if version is not None and attribute is not None:
            actions = [*actions, attribute.set(version)]
        placeholders = Placeholders()
        params: dict[str, Any] = {"TableName": self.Meta.table_name, "Key": self._key(),
                                  "UpdateExpression": update_expression(actions, placeholders)}
        if condition is not None:
            params["ConditionExpression"] = condition.render(placeholders)
        return placeholders.into(params)

    def update(self, actions: Sequence[Action], condition: Condition | None = None) -> None:
        """Apply `actions` in one UpdateItem and take the item as it is afterwards."""
        params = self._update_params(actions, condition)
        params["ReturnValues"] = "ALL_NEW"
        try:
            answer = dynamodb().call("UpdateItem", params)
        except aws.AwsError as exc:
            raise UpdateError(cause=exc) from exc
        self.attribute_values = type(self).from_raw_data(answer.get("Attributes", {})).attribute_values

    def _delete_params(self, condition: Condition | None) -> dict[str, Any]:
        attribute = self._version_attribute()
        if attribute is not None and self.attribute_values.get(attribute.python_name) is not None:
            condition, _ = self._with_version(condition)  # a copy that was read deletes only what it read
        params: dict[str, Any] = {"TableName": self.Meta.table_name, "Key": self._key()}
        placeholders = Placeholders()
        if condition is not None:
            params["ConditionExpression"] = condition.render(placeholders)
        return placeholders.into(params)

    def delete(self, condition: Condition | None = None) -> None:
        try:
            dynamodb().call("DeleteItem", self._delete_params(condition))
        except aws.AwsError as exc:
            raise DeleteError(cause=exc) from exc


class TransactWrite:
    """Writes that happen together or not at all (TransactWriteItems, up to 100), sent when the
    `with` block ends without an exception."""

    def __init__(self, connection: Any = None, client_request_token: str | None = None) -> None:
        del connection  # PynamoDB's signature; there is one client per process
        self.client_request_token = client_request_token
        self.items: list[dict[str, Any]] = []
        self._saved: list[Model] = []

    def __enter__(self) -> TransactWrite:
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.commit()

    def save(self, model: Model, condition: Condition | None = None, return_values: str | None = None) -> None:
        """`return_values="ALL_OLD"`: a failed condition reports the item it found (CancellationReason.raw_item)."""
        params = model._put_params(condition)
        if return_values:
            params["ReturnValuesOnConditionCheckFailure"] = return_values
        self.items.append({"Put": params})
        self._saved.append(model)

    def update(self, model: Model, actions: Sequence[Action], condition: Condition | None = None) -> None:
        self.items.append({"Update": model._update_params(actions, condition)})
        self._saved.append(model)

    def delete(self, model: Model, condition: Condition | None = None) -> None:
        self.items.append({"Delete": model._delete_params(condition)})

    def condition_check(self, model: type[Model], hash_key: Any, range_key: Any, condition: Condition) -> None:
        placeholders = Placeholders()
        params = {"TableName": model.Meta.table_name, "Key": model._key_of(hash_key, range_key),
                  "ConditionExpression": condition.render(placeholders)}
        self.items.append({"ConditionCheck": placeholders.into(params)})

    def commit(self) -> None:
        if not self.items:
            return
        params: dict[str, Any] = {"TransactItems": self.items}
        if self.client_request_token:
            params["ClientRequestToken"] = self.client_request_token
        try:
            dynamodb().call("TransactWriteItems", params)
        except aws.AwsError as exc:
            raise TransactWriteError(exc) from exc
        for model in self._saved:
            model._bump_version()


class BatchWrite:
    """Puts and deletes, 25 per BatchWriteItem, unprocessed ones sent again; not atomic."""

    def __init__(self, model: type[Model]) -> None:
        self.table = model.Meta.table_name
        self.pending: list[dict[str, Any]] = []

    def __enter__(self) -> BatchWrite:
        return self

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.commit()

    def save(self, model: Model) -> None:
        self.pending.append({"PutRequest": {"Item": model.serialize()}})

    def delete(self, model: Model) -> None:
        self.pending.append({"DeleteRequest": {"Key": model._key()}})

    def commit(self) -> None:
        attempt = 0
        while self.pending:
            chunk, self.pending = self.pending[:25], self.pending[25:]
            try:
                answer = dynamodb().call("BatchWriteItem", {"RequestItems": {self.table: chunk}})
            except aws.AwsError as exc:
                raise PutError(cause=exc) from exc
            unprocessed = answer.get("UnprocessedItems", {}).get(self.table, [])
            if unprocessed:
                attempt += 1
                if attempt > 5:
                    raise PutError(f"{len(unprocessed)} items were not written after {attempt} attempts")
                aws._pause(attempt)
                self.pending = unprocessed + self.pending


# --- the records' base and repository helpers ------------------------------------------------------

def record_meta(table_env_var: str) -> Any:
    """A Meta for the table named by `table_env_var` (read when the record class is created)."""

    class Meta:
        table_env = table_env_var
        table_name = os.environ.get(table_env_var, f"unset-{table_env_var}")

    return Meta


def bind_table(model: type[Model], table_name: str) -> None:
    """Point a record class at another table (tests, multi-region tooling)."""
    model.Meta.table_name = table_name


def rebind_from_env() -> None:
    """Re-read every record's table name from its environment variable (tests that set env late)."""
    pending: list[type[Model]] = [BaseRecord]
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        variable = getattr(getattr(model, "Meta", None), "table_env", None)
        if variable and variable in os.environ:
            bind_table(model, os.environ[variable])


class BaseRecord(Model):
    """String `pk`/`sk` with typed prefixes (`ORG#acc_…`, `LIC#lic_…`); several entity types may share a table."""

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


def get_or_404[R: BaseRecord](model: type[R], pk: str, sk: str, what: str = "record") -> R:
    try:
        return model.get(pk, sk)
    except model.DoesNotExist as exc:
        raise NotFound(f"No such {what}.") from exc


def query_page[R: BaseRecord](model: type[R], pk: str, *, sk_prefix: str | None = None, index: Any = None,
               limit: int | None = None, cursor: str | None = None, newest_first: bool = False,
               filter_condition: Any = None) -> tuple[Sequence[R], str | None]:
    """One page of a single-partition query: the items and the cursor of the next page (or None)."""
    source = index if index is not None else model
    range_attr = source._range_key_attribute()
    condition = range_attr.startswith(sk_prefix) if sk_prefix and range_attr is not None else None
    scope = f"{model.__name__}:{type(index).__name__ if index is not None else ''}:{pk}:{sk_prefix or ''}"
    result = source.query(pk, range_key_condition=condition, filter_condition=filter_condition,
                          limit=clamp_limit(limit), last_evaluated_key=decode_cursor(cursor, scope),
                          scan_index_forward=not newest_first)
    items = list(result)
    return items, encode_cursor(result.last_evaluated_key, scope)
