"""POST /api/webhooks/yookassa and /api/webhooks/tbank: payment notifications, re-fetched from the provider
and applied exactly once."""

from __future__ import annotations

from typing import Any

from tessera.billing.webhook_api import router
from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
