"""/api/console/access-grants/* and /api/app/orgs/{org_id}/staff-access: staff access to customer data."""

from __future__ import annotations

from typing import Any

from tessera.backoffice.api import router
from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
