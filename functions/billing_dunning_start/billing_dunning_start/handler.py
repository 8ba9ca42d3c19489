"""The daily job (EventBridge schedule): renew the subscriptions whose period ended and start one dunning
run per unpaid invoice, and one lifecycle run per trial (idempotent: executions are named after them)."""

from __future__ import annotations

from typing import Any

from tessera.billing.dunning import start_due
from tessera.core.observability import lambda_entry


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return start_due()
