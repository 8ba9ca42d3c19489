"""Sessions: an access JWT (15 min) plus a refresh token (7 days, rotated on every use).

A session is one refresh-token family. The refresh token is `<user>.<session>.<generation>.<random>`;
only its SHA-256 is stored. Presenting the current generation rotates it. Presenting an older one
means a token was copied: the whole family is revoked — except the one just rotated within
REUSE_GRACE seconds, which two tabs racing to refresh both legitimately do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from tessera.core import clock
from tessera.core.errors import Unauthorized
from tessera.core.ids import new_id, new_secret_token, sha256_hex
from tessera.core.request import RequestInfo
from tessera.core.settings import get_settings
from tessera.core.snapstart import fetched_ahead
from tessera.identity import repository, tokens
from tessera.identity.audit_log import audit_system
from tessera.identity.principal import Principal
from tessera.identity.records import SessionRecord, UserRecord
from tessera.identity.settings import IdentitySettings

REFRESH_TTL = timedelta(days=7)
REUSE_GRACE_SECONDS = 30


@cache
def keys() -> tokens.KeySource:
    return tokens.secrets_manager_source(get_settings(IdentitySettings).jwt_secret_arn)


def current_key() -> None:
    keys().current()


fetched_ahead(current_key)


@dataclass(frozen=True)
class Issued:
    access_token: str
    refresh_token: str
    csrf_token: str
    expires_in: int
    session: SessionRecord
    user: UserRecord | None = None  # when the caller already holds it (sign-in), so nobody reads it again


def grants_of(user: UserRecord, org_id: str | None) -> tuple[list[str], str | None]:
    """The roles a session carries: staff roles, or the customer's role in one organization."""
    if user.kind == "staff":
        return sorted(user.staff_roles or ()), None
    memberships = {m["org_id"]: m for m in user.memberships or []}
    if org_id is None and memberships:
        org_id = next(iter(memberships))
    if org_id is None or org_id not in memberships:
        return [], None
    return [memberships[org_id]["role"]], org_id


def access_token(session: SessionRecord) -> str:
    return tokens.encode({"sub": session.user_id, "sid": session.session_id, "aud": session.audience,
                          "kind": session.kind, "roles": sorted(session.roles or ()), "org": session.org_id,
                          "mfa": session.mfa}, keys())


def _refresh_token(session: SessionRecord, generation: int) -> str:
    return f"{session.user_id}.{session.session_id}.{generation}.{new_secret_token(24)}"


def new_session(user: UserRecord, audience: str, request: RequestInfo, *, mfa: bool,
                org_id: str | None = None) -> tuple[SessionRecord, str]:
    """An unsaved session and its first refresh token (the caller saves it with the user's changes)."""
    session_id = new_id("ses")
    roles, org = grants_of(user, org_id)
    now = clock.now()
    session = SessionRecord(pk=f"USER#{user.user_id}", sk=f"SESSION#{session_id}", session_id=session_id,
                            user_id=user.user_id, audience=audience, kind=user.kind, roles=set(roles) or None,
                            org_id=org,
                            mfa=mfa, refresh_hash="", generation=0, created_at=now, last_used_at=now,
                            display=f"{user.name} <{user.email}>" if user.name else user.email,
                            ip=request.ip, user_agent=request.user_agent, expires_at=now + REFRESH_TTL)
    refresh = _refresh_token(session, 0)
    session.refresh_hash = sha256_hex(refresh)
    return session, refresh


def issue(session: SessionRecord, refresh: str, user: UserRecord | None = None) -> Issued:
    return Issued(access_token=access_token(session), refresh_token=refresh, csrf_token=new_secret_token(18),
                  expires_in=tokens.ACCESS_TTL_SECONDS, session=session, user=user)


def refresh(presented: str, request: RequestInfo) -> Issued:
    parts = presented.split(".")
    if len(parts) != 4 or not parts[2].isdigit():
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    user_id, session_id, generation = parts[0], parts[1], int(parts[2])
    session = repository.find_session(user_id, session_id)
    now = clock.now()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    digest = sha256_hex(presented)
    current = int(session.generation)
    racing = (digest == session.previous_hash and generation == current - 1
              and clock.epoch_seconds() - int(session.rotated_at or 0) <= REUSE_GRACE_SECONDS)
    if not racing and (generation != current or digest != session.refresh_hash):
        if generation < current:
            repository.revoke_sessions([session], "refresh-reused")
            audit_system("auth.refresh_reused", "session", session_id, user_id, request)
            raise Unauthorized("Your session was ended for security reasons.", code="refresh-reused")
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    new_refresh = _refresh_token(session, current + 1)
    if not repository.rotate_session(session, sha256_hex(new_refresh), current, now + REFRESH_TTL, request.ip):
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    return issue(session, new_refresh)




def authenticate(access_token: str, audience: str | tuple[str, ...]) -> Principal:
    """The principal behind an access token whose session is still live: one DynamoDB read."""
    try:
        claims = tokens.decode(access_token, keys(), audience)
    except tokens.TokenError as exc:
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired") from exc
    session = repository.find_session(str(claims["sub"]), str(claims["sid"]))
    if session is None or session.revoked_at is not None or session.expires_at <= clock.now():
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    return Principal(user_id=session.user_id, session_id=session.session_id, audience=session.audience,
                     kind=session.kind, roles=frozenset(session.roles or ()), org_id=session.org_id,
                     mfa=bool(session.mfa), display=session.display or "", expires_at=int(claims["exp"]))
