"""/api/app/orgs/{org_id}/workspaces/{workspace_id}/analytics, …/exports: Fast Lead analytics and exports."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)
from tessera.reporting.api import router

app = make_resolver()
app.include_router(router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
