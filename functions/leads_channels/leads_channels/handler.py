"""The workspaces table's stream: each new lead to the channels its workspace chose."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.workspaces.channels.stream import on_stream


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    on_stream(event.get("Records") or [])
    return {"batchItemFailures": []}
