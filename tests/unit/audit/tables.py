"""The audit table as template.yaml declares it (AuditTable), for moto. Other contexts' tests that
record audit events create it with `create_audit_table()`."""

from __future__ import annotations

from typing import Any

import boto3

from tessera.audit import repository

TABLE = "audit"
_GSIS = {"gsi_actor": "actor_key", "gsi_entity": "entity_key", "gsi_org": "org_key", "gsi_day": "day_key"}


def definition(name: str = TABLE) -> dict[str, Any]:
    keys = ["pk", "sk", "at_key", *_GSIS.values()]
    return {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"} for key in keys],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [
            {"IndexName": index, "Projection": {"ProjectionType": "ALL"},
             "KeySchema": [{"AttributeName": hash_key, "KeyType": "HASH"},
                           {"AttributeName": "at_key", "KeyType": "RANGE"}]}
            for index, hash_key in _GSIS.items()],
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    }


def create_audit_table(name: str = TABLE) -> None:
    """Inside mock_aws: create the table, turn TTL on, and point the audit records at it."""
    client = boto3.client("dynamodb")
    client.create_table(**definition(name))
    client.update_time_to_live(TableName=name,
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
    repository.bind(name)
