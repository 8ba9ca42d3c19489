"""Sign-up, sign-in (with TOTP), tokens, password reset, 2FA, sessions, invites: the way into identity."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tessera.accounts.service import new_organization
from tessera.core import clock
from tessera.core.crypto import data_cipher
from tessera.core.errors import (
    Conflict,
    FieldError,
    Forbidden,
    Gone,
    NotFound,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from tessera.core.ids import new_id, new_secret_token, sha256_hex
from tessera.core.masking import mask_email
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.core.settings import web_url
from tessera.identity import messages as _messages  # noqa: F401  (registers the localized texts)
from tessera.identity import passwords, repository, sessions, tokens, totp
from tessera.identity.audit_log import audit
from tessera.identity.models import (
    CurrentView,
    EnrollAnswer,
    InviteView,
    LoginRequest,
    MembershipView,
    MeView,
    ProfileUpdate,
    RegisterRequest,
    SessionView,
    UserView,
)
from tessera.identity.principal import Principal
from tessera.identity.records import MemberRecord, OneTimeTokenRecord, ThrottleRecord, UserRecord
from tessera.identity.roles import StaffRole
from tessera.notify.mail import send_template

CONFIRM_TTL = timedelta(hours=48)
RESET_TTL = timedelta(hours=1)
INVITE_TTL = timedelta(days=7)


# --- views -----------------------------------------------------------------------------------------

def user_view(user: UserRecord) -> UserView:
    return UserView(id=user.user_id, email=user.email, name=user.name, locale=user.locale,
                    kind=user.kind, mfa_enabled=bool(user.mfa_enabled))


def me(principal: Principal) -> MeView:
    user = active_user(principal.user_id)
    return MeView(user=user_view(user), roles=sorted(principal.roles),
                  memberships=[MembershipView(**m) for m in user.memberships or []],
                  current=CurrentView(org_id=principal.org_id),
                  access_expires_in=max(0, principal.expires_at - clock.epoch_seconds()) if principal.expires_at
                  else None)


def update_profile(principal: Principal, update: ProfileUpdate, request: RequestInfo) -> None:
    user = active_user(principal.user_id)
    before = {"name": user.name, "locale": user.locale}
    user.name = update.name if update.name is not None else user.name
    user.locale = update.locale or user.locale
    repository.save(user)
    audit("user.update_profile", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind, request=request,
          before=before, after={"name": user.name, "locale": user.locale})


def active_user(user_id: str) -> UserRecord:
    user = repository.find_user(user_id)
    if user is None or user.status != "active":
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    return user


# --- one-time tokens -------------------------------------------------------------------------------

def _one_time_token(purpose: str, email: str, user_id: str | None, ttl: timedelta,
                    data: dict[str, Any] | None = None) -> tuple[str, OneTimeTokenRecord]:
    raw = new_secret_token()
    pk, sk = repository.token_key(sha256_hex(raw))
    now = clock.now()
    return raw, OneTimeTokenRecord(pk=pk, sk=sk, purpose=purpose, email=email, user_id=user_id, data=data or {},
                                   created_at=now, expires_at=now + ttl)


def _valid_token(raw: str, purpose: str, expired_code: str = "token-expired") -> OneTimeTokenRecord:
    record = repository.find_token(sha256_hex(raw))
    if record is None or record.purpose != purpose or record.used_at is not None:
        raise NotFound("This link is not valid or was already used.", code="token-invalid")
    if record.expires_at <= clock.now():
        raise Gone("This link has expired.", code=expired_code)
    return record


# --- registration ----------------------------------------------------------------------------------

def register(command: RegisterRequest, request: RequestInfo) -> str:
    email = command.email.lower()
    passwords.check_policy(command.password, email=email, name=command.name)
    user_id = new_id("usr")
    now = clock.now()
    user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=email, name=command.name,
                      kind="customer", kind_key="CUSTOMER", status="pending", locale=command.locale,
                      password_hash=passwords.hash_password(command.password), memberships=[], created_at=now)
    raw, token = _one_time_token("confirm", email, user_id, CONFIRM_TTL,
                                 {"company": command.company or command.name})
    repository.create_user(user, token)  # the confirmation token is new: a plain put
    audit("user.register", "user", user_id, actor_id=user_id, actor_kind="customer", request=request,
          after={"email": email, "name": command.name, "status": "pending"})
    count("user_registered")
    send_template(email, "confirm_email", command.locale, name=command.name,
                  link=web_url(f"/app/confirm?token={raw}"), hours=int(CONFIRM_TTL.total_seconds() // 3600))
    return user_id


def confirm(raw: str, request: RequestInfo) -> None:
    token = _valid_token(raw, "confirm")
    user = repository.find_user(token.user_id or "")
    if user is None:
        raise NotFound("This link is not valid or was already used.", code="token-invalid")
    organization = new_organization(str(token.data.get("company") or user.name), created_by=user.user_id)
    member = MemberRecord(pk=f"ORG#{organization.org_id}", sk=f"MEMBER#{user.email}", member_id=new_id("mem"),
                          org_id=organization.org_id,
                          email=user.email, user_id=user.user_id, name=user.name, role="owner", status="active",
                          created_at=clock.now())
    user.status, user.confirmed_at = "active", clock.now()
    user.memberships = [*(user.memberships or []),
                        {"org_id": organization.org_id, "org_name": organization.name, "role": "owner"}]
    repository.save_with_token(token, user, organization, member)
    audit("user.confirm", "user", user.user_id, actor_id=user.user_id, actor_kind="customer", request=request,
          before={"status": "pending"}, after={"status": "active"})
    audit("organization.create", "organization", organization.org_id, actor_id=user.user_id, actor_kind="customer",
          request=request, org_id=organization.org_id, after={"name": organization.name, "owner": user.email})
    count("customer_created", source="signup")


# --- sign-in ---------------------------------------------------------------------------------------
# Failed sign-ins are throttled three ways, each a sliding 15-minute window:
# - per (address, account), 5 failures: ARCHITECTURE §7's figure, aimed at the guesser's own address;
# - per account, 20 failures from any address: a guesser spread over many addresses gets 20 tries per
#   window, while the owner's 5 from their own address still fit next to ≤ 3 hostile addresses;
# - per address, 100 failures across all accounts: an office of hundreds behind one NAT mistyping at
#   9:00 stays far below it, and a sprayer at one address still stops after 100 guesses.
# The second factor has its own 5 per account: only someone who knows the password reaches it.
# Throttled attempts are refused before any password check and write nothing.

THROTTLE_WINDOW = 15 * 60
PAIR_LIMIT = 5
ACCOUNT_LIMIT = 20
ADDRESS_LIMIT = 100
SECOND_FACTOR_LIMIT = 5


def _recent(failures: list[Any] | None) -> list[int]:
    """The failures inside the throttle window, oldest first."""
    horizon = clock.epoch_seconds() - THROTTLE_WINDOW
    return sorted(int(f) for f in failures or () if int(f) > horizon)


def _throttled(failures: list[int], limit: int) -> None:
    if len(failures) >= limit:
        wait = max(1, failures[-limit] + THROTTLE_WINDOW - clock.epoch_seconds())
        raise RateLimited("Too many failed sign-in attempts.", code="too-many-attempts", retry_after=wait,
                          minutes=(wait + 59) // 60)


def _counted(scope: str, key: str, failures: list[int], limit: int) -> ThrottleRecord:
    pk, sk = repository.throttle_key(scope, key)
    return ThrottleRecord(pk=pk, sk=sk, failures=[*failures, clock.epoch_seconds()][-limit:],
                          expires_at=clock.now() + timedelta(seconds=THROTTLE_WINDOW))


def _record_failure(email: str, audience: str, user: UserRecord | None, throttles: repository.LoginThrottles,
                    request: RequestInfo) -> None:
    """Count a failed password against the address, the (address, account) pair and the account, and
    audit it; an e-mail without an account is audited masked, with a short hash to tell repeats apart."""
    count("login_failed")
    items: list[Any] = []
    if request.ip:
        items.append(_counted("IP", request.ip, _recent(throttles.address), ADDRESS_LIMIT))
        items.append(_counted("PAIR", repository.pair_key(request.ip, email), _recent(throttles.pair), PAIR_LIMIT))
    with suppress(Conflict):  # a concurrent attempt recorded its own failure; the window still fills up
        if user is not None:
            user.login_failures = [*_recent(user.login_failures), clock.epoch_seconds()][-ACCOUNT_LIMIT:]
            audit("auth.login_failed", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind,
                  request=request, also_save=[*items, user])
        else:  # nobody's account: the event is about what was typed, kept masked
            audit("auth.login_failed", "login", f"sha256:{sha256_hex(email.lower())[:16]}", actor_id=None,
                  actor_kind="staff" if audience == "console" else "customer", request=request,
                  after={"account": mask_email(email), "known": False}, also_save=items)


def login(command: LoginRequest, request: RequestInfo) -> tuple[str, Any]:
    """("ok", Issued) or ("mfa_required" | "mfa_enrolment_required", mfa_token)."""
    link, throttles = repository.login_lookup(command.email, request.ip)
    _throttled(_recent(throttles.address), ADDRESS_LIMIT)
    _throttled(_recent(throttles.pair), PAIR_LIMIT)
    user = repository.find_user(link.user_id) if link else None
    if user is not None:
        _throttled(_recent(user.login_failures), ACCOUNT_LIMIT)
    if not passwords.verify_password(command.password, user.password_hash if user else None) or user is None:
        _record_failure(command.email, command.audience, user, throttles, request)
        raise Unauthorized("Wrong e-mail or password.", code="invalid-credentials")
    _check_can_sign_in(user, command.audience)
    if user.mfa_enabled:
        return "mfa_required", _mfa_token(user, command.audience, "login")
    if user.kind == "staff" and StaffRole.ADMIN in (user.staff_roles or []):
        return "mfa_enrolment_required", _mfa_token(user, command.audience, "enrol")
    # a good password clears this address's failures on the account (in the session's own transaction)
    cleared = [throttles.cleared()] if _recent(throttles.pair) else []
    return "ok", _start_session(user, command.audience, request, mfa=False, also=tuple(cleared))


def _check_can_sign_in(user: UserRecord, audience: str) -> None:
    if user.status == "pending":
        raise Forbidden("Confirm your e-mail first.", code="email-not-confirmed")
    if user.status != "active":
        raise Forbidden("This account is deactivated.", code="account-deactivated")
    expected = "console" if user.kind == "staff" else "app"
    if audience != expected:
        raise Forbidden("This account signs in elsewhere.", code="wrong-area", area=f"/{expected}")


def _start_session(user: UserRecord, audience: str, request: RequestInfo, *, mfa: bool,
                   org_id: str | None = None, also: tuple[Any, ...] = ()) -> sessions.Issued:
    session, refresh = sessions.new_session(user, audience, request, mfa=mfa, org_id=org_id)
    user.login_failures = user.second_factor_failures = None
    user.last_login_at = clock.now()
    audit("auth.login", "session", session.session_id, actor_id=user.user_id, actor_kind=user.kind,
          request=request, after={"audience": audience, "mfa": mfa}, also_save=[user, session, *also])
    count("user_logged_in")
    return sessions.issue(session, refresh, user)


def _mfa_token(user: UserRecord, audience: str, purpose: str) -> str:
    return tokens.encode({"sub": user.user_id, "aud": "mfa", "purpose": purpose, "area": audience},
                         sessions.keys(), ttl_seconds=tokens.MFA_TTL_SECONDS)


def _read_mfa_token(mfa_token: str, purpose: str) -> tuple[UserRecord, str]:
    try:
        claims = tokens.decode(mfa_token, sessions.keys(), "mfa")
    except tokens.TokenError as exc:
        raise Unauthorized("The sign-in step has expired.", code="mfa-token-invalid") from exc
    if claims.get("purpose") != purpose:
        raise Unauthorized("The sign-in step has expired.", code="mfa-token-invalid")
    user = repository.find_user(str(claims["sub"]))
    if user is None:
        raise Unauthorized("The sign-in step has expired.", code="mfa-token-invalid")
    _check_can_sign_in(user, str(claims["area"]))
    return user, str(claims["area"])


def _check_second_factor(user: UserRecord, code: str | None, recovery_code: str | None,
                         request: RequestInfo) -> None:
    """Verify a TOTP code (not replayed) or spend a recovery code; the user record carries the change."""
    _throttled(_recent(user.second_factor_failures), SECOND_FACTOR_LIMIT)
    if code:
        step = totp.matching_step(_decrypt_secret(user, user.mfa_secret), code,
                                  int(user.last_totp_step) if user.last_totp_step is not None else None)
        if step is not None:
            user.last_totp_step = step
            return
    elif recovery_code:
        digest = totp.hash_recovery_code(recovery_code)
        if digest in (user.recovery_hashes or []):
            user.recovery_hashes = (user.recovery_hashes or set()) - {digest} or None
            return
    user.second_factor_failures = [*_recent(user.second_factor_failures), clock.epoch_seconds()][-SECOND_FACTOR_LIMIT:]
    with suppress(Conflict):  # a concurrent attempt recorded its own failure
        audit("auth.login_failed", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind,
              request=request, after={"step": "second-factor"}, also_save=[user])
    raise Unauthorized("The code is wrong or was already used.", code="mfa-invalid")


def login_mfa(mfa_token: str, code: str | None, recovery_code: str | None, request: RequestInfo) -> sessions.Issued:
    user, area = _read_mfa_token(mfa_token, "login")
    if not user.mfa_enabled:
        raise Unauthorized("The sign-in step has expired.", code="mfa-token-invalid")
    _check_second_factor(user, code, recovery_code, request)
    return _start_session(user, area, request, mfa=True)


# --- TOTP enrolment --------------------------------------------------------------------------------

def _secret_context(user: UserRecord) -> dict[str, str]:
    return {"user": user.user_id, "field": "totp"}


def _decrypt_secret(user: UserRecord, sealed: str | None) -> str:
    if not sealed:
        raise Unauthorized("Two-factor authentication is not enabled.", code="mfa-not-enrolled")
    return data_cipher().decrypt(sealed, _secret_context(user)).decode()


def _enrolling_user(principal: Principal | None, mfa_token: str | None) -> tuple[UserRecord, str | None]:
    if principal is not None:
        return active_user(principal.user_id), None
    if mfa_token:
        user, area = _read_mfa_token(mfa_token, "enrol")
        return user, area
    raise Unauthorized("Sign in first.", code="not-signed-in")


def enroll_totp(principal: Principal | None, mfa_token: str | None) -> EnrollAnswer:
    user, _ = _enrolling_user(principal, mfa_token)
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already enabled.", code="mfa-already-enabled")
    secret = totp.new_secret()
    user.mfa_pending_secret = data_cipher().encrypt(secret.encode(), _secret_context(user))
    repository.save(user)
    return EnrollAnswer(secret=secret, otpauth_uri=totp.provisioning_uri(secret, user.email))


def verify_totp(principal: Principal | None, mfa_token: str | None, code: str,
                request: RequestInfo) -> tuple[list[str], sessions.Issued | None]:
    """Turn 2FA on with the first good code; answers the recovery codes (shown once) and, when this
    completes a staff admin's first sign-in, the new session."""
    user, area = _enrolling_user(principal, mfa_token)
    if user.mfa_enabled:
        raise Conflict("Two-factor authentication is already enabled.", code="mfa-already-enabled")
    if not user.mfa_pending_secret:
        raise Conflict("Start the enrolment first.", code="mfa-not-enrolled")
    secret = _decrypt_secret(user, user.mfa_pending_secret)
    step = totp.matching_step(secret, code, None)
    if step is None:
        raise ValidationFailed("The code is wrong.", code="mfa-invalid",
                               errors=[FieldError("body.code", "wrong code", "mfa-invalid")])
    codes = totp.new_recovery_codes()
    user.mfa_secret, user.mfa_pending_secret, user.mfa_enabled = user.mfa_pending_secret, None, True
    user.last_totp_step, user.recovery_hashes = step, {totp.hash_recovery_code(c) for c in codes}
    audit("auth.mfa_enable", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind, request=request,
          before={"mfa_enabled": False}, after={"mfa_enabled": True})
    if area is not None:
        return codes, _start_session(user, area, request, mfa=True)
    repository.save(user)
    return codes, None


def disable_totp(principal: Principal, password: str, code: str, request: RequestInfo) -> None:
    user = active_user(principal.user_id)
    if user.kind == "staff" and StaffRole.ADMIN in (user.staff_roles or []):
        raise Forbidden("Two-factor authentication is mandatory for administrators.", code="mfa-required-for-admin")
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is not enabled.", code="mfa-not-enrolled")
    if not passwords.verify_password(password, user.password_hash):
        raise Unauthorized("Wrong password.", code="invalid-credentials")
    _check_second_factor(user, code, None, request)
    user.mfa_enabled, user.mfa_secret, user.recovery_hashes = False, None, None
    repository.save(user)
    audit("auth.mfa_disable", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind, request=request,
          before={"mfa_enabled": True}, after={"mfa_enabled": False})


def regenerate_recovery_codes(principal: Principal, code: str, request: RequestInfo) -> list[str]:
    user = active_user(principal.user_id)
    if not user.mfa_enabled:
        raise Conflict("Two-factor authentication is not enabled.", code="mfa-not-enrolled")
    _check_second_factor(user, code, None, request)
    codes = totp.new_recovery_codes()
    user.recovery_hashes = {totp.hash_recovery_code(c) for c in codes}
    repository.save(user)
    audit("auth.recovery_codes", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind, request=request)
    return codes


# --- sessions --------------------------------------------------------------------------------------

def list_sessions(principal: Principal) -> list[SessionView]:
    now = clock.now()
    active = [s for s in repository.sessions_of(principal.user_id) if s.revoked_at is None and s.expires_at > now]
    return [SessionView(id=s.session_id, created_at=s.created_at, last_used_at=s.last_used_at, ip=s.ip,
                        user_agent=s.user_agent, audience=s.audience,
                        current=s.session_id == principal.session_id)
            for s in sorted(active, key=lambda s: s.last_used_at, reverse=True)]


def revoke_session(principal: Principal, session_id: str, request: RequestInfo) -> None:
    session = repository.find_session(principal.user_id, session_id)
    if session is None or session.revoked_at is not None:
        raise NotFound("No such session.", code="not-found")
    repository.revoke_sessions([session], "revoked-by-user")
    audit("auth.session_revoke", "session", session_id, actor_id=principal.user_id, actor_kind=principal.kind,
          request=request)


def logout(principal: Principal, request: RequestInfo, everywhere: bool = False) -> None:
    if everywhere:
        count = repository.revoke_sessions(repository.sessions_of(principal.user_id), "logout-all")
        audit("auth.logout_all", "user", principal.user_id, actor_id=principal.user_id, actor_kind=principal.kind,
              request=request, after={"sessions_revoked": count})
        return
    session = repository.find_session(principal.user_id, principal.session_id)
    if session is not None:
        repository.revoke_sessions([session], "logout")
    audit("auth.logout", "session", principal.session_id, actor_id=principal.user_id, actor_kind=principal.kind,
          request=request)


def switch_organization(principal: Principal, org_id: str, request: RequestInfo) -> str:
    user = active_user(principal.user_id)
    roles, org = sessions.grants_of(user, org_id)
    if org != org_id:
        raise NotFound("You are not a member of this organization.", code="not-a-member")
    session = repository.find_session(principal.user_id, principal.session_id)
    if session is None or session.revoked_at is not None:
        raise Unauthorized("Your session has ended.", code="session-expired")
    repository.update_session_grants(session, roles, org)
    return sessions.access_token(session)


# --- password reset --------------------------------------------------------------------------------

def forgot_password(email: str, request: RequestInfo) -> None:
    user = repository.find_user_by_email(email)
    if user is None or user.status not in ("active", "pending"):
        return  # the same answer either way: no account enumeration
    raw, token = _one_time_token("reset", user.email, user.user_id, RESET_TTL)
    repository.save(token)
    area = "console" if user.kind == "staff" else "app"
    send_template(user.email, "password_reset", user.locale, name=user.name or user.email,
                  link=web_url(f"/{area}/password/reset?token={raw}"), hours=1)
    audit("auth.password_reset_requested", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind,
          request=request)


def reset_password(raw: str, password: str, request: RequestInfo) -> None:
    token = _valid_token(raw, "reset")
    user = repository.find_user(token.user_id or "")
    if user is None:
        raise NotFound("This link is not valid or was already used.", code="token-invalid")
    passwords.check_policy(password, email=user.email, name=user.name)
    user.password_hash = passwords.hash_password(password)
    user.login_failures = user.second_factor_failures = None
    repository.save_with_token(token, user)
    repository.revoke_sessions(repository.sessions_of(user.user_id), "password-reset")
    audit("auth.password_reset", "user", user.user_id, actor_id=user.user_id, actor_kind=user.kind, request=request)


# --- invites ---------------------------------------------------------------------------------------

def new_invite(email: str, kind: str, role: str, invited_by: str, *, org_id: str | None = None,
               org_name: str | None = None, user_id: str | None = None) -> tuple[str, OneTimeTokenRecord]:
    return _one_time_token("invite", email, user_id, INVITE_TTL,
                           {"kind": kind, "role": role, "org_id": org_id, "org_name": org_name,
                            "invited_by": invited_by})


def send_invite(raw: str, token: OneTimeTokenRecord, inviter: str, role_label: str, language: str) -> None:
    kind = token.data["kind"]
    area = "console" if kind == "staff" else "app"
    place = token.data.get("org_name") or ("Tessera console" if language == "en" else "консоль Tessera")
    expires = token.expires_at.astimezone(_moscow()).strftime("%d.%m.%Y %H:%M") + " MSK"
    send_template(token.email, "invite", language, inviter=inviter, place=place, role=role_label,
                  link=web_url(f"/{area}/invite/{raw}"), expires=expires)


def _moscow() -> Any:
    return ZoneInfo("Europe/Moscow")


def describe_invite(raw: str) -> InviteView:
    token = _valid_token(raw, "invite", "invite-expired")
    existing = repository.find_user_by_email(token.email)
    return InviteView(email=token.email, kind=token.data["kind"], org_name=token.data.get("org_name"),
                      role=token.data["role"], expires_at=token.expires_at,
                      existing_user=existing is not None and existing.status == "active")


def accept_invite(raw: str, name: str | None, password: str | None, request: RequestInfo,
                  principal: Principal | None = None) -> tuple[str, Any]:
    """Create or link the user, then sign in like `login` does. An existing customer proves the
    account is theirs by its password, or by being signed in as it."""
    token = _valid_token(raw, "invite", "invite-expired")
    data: dict[str, Any] = token.data
    user = repository.find_user_by_email(token.email)
    now = clock.now()
    if data["kind"] == "staff":
        if user is None or user.status != "invited":
            raise NotFound("This link is not valid or was already used.", code="token-invalid")
        if not password:
            raise ValidationFailed("Choose a password.", errors=[FieldError("body.password", "required", "missing")])
        passwords.check_policy(password, email=user.email, name=name or user.name)
        user.password_hash, user.status, user.confirmed_at = passwords.hash_password(password), "active", now
        user.name = name or user.name
        repository.save_with_token(token, user)
        audit("staff.invite_accept", "user", user.user_id, actor_id=user.user_id, actor_kind="staff", request=request,
              before={"status": "invited"}, after={"status": "active"})
        return login(LoginRequest(email=user.email, password=password, audience="console"), request)

    org_id, role = str(data["org_id"]), str(data["role"])
    member = repository.find_member(org_id, token.email)
    if member is None or member.status != "invited":
        raise NotFound("This link is not valid or was already used.", code="token-invalid")
    membership = {"org_id": org_id, "org_name": data.get("org_name") or "", "role": role}
    signed_in_as_them = principal is not None and user is not None and principal.user_id == user.user_id
    if user is not None:
        # An existing account joins by proving it is theirs.
        if user.status != "active" or not (signed_in_as_them or (
                password and passwords.verify_password(password, user.password_hash))):
            raise Unauthorized("Wrong e-mail or password.", code="invalid-credentials")
        if user.kind != "customer":
            raise Conflict("An account with this e-mail already exists.", code="email-taken")
        user.memberships = [m for m in user.memberships or [] if m["org_id"] != org_id] + [membership]
        member.user_id, member.name, member.status = user.user_id, user.name, "active"
        repository.save_with_token(token, user, member)
    else:
        if not name or not password:
            missing = "body.name" if not name else "body.password"
            raise ValidationFailed("Enter your name and a password.",
                                   errors=[FieldError(missing, "required", "missing")])
        passwords.check_policy(password, email=token.email, name=name)
        user_id = new_id("usr")
        user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=token.email, name=name,
                          kind="customer", kind_key="CUSTOMER", status="active", locale=request.language,
                          password_hash=passwords.hash_password(password), memberships=[membership],
                          created_at=now, confirmed_at=now)
        member.user_id, member.name, member.status = user_id, name, "active"
        repository.create_user(user, member, token=token)
    audit("team.invite_accept", "member", member.member_id, actor_id=user.user_id, actor_kind="customer",
          request=request, org_id=org_id, before={"status": "invited"}, after={"status": "active", "role": role})
    if signed_in_as_them:
        assert principal is not None
        return "ok", _start_session(user, "app", request, mfa=principal.mfa, org_id=org_id)
    assert password is not None
    status, result = login(LoginRequest(email=user.email, password=password, audience="app"), request)
    if status == "ok":
        # Sign into the organization just joined.
        result = sessions.issue(*_retarget(result, org_id))
    return status, result


def _retarget(issued: sessions.Issued, org_id: str) -> tuple[Any, str]:
    session = issued.session
    user = repository.find_user(session.user_id)
    if user is not None:
        roles, org = sessions.grants_of(user, org_id)
        repository.update_session_grants(session, roles, org)
    return session, issued.refresh_token
