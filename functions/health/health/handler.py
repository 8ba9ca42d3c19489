"""GET /api/health: the platform's version and commit.

Load balancers, uptime checks and deploy smoke tests hit this often: it is neither traced nor measured,
and touches no AWS service."""

from __future__ import annotations

import os
from typing import Any, Literal, TypedDict

from tessera.core import clock
from tessera.core.http import make_resolver, public
from tessera.core.observability import lambda_entry

app = make_resolver()


class HealthStatus(TypedDict):
    status: Literal["ok"]
    service: str
    version: str
    commit: str
    stage: str
    time: str  # ISO 8601, UTC, from the platform clock


@app.get("/api/health", summary="Platform version and commit", tags=["platform"])
@public
def health() -> HealthStatus:
    return {
        "status": "ok",
        "service": os.environ.get("POWERTOOLS_SERVICE_NAME", "tessera"),
        "version": os.environ.get("TESSERA_VERSION", "0.0.0"),
        "commit": os.environ.get("TESSERA_COMMIT", "unknown"),
        "stage": os.environ.get("TESSERA_STAGE", "local"),
        "time": clock.utcnow_iso(),
    }


@lambda_entry(traced=False, measured=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
