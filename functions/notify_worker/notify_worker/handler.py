"""The notify queue's worker: limit-violation alerts from the heartbeat worker, and delayed retries of
failed deliveries. Partial batch failures: a message whose handling raised comes back."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.notify.worker import handle_batch


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = handle_batch(event.get("Records") or [])
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
