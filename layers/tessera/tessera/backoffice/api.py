"""/api/console/access-grants and /api/app/orgs/{org_id}/staff-access."""

from typing import Annotated

from tessera.backoffice import service
from tessera.backoffice.models import GrantPage, GrantRequest, GrantView, StaffAccessPage
from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity.principal import current, guard

router = Router()
GRANT_ID = Annotated[str, Path(pattern=r"^grt_[0-9A-HJKMNP-TV-Z]{26}$")]
ORG_ID = Annotated[str, Path(pattern=r"^org_[0-9A-HJKMNP-TV-Z]{26}$")]
CURSOR = Annotated[str | None, Query(max_length=500)]
LIMIT = Annotated[int | None, Query(ge=1, le=100)]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/console/access-grants", summary="Access grants to customer data", tags=["access"])
@guard(router, "console.grants.read")
def list_grants(cursor: CURSOR = None, limit: LIMIT = None) -> GrantPage:
    return service.list_grants(current(), cursor, limit)


@router.post("/api/console/access-grants", summary="Grant access to a customer's data, with a reason",
             tags=["access"])
@guard(router, "console.grants.create")
def create_grant(body: GrantRequest) -> Response[GrantView]:
    return Response(201, "application/json", service.create(body, current(), _request()))


@router.post("/api/console/access-grants/<grant_id>/revoke", summary="Revoke a grant", tags=["access"])
@guard(router, "console.grants.revoke")
def revoke_grant(grant_id: GRANT_ID) -> GrantView:
    return service.revoke(grant_id, current(), _request())


@router.get("/api/app/orgs/<org_id>/staff-access", summary="Which vendor staff accessed our data, and why",
            tags=["access"])
@guard(router, "app.staff_access.read")
def staff_access(org_id: ORG_ID, cursor: CURSOR = None, limit: LIMIT = None) -> StaffAccessPage:
    return service.staff_access(org_id, cursor, limit)
