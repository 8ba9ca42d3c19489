"""/api/console/{releases,installations,deploys,deploy-runs}* (staff) and /api/external/{releases,deploy-runs}
(the product's CI and budgetctl, signed with an integration key)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.deploys.console_api import router as console_router
from tessera.deploys.external_api import router as external_router
from tessera.identity import messages  # noqa: F401  (localized problems)

app = make_resolver()
app.include_router(console_router)
app.include_router(external_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
