"""The daily job (EventBridge schedule): expiry notices due today, once each, and the retries still due."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.notify.expiry import scan


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return scan()
