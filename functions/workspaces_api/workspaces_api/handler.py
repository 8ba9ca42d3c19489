"""/api/app/orgs/{org_id}/workspaces/*, …/onboarding, …/features: Fast Lead workspaces, their widget, leads,
channels, Cal.com, analytics and exports, the onboarding wizard, the feature flags (customers);
/api/webhooks/calcom/{workspace_id}: Cal.com's signed booking webhooks;
/api/webhooks/inbound/{channel}/{workspace_id}: the leads' answers by Twilio SMS and WhatsApp."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages  # noqa: F401  (localized problems)
from tessera.reporting.api import router as reporting_router
from tessera.workspaces.api import router
from tessera.workspaces.channels.api import router as channels_router
from tessera.workspaces.channels.webhook_api import router as webhooks_router
from tessera.workspaces.features_api import router as features_router
from tessera.workspaces.leads_api import router as leads_router
from tessera.workspaces.onboarding_api import router as onboarding_router

app = make_resolver()
app.include_router(router)
app.include_router(leads_router)
app.include_router(channels_router)
app.include_router(webhooks_router)
app.include_router(reporting_router)
app.include_router(onboarding_router)
app.include_router(features_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
