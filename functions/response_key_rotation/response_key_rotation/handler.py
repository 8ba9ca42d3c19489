"""Hourly (EventBridge Scheduler): keep the heartbeat receipts' signing key in turn and the next one made
a day ahead, so the request path only reads (tessera.licensing.response_keys)."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.licensing.response_keys import rotate


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return rotate()
