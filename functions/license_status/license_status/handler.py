"""GET /api/licenses/{license_key} and /api/licenses/jwks.json: what installations check, no login."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.licensing.status_api import router

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
