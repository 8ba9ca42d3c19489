"""The daily job (EventBridge schedule): yesterday's signed checkpoint of every chain that moved."""

from __future__ import annotations

from typing import Any

from tessera.audit.checkpoints import write_daily
from tessera.core.observability import lambda_entry


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return write_daily()
