"""The audit table's stream: chains every new audit event, exactly once, in order per chain."""

from __future__ import annotations

from typing import Any

from tessera.audit.chaining import chain_records
from tessera.core.observability import lambda_entry


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    unfinished = chain_records(event.get("Records") or [])
    # the stream resumes from the first record not chained; everything before it is done
    return {"batchItemFailures": [{"itemIdentifier": unfinished}] if unfinished else []}
