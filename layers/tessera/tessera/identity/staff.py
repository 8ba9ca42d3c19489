"""Staff management in the console: invite, change roles, deactivate, reset 2FA, and the bootstrap of
the first admin."""

from __future__ import annotations

from tessera.core import clock
from tessera.core.errors import Conflict, NotFound, ValidationFailed
from tessera.core.ids import new_id
from tessera.core.request import RequestInfo
from tessera.identity import passwords, repository
from tessera.identity.audit_log import audit
from tessera.identity.directory import staff_view as view
from tessera.identity.models import StaffInvite, StaffPage, StaffUpdate, StaffView
from tessera.identity.principal import Principal
from tessera.identity.records import UserRecord
from tessera.identity.roles import StaffRole
from tessera.identity.service import new_invite, send_invite

ROLE_LABELS = {"ru": {"admin": "администратор", "sales": "продажи", "implementation": "внедрение",
                      "support": "поддержка", "billing": "биллинг", "developer": "разработчик",
                      "auditor": "аудитор"},
               "en": {r.value: r.value for r in StaffRole}}


def list_staff(cursor: str | None, limit: int | None, query: str | None, role: str | None) -> StaffPage:
    items, next_cursor = repository.list_staff(cursor, limit, email_prefix=query)
    views = [view(u) for u in items if role is None or role in (u.staff_roles or ())]
    return StaffPage(items=views, next_cursor=next_cursor)


def _staff(user_id: str) -> UserRecord:
    user = repository.find_user(user_id)
    if user is None or user.kind != "staff":
        raise NotFound("No such staff user.", code="not-found")
    return user


def _snapshot(user: UserRecord) -> dict[str, object]:
    return {"roles": sorted(user.staff_roles or ()), "status": user.status, "mfa_enabled": bool(user.mfa_enabled)}


def _other_active_admins(excluding: str) -> bool:
    cursor = None
    while True:
        items, cursor = repository.list_staff(cursor, 100)
        if any(u.user_id != excluding and u.status == "active" and "admin" in (u.staff_roles or ()) for u in items):
            return True
        if cursor is None:
            return False


def invite(command: StaffInvite, actor: Principal, request: RequestInfo) -> StaffView:
    email = command.email.lower()
    user_id = new_id("usr")
    roles = {r.value for r in command.roles}
    user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=email, name=command.name,
                      kind="staff", kind_key="STAFF", status="invited", locale=request.language, staff_roles=roles,
                      created_at=clock.now())
    raw, token = new_invite(email, "staff", ",".join(sorted(roles)), actor.user_id, user_id=user_id)
    repository.create_user(user, token)
    audit("staff.invite", "user", user_id, actor_id=actor.user_id, actor_kind="staff", request=request,
          after={"email": email, **_snapshot(user)})
    inviter = repository.find_user(actor.user_id)
    labels = ", ".join(ROLE_LABELS[request.language][r] for r in sorted(roles))
    send_invite(raw, token, inviter.name if inviter and inviter.name else "Tessera", labels, request.language)
    return view(user)


def update_roles(user_id: str, command: StaffUpdate, actor: Principal, request: RequestInfo) -> StaffView:
    user = _staff(user_id)
    before = _snapshot(user)
    roles = {r.value for r in command.roles}
    if "admin" in (user.staff_roles or ()) and "admin" not in roles and not _other_active_admins(user_id):
        raise Conflict("The last administrator cannot lose their rights.", code="last-admin")
    user.staff_roles = roles
    repository.save(user)
    # Live sessions carry roles: update them so the change applies at the next request.
    for session in repository.sessions_of(user_id):
        if session.revoked_at is None:
            repository.update_session_grants(session, sorted(roles), None)
    audit("staff.update_roles", "user", user_id, actor_id=actor.user_id, actor_kind="staff", request=request,
          before=before, after=_snapshot(user))
    return view(user)


def deactivate(user_id: str, actor: Principal, request: RequestInfo) -> StaffView:
    if user_id == actor.user_id:
        raise Conflict("You cannot do this to your own account.", code="self-change")
    user = _staff(user_id)
    before = _snapshot(user)
    if "admin" in (user.staff_roles or ()) and not _other_active_admins(user_id):
        raise Conflict("The last administrator cannot lose their rights.", code="last-admin")
    user.status = "deactivated"
    repository.save(user)
    repository.revoke_sessions(repository.sessions_of(user_id), "deactivated")
    audit("staff.deactivate", "user", user_id, actor_id=actor.user_id, actor_kind="staff", request=request,
          before=before, after=_snapshot(user))
    return view(user)


def reset_mfa(user_id: str, actor: Principal, request: RequestInfo) -> StaffView:
    user = _staff(user_id)
    before = _snapshot(user)
    user.mfa_enabled, user.mfa_secret, user.mfa_pending_secret, user.recovery_hashes = False, None, None, None
    repository.save(user)
    repository.revoke_sessions(repository.sessions_of(user_id), "mfa-reset")
    audit("staff.reset_mfa", "user", user_id, actor_id=actor.user_id, actor_kind="staff", request=request,
          before=before, after=_snapshot(user))
    return view(user)


def bootstrap_admin(email: str, name: str, password: str, roles: tuple[str, ...] = ("admin",)) -> tuple[str, bool]:
    """The first admin of a fresh deployment (and `make run`'s demo staff): (user id, created).
    Refuses a weak password; an existing account with that e-mail is left as it is."""
    existing = repository.find_user_by_email(email)
    if existing is not None:
        return existing.user_id, False
    try:
        passwords.check_policy(password, email=email, name=name)
    except ValidationFailed as exc:
        raise ValueError(exc.detail) from exc
    user_id = new_id("usr")
    now = clock.now()
    user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=email.lower(), name=name,
                      kind="staff", kind_key="STAFF", status="active", locale="ru", staff_roles=set(roles),
                      password_hash=passwords.hash_password(password), created_at=now, confirmed_at=now)
    repository.create_user(user)
    audit("staff.bootstrap", "user", user_id, actor_id=None, actor_kind="system", request=RequestInfo("bootstrap"),
          after={"email": user.email, "roles": sorted(roles)})
    return user_id, True


