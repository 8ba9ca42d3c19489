"""GET /api/health: the platform's version and commit.

Load balancers, uptime checks and deploy smoke tests hit this, so it imports the least it can: no
pydantic (request validation has nothing to validate here) and no X-Ray SDK."""

from __future__ import annotations

import os
from typing import Any

from tessera.core import clock
from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry

app = make_resolver(enable_validation=False)


@app.get("/api/health")
def health() -> dict[str, Any]:
    return {
        "status": "ok",
        "service": os.environ.get("POWERTOOLS_SERVICE_NAME", "tessera"),
        "version": os.environ.get("TESSERA_VERSION", "0.0.0"),
        "commit": os.environ.get("TESSERA_COMMIT", "unknown"),
        "stage": os.environ.get("TESSERA_STAGE", "local"),
        "time": clock.utcnow_iso(),
    }


@lambda_entry(traced=False)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
