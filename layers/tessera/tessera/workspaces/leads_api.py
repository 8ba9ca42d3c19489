"""/api/app/orgs/{org_id}/workspaces/{workspace_id}/leads: the list, one lead with its timeline, status
changes. Another organization's workspace or lead answers 404."""

from datetime import datetime
from typing import Annotated

from tessera.core.http import Path, Query, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard
from tessera.workspaces import leads, service
from tessera.workspaces.models import (
    LEAD_ID,
    WORKSPACE_ID,
    LeadChannel,
    LeadDetail,
    LeadPage,
    LeadStatus,
    LeadStatusChange,
    LeadView,
)

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
WS_ID = Annotated[str, Path(pattern=WORKSPACE_ID)]
ONE_LEAD = Annotated[str, Path(pattern=LEAD_ID)]
BASE = "/api/app/orgs/<org_id>/workspaces/<workspace_id>/leads"


@router.get(BASE, summary="The workspace's leads, newest first: filters, search, cursor pages", tags=["leads"])
@guard(router, "app.leads.read")
def list_leads(org_id: ORG_ID, workspace_id: WS_ID,
               status: Annotated[LeadStatus | None, Query()] = None,
               channel: Annotated[LeadChannel | None, Query()] = None,
               created_after: Annotated[datetime | None, Query(description="ISO 8601, inclusive")] = None,
               created_before: Annotated[datetime | None, Query(description="ISO 8601, inclusive")] = None,
               q: Annotated[str | None, Query(min_length=2, max_length=100,
                                              description="part of the name, phone, e-mail or message")] = None,
               cursor: Annotated[str | None, Query(max_length=1000)] = None,
               limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> LeadPage:
    return leads.list_leads(org_id, workspace_id, status=status, channel=channel, created_after=created_after,
                            created_before=created_before, q=q, cursor=cursor, limit=limit)


@router.get(f"{BASE}/<lead_id>", summary="A lead with its consent and timeline", tags=["leads"])
@guard(router, "app.leads.read")
def get_lead(org_id: ORG_ID, workspace_id: WS_ID, lead_id: ONE_LEAD) -> LeadDetail:
    return leads.get_lead(org_id, workspace_id, lead_id)


@router.post(f"{BASE}/<lead_id>/status", summary="Move a lead: new → contacted → booked / lost (audited)",
             tags=["leads"])
@guard(router, "app.leads.update")
def change_status(org_id: ORG_ID, workspace_id: WS_ID, lead_id: ONE_LEAD, body: LeadStatusChange) -> LeadView:
    actor = service.Actor.of(current(), RequestInfo.from_event(router.current_event))
    return leads.change_status(org_id, workspace_id, lead_id, body, actor)
