"""tessera.core.dynamo on PynamoDB against moto: one shared client, types round-trip, optimistic locking,
updates, cursors that continue where a page stopped, transactions whose failed write is found by its
item (PynamoDB reorders a transaction's writes), batches past their size limits, the repository helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from tessera.core import dynamo
from tessera.core.dynamo import (
    BaseRecord,
    bind_table,
    query_page,
    record_meta,
    refused,
    set_or_remove,
    transaction,
)
from tessera.core.errors import ValidationFailed
from tessera.core.pagination import InvalidCursor
from tests.aws_calls import recorded


class ByOwner(GlobalSecondaryIndex["Thing"]):
    class Meta:
        index_name = "by_owner"
        projection = AllProjection()

    owner = UnicodeAttribute(hash_key=True)
    rank = UnicodeAttribute(range_key=True)


class Thing(BaseRecord):
    Meta = record_meta("THINGS_TABLE")
    owner = UnicodeAttribute()
    rank = UnicodeAttribute()
    title = UnicodeAttribute(attr_name="t", default="")
    n = NumberAttribute(default=0)
    ratio = NumberAttribute(null=True)
    flag = BooleanAttribute(default=False)
    data = JSONAttribute(default=dict)
    tags = UnicodeSetAttribute(null=True)
    words = ListAttribute(of=UnicodeAttribute, default=list)
    at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)
    version = VersionAttribute()
    by_owner = ByOwner()


class Note(BaseRecord):
    Meta = record_meta("NOTES_TABLE")
    text = UnicodeAttribute()


@pytest.fixture
def things(aws: None) -> Iterator[None]:
    strings = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk", "owner", "rank")]
    boto3.client("dynamodb").create_table(
        TableName="things", BillingMode="PAY_PER_REQUEST", AttributeDefinitions=strings,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "by_owner", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"},
                                               {"AttributeName": "rank", "KeyType": "RANGE"}]}])
    bind_table(Thing, "things")
    bind_table(Note, "things")
    yield


def thing(number: int, **values: object) -> Thing:
    return Thing(pk="P", sk=f"T#{number:03d}", owner="o", rank=f"{number:03d}", **values)


def test_meta_reads_the_table_name_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_TABLE", "tessera-x")
    assert record_meta("X_TABLE").table_name == "tessera-x"
    monkeypatch.delenv("X_TABLE")
    assert record_meta("X_TABLE").table_name == "unset-X_TABLE"


def test_every_record_and_transaction_calls_through_the_one_client_made_at_import(things: None) -> None:
    thing(1).save()
    with transaction() as tx:
        tx.save(Note(pk="N", sk="1", text="x"))
    assert Thing._get_connection().connection.client is dynamo.dynamodb
    assert Note._get_connection().connection.client is dynamo.dynamodb
    assert dynamo._connection.client is dynamo.dynamodb
    bind_table(Note, "elsewhere")  # a new table name: PynamoDB reconnects, on the same client
    assert Note._get_connection().table_name == "elsewhere"
    assert Note._get_connection().connection.client is dynamo.dynamodb


def test_every_attribute_type_round_trips(things: None) -> None:
    at = datetime(2026, 12, 1, 7, 39, 11, 123456, tzinfo=UTC)
    thing(1, title="Ёлка «1»", n=3, ratio=0.25, flag=True, data={"a": [1, "б"]}, tags={"x", "y"},
          words=["a", "b"], at=at, expires_at=at + timedelta(days=1)).save()
    got = Thing.get("P", "T#001", consistent_read=True)
    assert (got.title, got.n, got.ratio, got.flag, got.data) == ("Ёлка «1»", 3, 0.25, True, {"a": [1, "б"]})
    assert got.tags == {"x", "y"} and got.words == ["a", "b"] and got.version == 1
    assert got.at == at and got.expires_at == datetime(2026, 12, 2, 7, 39, 11, tzinfo=UTC)
    raw = boto3.client("dynamodb").get_item(TableName="things", Key={"pk": {"S": "P"}, "sk": {"S": "T#001"}})["Item"]
    assert raw["t"] == {"S": "Ёлка «1»"}  # attr_name: the stored name
    assert raw["at"] == {"S": "2026-12-01T07:39:11.123456+0000"}  # sorts by time
    assert raw["expires_at"] == {"N": str(int((at + timedelta(days=1)).timestamp()))}  # what TTL reads
    with pytest.raises(Thing.DoesNotExist):
        Thing.get("P", "T#404")
    with pytest.raises(ValueError, match="owner"):
        Thing(pk="P", sk="T#x", rank="1").save()


def test_a_stale_copy_cannot_overwrite_a_newer_version(things: None) -> None:
    first = thing(1)
    first.save()
    stale = Thing.get("P", "T#001")
    first.title = "newer"
    first.save()
    assert first.version == 2
    stale.title = "older"
    with pytest.raises(PutError) as caught:
        stale.save()
    assert caught.value.cause_response_code == "ConditionalCheckFailedException"
    with pytest.raises(UpdateError):
        stale.update(actions=[Thing.title.set("older")])
    assert Thing.get("P", "T#001").title == "newer"
    with pytest.raises(PutError):
        thing(1).save()  # a new object for an existing key: no version, and the item exists


def test_update_actions_and_the_answer_taken_back(things: None) -> None:
    record = thing(1, ratio=0.5, tags={"a"})
    record.save()
    record.update(actions=[Thing.n.add(2), set_or_remove(Thing.ratio, None), Thing.tags.add({"b"}),
                           Thing.words.set(["x"]), set_or_remove(Thing.title, "t")])
    assert (record.n, record.ratio, record.tags, record.words, record.version) == (2, None, {"a", "b"}, ["x"], 2)
    raw = boto3.client("dynamodb").get_item(TableName="things", Key={"pk": {"S": "P"}, "sk": {"S": "T#001"}})["Item"]
    assert "ratio" not in raw and raw["t"] == {"S": "t"}  # removed, not stored as NULL
    record.update(actions=[Thing.n.set(Thing.n + 5), Thing.tags.delete({"a"})], condition=Thing.n == 2)
    assert (record.n, record.tags) == (7, {"b"})
    with pytest.raises(UpdateError):
        record.update(actions=[Thing.n.add(1)], condition=Thing.flag == True)  # noqa: E712
    record.refresh()
    assert record.n == 7


def test_a_query_stops_at_its_limit_and_continues_from_the_last_item(things: None) -> None:
    for n in range(7):
        thing(n, n=n).save()
    first = Thing.query("P", Thing.sk.startswith("T#"), limit=3)
    assert [t.n for t in first] == [0, 1, 2]
    assert first.last_evaluated_key == {"pk": {"S": "P"}, "sk": {"S": "T#002"}}
    rest = Thing.query("P", last_evaluated_key=first.last_evaluated_key)
    assert [t.n for t in rest] == [3, 4, 5, 6] and rest.last_evaluated_key is None
    # a filter reads past what it drops; an index's position carries the index's key too
    odd = Thing.by_owner.query("o", Thing.rank >= "001", Thing.n.is_in(1, 3, 5), scan_index_forward=False,
                               limit=2, page_size=2)
    assert [t.n for t in odd] == [5, 3]
    assert odd.last_evaluated_key == {"pk": {"S": "P"}, "sk": {"S": "T#003"}, "owner": {"S": "o"},
                                      "rank": {"S": "003"}}
    assert Thing.by_owner.count("o", Thing.rank.between("002", "004")) == 3
    assert Thing.count("P", filter_condition=Thing.n > 4) == 2


def test_query_page_walks_every_item_once_through_opaque_cursors(things: None) -> None:
    for n in range(7):
        thing(n, n=n).save()
    Note(pk="P", sk="OTHER#1", text="x").save()
    seen: list[int] = []
    cursor = None
    while True:
        items, cursor = query_page(Thing, "P", sk_prefix="T#", limit=3, cursor=cursor)
        seen += [t.n for t in items]
        if cursor is None:
            break
    assert seen == list(range(7))
    newest, _ = query_page(Thing, "P", sk_prefix="T#", limit=2, newest_first=True)
    assert [t.n for t in newest] == [6, 5]
    with pytest.raises(InvalidCursor):
        query_page(Thing, "P", cursor="%%%")
    with pytest.raises(InvalidCursor):  # a genuine cursor of another list
        query_page(Thing, "P", sk_prefix="OTHER#", cursor=query_page(Thing, "P", sk_prefix="T#", limit=1)[1])
    with pytest.raises(ValidationFailed):
        query_page(Thing, "P", limit=1000)


def test_a_transaction_writes_all_or_nothing(things: None) -> None:
    thing(1).save()
    with pytest.raises(TransactWriteError), transaction() as tx:
        tx.save(thing(2))
        tx.save(thing(1, title="again"), condition=Thing.pk.does_not_exist())
    assert [t.sk for t in Thing.query("P")] == ["T#001"]
    thing(3).save()
    with transaction() as tx:
        tx.save(thing(2))
        tx.condition_check(Thing, "P", "T#001", condition=Thing.version == 1)
        tx.delete(Thing.get("P", "T#003"))
    assert [t.sk for t in Thing.query("P")] == ["T#001", "T#002"]


def test_the_write_that_failed_is_found_by_its_item_not_its_position(things: None) -> None:
    """PynamoDB sends condition checks, deletes, puts, then updates: the unique item added third here is
    the fourth write sent. `refused` finds it by the item its cancellation reason carries."""
    Note(pk="UNIQUE", sk="taken", text="someone else's").save()
    Note(pk="OLD", sk="1", text="to go").save()
    stale = thing(7)
    stale.save()
    stale.version = 1  # what we read; the stored one moves on below
    Thing.get("P", "T#007").save()
    unique = Note(pk="UNIQUE", sk="taken", text="ours")
    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.update(thing(8), actions=[Thing.n.add(1)])
        tx.save(Note(pk="N", sk="new", text="fine"))
        tx.save(unique, condition=Note.pk.does_not_exist(), return_values="ALL_OLD")
        tx.delete(Note(pk="OLD", sk="1", text="to go"))
    codes = [reason and reason.code for reason in caught.value.cancellation_reasons]
    assert codes == [None, None, "ConditionalCheckFailed", None]  # delete, put, put (ours), update
    assert refused(caught.value, unique)
    assert not refused(caught.value, Note(pk="N", sk="new", text="fine"))

    with pytest.raises(TransactWriteError) as caught, transaction() as tx:
        tx.save(stale, return_values="ALL_OLD")  # a concurrent change: the version check fails
        tx.save(Note(pk="UNIQUE", sk="free", text="x"), condition=Note.pk.does_not_exist(), return_values="ALL_OLD")
    assert refused(caught.value, stale) and not refused(caught.value, Note(pk="UNIQUE", sk="free", text="x"))
    assert Note.get("OLD", "1").text == "to go" and Note.count("UNIQUE") == 1


def test_batches_go_in_chunks_the_service_accepts(things: None) -> None:
    with recorded() as calls, Thing.batch_write() as batch:
        for n in range(60):
            batch.save(thing(n))
    assert calls.count("BatchWriteItem") == 3  # 25 a call
    with recorded() as calls:
        found = list(Thing.batch_get([("P", f"T#{n:03d}") for n in range(0, 240, 2)]))
    assert len(found) == 30 and calls.count("BatchGetItem") == 2  # 100 keys a call
