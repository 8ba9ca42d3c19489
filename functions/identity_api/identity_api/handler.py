"""/api/console/staff/* and /api/app/orgs/{org_id}/members|invites: people and their roles."""

from __future__ import annotations

from typing import Any

from tessera.core.http import make_resolver
from tessera.core.observability import lambda_entry
from tessera.identity import messages, team  # noqa: F401  (messages: localized problems)
from tessera.identity.staff_api import router as staff_router
from tessera.identity.team_api import router as team_router


def _fast_lead_team_cap(org_id: str) -> int | None:
    from tessera.workspaces.service import plan_of  # billing's plans; loaded on the first invite only

    return plan_of(org_id).limit("team_members")


team.cap_members_by(_fast_lead_team_cap)
app = make_resolver()
app.include_router(staff_router)
app.include_router(team_router)


@lambda_entry()
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
