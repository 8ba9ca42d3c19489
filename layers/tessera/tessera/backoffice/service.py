"""Staff access to a customer's data: grants with a reason that expire, the check every customer-data
route makes, and the customer's view of who accessed its data and why."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tessera.accounts.service import find_organization
from tessera.audit import service as audit
from tessera.backoffice import repository
from tessera.backoffice.models import GrantPage, GrantRequest, GrantView, StaffAccessPage, StaffAccessView
from tessera.backoffice.records import GrantRecord
from tessera.core import clock
from tessera.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.identity import directory
from tessera.identity.roles import GRANT_ROLES

if TYPE_CHECKING:  # identity's principal asks this module for grants: no import back at run time
    from tessera.identity.principal import Principal

MAX_GRANT = timedelta(days=30)
MAX_SELF_GRANT = timedelta(hours=8)  # support's read-only self-grant, by policy

register({
    "grant-required": {"ru": "Нужен выданный доступ к данным этого клиента (с указанием причины).",
                       "en": "You need an access grant (with a reason) to this customer's data."},
    "self-grant-only": {"ru": "Поддержка может выдать себе только доступ на чтение.",
                        "en": "Support may only grant itself read-only access."},
    "grant-too-long": {"ru": "Срок доступа слишком большой: не более {hours} ч.",
                       "en": "The access is too long: at most {hours} hours."},
    "grant-in-past": {"ru": "Срок окончания доступа должен быть в будущем.",
                      "en": "The access must end in the future."},
    "grantee-invalid": {"ru": "Доступ выдаётся только активному сотруднику поддержки или разработки.",
                        "en": "Grants go to an active support or developer staff user."},
    "organization-unknown": {"ru": "Такой организации нет.", "en": "No such organization."},
})


def view(grant: GrantRecord) -> GrantView:
    return GrantView(id=grant.grant_id, org_id=grant.org_id, grantee_id=grant.grantee_id,
                     grantee_email=grant.grantee_email, granted_by=grant.granted_by, reason=grant.reason,
                     scope=grant.scope, created_at=grant.created_at,
                     expires_at=grant.expires_at, revoked_at=grant.revoked_at, active=_active(grant))


def _active(grant: GrantRecord, write: bool = False) -> bool:
    return grant.revoked_at is None and grant.expires_at > clock.now() and (not write or grant.scope == "write")


def create(command: GrantRequest, actor: Principal, request: RequestInfo) -> GrantView:
    now = clock.now()
    grantee_id = command.grantee_id or actor.user_id
    by_admin = "admin" in actor.roles
    if not by_admin and (grantee_id != actor.user_id or command.scope != "read"):
        raise Forbidden("Support may only grant itself read-only access.", code="self-grant-only")
    longest = MAX_GRANT if by_admin else MAX_SELF_GRANT
    if command.expires_at <= now:
        raise ValidationFailed("The access must end in the future.", code="grant-in-past",
                               errors=[FieldError("body.expires_at", "in the past", "grant-in-past")])
    if command.expires_at > now + longest:
        hours = int(longest.total_seconds() // 3600)
        raise ValidationFailed("The access is too long.", code="grant-too-long", hours=hours,
                               errors=[FieldError("body.expires_at", f"at most {hours} h", "grant-too-long")])
    grantee = directory.find_staff(grantee_id)
    if grantee is None or grantee.status != "active" or not GRANT_ROLES & set(grantee.roles):
        raise ValidationFailed("Grants go to active support or developer staff.", code="grantee-invalid",
                               errors=[FieldError("body.grantee_id", "not support or developer", "grantee-invalid")])
    organization = find_organization(command.org_id)
    if organization is None:
        raise ValidationFailed("No such organization.", code="organization-unknown",
                               errors=[FieldError("body.org_id", "unknown", "organization-unknown")])
    grant_id = new_id("grt")
    grant = GrantRecord(pk=f"GRANT#{grant_id}", sk="GRANT", grant_id=grant_id, org_id=organization.id,
                        grantee_id=grantee_id, grantee_email=grantee.email, granted_by=actor.user_id,
                        reason=command.reason, scope=command.scope, created_at=now, expires_at=command.expires_at,
                        grantee_key=f"GRANTEE#{grantee_id}#{organization.id}",
                        created_key=f"{now.isoformat()}#{grant_id}")
    audit.record_change(lambda tx: repository.add_grant(tx, grant), "grant.create", "grant", grant_id,
                        actor_id=actor.user_id, actor_kind="staff", request=request, org_id=organization.id,
                        reason=command.reason, after={"grantee": grantee.email, "scope": command.scope,
                                                      "expires_at": command.expires_at.isoformat()})
    count("access_grant_created", scope=command.scope)
    return view(grant)


def revoke(grant_id: str, actor: Principal, request: RequestInfo) -> GrantView:
    grant = repository.find(grant_id)
    if grant is None:
        raise NotFound("No such grant.", code="not-found")
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = clock.now(), actor.user_id
        audit.record_change(lambda tx: repository.add_grant(tx, grant), "grant.revoke", "grant", grant_id,
                            actor_id=actor.user_id, actor_kind="staff", request=request, org_id=grant.org_id,
                            before={"active": True}, after={"active": False})
    return view(grant)


def list_grants(actor: Principal, cursor: str | None, limit: int | None) -> GrantPage:
    # Admins and auditors see every grant; support and developers see their own.
    own_only = not ({"admin", "auditor"} & actor.roles)
    items, next_cursor = repository.list_grants(cursor, limit, actor.user_id if own_only else None)
    return GrantPage(items=[view(g) for g in items], next_cursor=next_cursor)


def access_reason(actor: Principal, org_id: str, write: bool) -> str | None:
    """Why this staff user may reach this organization's data: None when a role other than support or
    developer already covers it, else the reason of an active grant. Raises when there is none."""
    if actor.roles - GRANT_ROLES:
        return None
    for grant in repository.grants_of(actor.user_id, org_id):
        if _active(grant, write):
            return grant.reason
    raise Forbidden("You need an access grant to this customer's data.", code="grant-required")


def staff_access(org_id: str, cursor: str | None, limit: int | None) -> StaffAccessPage:
    """What the customer sees: every staff access to its data and every grant, newest first."""
    events, next_cursor = audit.search(org=org_id, actor_kind="staff", cursor=cursor, limit=limit)
    return StaffAccessPage(items=[StaffAccessView(at=e.at, staff=e.actor.display or e.actor.id, action=e.action,
                                                  reason=e.reason) for e in events],
                           next_cursor=next_cursor)
