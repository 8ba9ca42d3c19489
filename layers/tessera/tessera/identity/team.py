"""A customer organization's team: members, invites, roles."""

from __future__ import annotations

from collections.abc import Callable

from tessera.core import clock
from tessera.core.errors import Conflict, Forbidden, NotFound
from tessera.core.ids import new_id
from tessera.core.masking import mask_email, mask_name
from tessera.core.request import RequestInfo
from tessera.identity import repository
from tessera.identity.audit_log import audit
from tessera.identity.models import MemberPage, MemberView, TeamInvite, TeamUpdate
from tessera.identity.principal import Principal
from tessera.identity.records import MemberRecord
from tessera.identity.service import new_invite, send_invite

ROLE_LABELS = {"ru": {"owner": "владелец", "admin": "администратор", "operator": "оператор", "analyst": "аналитик"},
               "en": {"owner": "owner", "admin": "admin", "operator": "operator", "analyst": "analyst"}}


# An organization's plan may cap its team (Fast Lead's `team_members`). Billing owns plans and itself imports
# identity, so the cap comes in through this port, wired where both are loaded (the identity API's handler).
MemberCap = Callable[[str], int | None]
_member_cap: MemberCap = lambda _org_id: None  # noqa: E731


def cap_members_by(cap: MemberCap) -> None:
    global _member_cap
    _member_cap = cap


def _team_size(org_id: str) -> int:
    """Active and invited members: an invitation holds its seat until it is accepted or withdrawn."""
    size, cursor = 0, None
    while True:
        items, cursor = repository.list_members(org_id, cursor, 100)
        size += sum(1 for m in items if m.status in ("active", "invited"))
        if cursor is None:
            return size


def view(member: MemberRecord, masked: bool = False) -> MemberView:
    if masked:
        return MemberView(id=member.member_id, email=mask_email(member.email), user_id=member.user_id,
                          name=mask_name(member.name), role=member.role, status=member.status,
                          created_at=member.created_at)
    return MemberView(id=member.member_id, email=member.email, user_id=member.user_id, name=member.name,
                      role=member.role, status=member.status, created_at=member.created_at)


def list_members(org_id: str, cursor: str | None, limit: int | None, masked: bool = False) -> MemberPage:
    items, next_cursor = repository.list_members(org_id, cursor, limit)
    return MemberPage(items=[view(m, masked) for m in items], next_cursor=next_cursor)


def _member(org_id: str, member_id: str) -> MemberRecord:
    member = repository.find_member_by_id(org_id, member_id)
    if member is None:
        raise NotFound("No such member.", code="not-found")
    return member


def _owners(org_id: str) -> list[MemberRecord]:
    owners: list[MemberRecord] = []
    cursor = None
    while True:
        items, cursor = repository.list_members(org_id, cursor, 100)
        owners += [m for m in items if m.role == "owner" and m.status == "active"]
        if cursor is None:
            return owners


def owner_emails(org_id: str) -> list[str]:
    """The e-mail addresses of the organization's active owners (notices fall back to them)."""
    return sorted({m.email for m in _owners(org_id)})


def _org_name(actor: Principal, org_id: str) -> str:
    user = repository.find_user(actor.user_id)
    return next((m["org_name"] for m in (user.memberships if user else []) if m["org_id"] == org_id), "")


def invite(org_id: str, command: TeamInvite, actor: Principal, request: RequestInfo) -> MemberView:
    if command.role == "owner" and "owner" not in actor.roles:
        raise Forbidden("Only an owner can grant the owner role.", code="owner-only")
    email = command.email.lower()
    if repository.find_member(org_id, email) is not None:
        raise Conflict("This person is already on the team or invited.", code="already-member")
    cap = _member_cap(org_id)
    if cap is not None and _team_size(org_id) >= cap:
        raise Forbidden(f"Your plan allows at most {cap} team members.", code="member-limit", limit=cap)
    org_name = _org_name(actor, org_id)
    member = MemberRecord(pk=f"ORG#{org_id}", sk=f"MEMBER#{email}", member_id=new_id("mem"), org_id=org_id,
                          email=email, role=command.role,
                          status="invited", invited_by=actor.user_id, created_at=clock.now())
    raw, token = new_invite(email, "customer", command.role, actor.user_id, org_id=org_id, org_name=org_name)
    repository.save(member, token)
    audit("team.invite", "member", member.member_id, actor_id=actor.user_id, actor_kind="customer",
          request=request, org_id=org_id, after={"email": email, "role": command.role, "status": "invited"})
    inviter = repository.find_user(actor.user_id)
    send_invite(raw, token, inviter.name if inviter else "Tessera", ROLE_LABELS[request.language][command.role],
                request.language)
    return view(member)


def _sync_user(member: MemberRecord, role: str | None) -> None:
    """Mirror a membership change on the user record and its live sessions in this organization."""
    if not member.user_id:
        return
    user = repository.find_user(member.user_id)
    if user is None:
        return
    kept = [m for m in user.memberships or [] if m["org_id"] != member.org_id]
    if role is not None:
        current = next((m for m in user.memberships or [] if m["org_id"] == member.org_id), None)
        kept.append({"org_id": member.org_id, "org_name": current["org_name"] if current else "", "role": role})
    user.memberships = kept
    repository.save(user)
    for session in repository.sessions_of(member.user_id):
        if session.revoked_at is None and session.org_id == member.org_id:
            if role is None:
                repository.revoke_sessions([session], "removed-from-organization")
            else:
                repository.update_session_grants(session, [role], member.org_id)


def update_role(org_id: str, member_id: str, command: TeamUpdate, actor: Principal,
                request: RequestInfo) -> MemberView:
    member = _member(org_id, member_id)
    if "owner" in (command.role, member.role) and "owner" not in actor.roles:
        raise Forbidden("Only an owner can grant or change the owner role.", code="owner-only")
    if member.role == "owner" and command.role != "owner" and len(_owners(org_id)) <= 1:
        raise Conflict("An organization needs at least one owner.", code="last-owner")
    before = {"role": member.role}
    member.role = command.role
    repository.save(member)
    _sync_user(member, command.role)
    audit("team.update_role", "member", member.member_id, actor_id=actor.user_id, actor_kind="customer",
          request=request, org_id=org_id, before=before, after={"role": command.role})
    return view(member)


def remove(org_id: str, member_id: str, actor: Principal, request: RequestInfo) -> None:
    member = _member(org_id, member_id)
    if member.role == "owner" and "owner" not in actor.roles:
        raise Forbidden("Only an owner can grant or change the owner role.", code="owner-only")
    if member.role == "owner" and member.status == "active" and len(_owners(org_id)) <= 1:
        raise Conflict("An organization needs at least one owner.", code="last-owner")
    repository.save(delete=[member])
    _sync_user(member, None)
    audit("team.remove", "member", member.member_id, actor_id=actor.user_id, actor_kind="customer",
          request=request, org_id=org_id, before={"role": member.role, "status": member.status})
