"""/api/console/billing/* (staff), /api/app/orgs/{org_id}/billing/* (customers), the integration keys and
/api/external/* (1С, CRM; signed with a key)."""

from __future__ import annotations

from typing import Any

from tessera.billing.app_api import router as app_router
from tessera.billing.console_api import router as console_router
from tessera.billing.dunning_api import router as dunning_router
from tessera.billing.integrations_api import router as integrations_router
from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)

app = make_resolver()
app.include_router(console_router)
app.include_router(app_router)
app.include_router(integrations_router)
app.include_router(dunning_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
