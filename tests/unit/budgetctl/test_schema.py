"""The published JSON Schema is the models' own: regenerate it with `budgetctl schema --out
clients/budgetctl/budgetctl/schema` after changing a model."""

from __future__ import annotations

from budgetctl import schema


def test_published_schema_is_in_sync() -> None:
    published = {path.name: path.read_text(encoding="utf-8") for path in schema.PUBLISHED.glob("*.schema.json")}
    assert published == {name: schema.dumps(document) for name, document in schema.generate().items()}


def test_schema_keeps_secrets_references() -> None:
    client = schema.generate()["client.schema.json"]
    assert client["$defs"]["Database"]["properties"]["password"] == {"$ref": "#/$defs/SecretReference"}
    assert "modules" in client["required"]
