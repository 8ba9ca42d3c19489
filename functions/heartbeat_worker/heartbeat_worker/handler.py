"""The heartbeat queue's worker: batches, coalesced per installation, partial batch failures."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.licensing.heartbeats import apply_batch


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failed = apply_batch(event.get("Records") or [])
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
