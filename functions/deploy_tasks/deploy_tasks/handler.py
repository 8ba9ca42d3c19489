"""The deploy state machine's tasks: one step per invocation, named by `action` (tessera.deploys.machine.Step)."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry
from tessera.deploys import machine


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return machine.run(event)
