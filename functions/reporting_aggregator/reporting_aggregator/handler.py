"""The workspaces table's stream (leads created and moved) → the analytics read model."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.reporting.aggregation import on_stream


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    unfinished = on_stream(event.get("Records") or [])
    # the stream resumes from the first record not done; everything before it is
    return {"batchItemFailures": [{"itemIdentifier": unfinished}] if unfinished else []}
