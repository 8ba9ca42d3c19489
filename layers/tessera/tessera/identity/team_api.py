"""/api/app/orgs/{org_id}: a customer organization's team."""

from typing import Annotated

from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity import team
from tessera.identity.models import MemberPage, MemberView, TeamInvite, TeamUpdate
from tessera.identity.principal import current, guard, pii_masked

router = Router()
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
MEMBER_ID = Annotated[str, Path(pattern=r"^mem_[0-9A-HJKMNP-TV-Z]{26}$")]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/app/orgs/<org_id>/members", summary="The organization's team", tags=["team"])
@guard(router, "app.team.read")
def list_members(org_id: ORG_ID, cursor: Annotated[str | None, Query(max_length=500)] = None,
                 limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> MemberPage:
    return team.list_members(org_id, cursor, limit)


@router.post("/api/app/orgs/<org_id>/invites", summary="Invite someone to the team", tags=["team"])
@guard(router, "app.team.invite")
def invite(org_id: ORG_ID, body: TeamInvite) -> Response[MemberView]:
    return Response(201, "application/json", team.invite(org_id, body, current(), _request()))


@router.patch("/api/app/orgs/<org_id>/members/<member_id>", summary="Change a member's role", tags=["team"])
@guard(router, "app.team.update")
def update(org_id: ORG_ID, member_id: MEMBER_ID, body: TeamUpdate) -> MemberView:
    return team.update_role(org_id, member_id, body, current(), _request())


@router.delete("/api/app/orgs/<org_id>/members/<member_id>", summary="Remove a member or withdraw an invite",
               tags=["team"])
@guard(router, "app.team.remove")
def remove(org_id: ORG_ID, member_id: MEMBER_ID) -> Response[None]:
    team.remove(org_id, member_id, current(), _request())
    return Response(204)


@router.get("/api/console/orgs/<org_id>/members", summary="A customer's team, seen by staff", tags=["team"])
@guard(router, "console.customers.team.read", customer_data="read")
def customer_team(org_id: ORG_ID, cursor: Annotated[str | None, Query(max_length=500)] = None,
                  limit: Annotated[int | None, Query(ge=1, le=100)] = None) -> MemberPage:
    return team.list_members(org_id, cursor, limit, masked=pii_masked())
