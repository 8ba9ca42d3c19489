"""Daily at 09:00 Moscow: the weekly Fast Lead e-mail on Mondays and the owners' alerts every day."""

from __future__ import annotations

from typing import Any

from tessera.core.observability import lambda_entry, logger
from tessera.reporting.digest import run_digest


@lambda_entry(correlation_path=None)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    run = run_digest()
    logger.info("analytics digest", extra={"weekly": run.weekly, "alerts": run.alerts, "failed": run.failed})
    if run.failed:
        # the schedule retries; every e-mail has a once-key, so the workspaces done are not mailed again
        raise RuntimeError(f"the analytics digest failed for {run.failed} workspace(s)")
    return {"weekly": run.weekly, "alerts": run.alerts}
