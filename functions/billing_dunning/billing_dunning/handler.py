"""The tasks of the dunning and trial-lifecycle state machines: one step per invocation, named by
`action` in the state's payload (tessera.billing.dunning.Step)."""

from __future__ import annotations

from typing import Any

from tessera.billing import dunning
from tessera.core.observability import lambda_entry


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dunning.run(event)
