"""Support bundles: POST /api/agent/support-bundles (the installation's agent, signed by its key) and
GET /api/console/installations/{id}/support-bundles[/{bundle_id}] (staff)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.deploys.bundles_api import router
from tessera.identity import messages  # noqa: F401  (localized problems)

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
