"""/api/console/licenses/*, /api/console/catalog/* and POST /api/licenses/revoke (staff)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)
from tessera.licensing.api import router
from tessera.licensing.reports_api import router as reports_router

app = make_resolver()
app.include_router(router)
app.include_router(reports_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
