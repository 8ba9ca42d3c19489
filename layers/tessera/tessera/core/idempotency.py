"""Powertools idempotency on the platform table (key `id`, TTL `expiration`): activations, payment
creation, webhooks and state-machine tasks run once per idempotency key, whatever the retries."""

from __future__ import annotations

from functools import cache
from typing import Any

from tessera.core.settings import CoreSettings, SettingsError, get_settings


@cache
def persistence_layer() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    table = get_settings(CoreSettings).idempotency_table
    if not table:
        raise SettingsError("IDEMPOTENCY_TABLE is not set for this function")
    return DynamoDBPersistenceLayer(table_name=table, key_attr="id", expiry_attr="expiration")


def idempotency_config(expires_after_seconds: int = 3600, event_key_jmespath: str | None = None) -> Any:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    kwargs: dict[str, Any] = {"expires_after_seconds": expires_after_seconds, "raise_on_no_idempotency_key": True}
    if event_key_jmespath:
        kwargs["event_key_jmespath"] = event_key_jmespath
    return IdempotencyConfig(**kwargs)
