"""/api/app/orgs/{org_id}/workspaces/*, …/onboarding, …/features: Fast Lead workspaces, their widget and
leads, the onboarding wizard, the feature flags (customers)."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)
from tessera.workspaces.api import router
from tessera.workspaces.features_api import router as features_router
from tessera.workspaces.leads_api import router as leads_router
from tessera.workspaces.onboarding_api import router as onboarding_router

app = make_resolver()
app.include_router(router)
app.include_router(leads_router)
app.include_router(onboarding_router)
app.include_router(features_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
