"""/api/console/staff: staff management (admin; the auditor reads)."""

from typing import Annotated

from tessera.core.http import Path, Query, Response, Router
from tessera.core.request import RequestInfo
from tessera.identity import staff
from tessera.identity.models import StaffInvite, StaffPage, StaffUpdate, StaffView
from tessera.identity.principal import current, guard
from tessera.identity.roles import StaffRole

router = Router()
USER_ID = Annotated[str, Path(pattern=r"^usr_[0-9A-HJKMNP-TV-Z]{26}$")]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


@router.get("/api/console/staff", summary="Staff users", tags=["staff"])
@guard(router, "console.staff.read")
def list_staff(cursor: Annotated[str | None, Query(max_length=500)] = None,
               limit: Annotated[int | None, Query(ge=1, le=100)] = None,
               q: Annotated[str | None, Query(max_length=100, description="e-mail prefix")] = None,
               role: StaffRole | None = None) -> StaffPage:
    return staff.list_staff(cursor, limit, q, role.value if role else None)


@router.post("/api/console/staff", summary="Invite a staff user", tags=["staff"])
@guard(router, "console.staff.invite")
def invite(body: StaffInvite) -> Response[StaffView]:
    return Response(201, "application/json", staff.invite(body, current(), _request()))


@router.patch("/api/console/staff/<user_id>", summary="Change a staff user's roles", tags=["staff"])
@guard(router, "console.staff.update")
def update(user_id: USER_ID, body: StaffUpdate) -> StaffView:
    return staff.update_roles(user_id, body, current(), _request())


@router.post("/api/console/staff/<user_id>/deactivate", summary="Deactivate a staff user", tags=["staff"])
@guard(router, "console.staff.deactivate")
def deactivate(user_id: USER_ID) -> StaffView:
    return staff.deactivate(user_id, current(), _request())


@router.post("/api/console/staff/<user_id>/reset-mfa", summary="Reset a staff user's 2FA", tags=["staff"])
@guard(router, "console.staff.reset_mfa")
def reset_mfa(user_id: USER_ID) -> StaffView:
    return staff.reset_mfa(user_id, current(), _request())
