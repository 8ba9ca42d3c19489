"""Staff users as other contexts look them up (a customer's account manager, an access grant's
grantee): reads only, and nothing here reaches another context, so any context may use it."""

from __future__ import annotations

from tessera.identity import repository
from tessera.identity.models import StaffView
from tessera.identity.records import UserRecord
from tessera.identity.roles import StaffRole


def staff_view(user: UserRecord) -> StaffView:
    return StaffView(id=user.user_id, email=user.email, name=user.name,
                     roles=sorted(StaffRole(r) for r in user.staff_roles or ()),
                     status=user.status,
                     mfa_enabled=bool(user.mfa_enabled), created_at=user.created_at, last_login_at=user.last_login_at)


def find_staff(user_id: str) -> StaffView | None:
    user = repository.find_user(user_id)
    return staff_view(user) if user is not None and user.kind == "staff" else None


def find_staff_by_email(email: str) -> StaffView | None:
    user = repository.find_user_by_email(email)
    return staff_view(user) if user is not None and user.kind == "staff" else None
