from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from tessera.core.dynamo import (
    BaseRecord,
    NumberAttribute,
    UnicodeAttribute,
    bind_table,
    get_or_404,
    put_new,
    query_page,
    record_meta,
)
from tessera.core.errors import BadRequest, Conflict, NotFound, ValidationFailed
from tessera.core.settings import reset_settings_cache


class Note(BaseRecord):
    Meta = record_meta("NOTES_TABLE")
    text = UnicodeAttribute()
    n = NumberAttribute(default=0)


@pytest.fixture
def table(aws: None) -> Iterator[None]:
    boto3.client("dynamodb").create_table(
        TableName="notes", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    bind_table(Note, "notes")
    yield


def test_meta_reads_the_table_name_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_TABLE", "tessera-x")
    assert record_meta("X_TABLE").table_name == "tessera-x"
    monkeypatch.delenv("X_TABLE")
    assert record_meta("X_TABLE").table_name == "unset-X_TABLE"


def test_put_new_never_overwrites(table: None) -> None:
    put_new(Note(pk="ORG#1", sk="NOTE#1", text="first"), "note")
    with pytest.raises(Conflict, match="This note already exists"):
        put_new(Note(pk="ORG#1", sk="NOTE#1", text="second"), "note")
    assert get_or_404(Note, "ORG#1", "NOTE#1").text == "first"
    with pytest.raises(NotFound, match="No such note"):
        get_or_404(Note, "ORG#1", "NOTE#2", "note")


def test_query_page_walks_every_item_once(table: None) -> None:
    for i in range(7):
        put_new(Note(pk="ORG#1", sk=f"NOTE#{i:02d}", text=str(i)))
    put_new(Note(pk="ORG#1", sk="OTHER#1", text="x"))
    put_new(Note(pk="ORG#2", sk="NOTE#00", text="foreign"))
    seen: list[str] = []
    cursor = None
    while True:
        items, cursor = query_page(Note, "ORG#1", sk_prefix="NOTE#", limit=3, cursor=cursor)
        seen += [i.text for i in items]
        if cursor is None:
            break
    assert seen == [str(i) for i in range(7)]
    newest, _ = query_page(Note, "ORG#1", sk_prefix="NOTE#", limit=2, newest_first=True)
    assert [i.text for i in newest] == ["6", "5"]
    with pytest.raises(BadRequest, match="cursor"):
        query_page(Note, "ORG#1", cursor="%%%")
    _, first_org_cursor = query_page(Note, "ORG#1", sk_prefix="NOTE#", limit=3)
    with pytest.raises(BadRequest, match="cursor"):  # issued for another partition
        query_page(Note, "ORG#2", sk_prefix="NOTE#", cursor=first_org_cursor)
    with pytest.raises(ValidationFailed):
        query_page(Note, "ORG#1", limit=1000)


def test_idempotent_function_runs_once(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    boto3.client("dynamodb").create_table(
        TableName="idem", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    monkeypatch.setenv("IDEMPOTENCY_TABLE", "idem")
    reset_settings_cache()
    from aws_lambda_powertools.utilities.idempotency import idempotent_function

    from tessera.core import idempotency

    idempotency.persistence_layer.cache_clear()
    calls: list[str] = []

    @idempotent_function(data_keyword_argument="request", persistence_store=idempotency.persistence_layer(),
                         config=idempotency.idempotency_config(event_key_jmespath="key"))
    def charge(request: dict[str, Any]) -> dict[str, Any]:
        calls.append(request["key"])
        return {"charged": request["amount"]}

    assert charge(request={"key": "k1", "amount": 100}) == {"charged": 100}
    assert charge(request={"key": "k1", "amount": 100}) == {"charged": 100}
    assert charge(request={"key": "k2", "amount": 5}) == {"charged": 5}
    assert calls == ["k1", "k2"]
    idempotency.persistence_layer.cache_clear()
    reset_settings_cache()


def test_idempotency_needs_its_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from tessera.core import idempotency
    from tessera.core.settings import SettingsError

    monkeypatch.delenv("IDEMPOTENCY_TABLE", raising=False)
    reset_settings_cache()
    idempotency.persistence_layer.cache_clear()
    with pytest.raises(SettingsError, match="IDEMPOTENCY_TABLE"):
        idempotency.persistence_layer()
    idempotency.persistence_layer.cache_clear()
