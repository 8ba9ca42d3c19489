"""/api/auth: the routes of the auth function. Thin: parse, call the service, shape cookies."""

import hmac
from typing import Annotated, Any, Literal

from tessera.core.errors import Forbidden, Problem, Unauthorized
from tessera.core.http import Cookie, Path, Query, Response, Router, SameSite
from tessera.core.request import RequestInfo
from tessera.core.settings import get_settings
from tessera.identity import oidc, service, sessions, tokens
from tessera.identity.models import (
    AcceptInviteRequest,
    AuthStepAnswer,
    CodeRequest,
    DisableMfaRequest,
    EnrollAnswer,
    EnrollRequest,
    ForgotRequest,
    InviteView,
    LoginAnswer,
    LoginRequest,
    MeView,
    MfaLoginRequest,
    ProfileUpdate,
    RecoveryCodesAnswer,
    RefreshAnswer,
    RefreshRequest,
    RegisterAnswer,
    RegisterRequest,
    ResetRequest,
    SessionList,
    SwitchRequest,
    TokenRequest,
)
from tessera.identity.principal import Principal, public
from tessera.identity.settings import IdentitySettings

router = Router()

ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE = "tessera_at", "tessera_rt", "tessera_csrf"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = Annotated[str, Path(min_length=10, max_length=200)]
SESSION_ID = Annotated[str, Path(min_length=4, max_length=40)]


def _request() -> RequestInfo:
    return RequestInfo.from_event(router.current_event)


def _secure() -> bool:
    return get_settings(IdentitySettings).cookie_secure


def _cookies(issued: sessions.Issued) -> list[Cookie]:
    secure = _secure()
    week = int(sessions.REFRESH_TTL.total_seconds())
    return [
        Cookie(ACCESS_COOKIE, issued.access_token, path="/api", secure=secure, http_only=True,
               same_site=SameSite.LAX_MODE, max_age=tokens.ACCESS_TTL_SECONDS),
        Cookie(REFRESH_COOKIE, issued.refresh_token, path="/api/auth", secure=secure, http_only=True,
               same_site=SameSite.STRICT_MODE, max_age=week),
        Cookie(CSRF_COOKIE, issued.csrf_token, path="/", secure=secure, http_only=False,
               same_site=SameSite.STRICT_MODE, max_age=week),
    ]


def _cleared() -> list[Cookie]:
    secure = _secure()
    return [Cookie(name, "", path=path, secure=secure, http_only=name != CSRF_COOKIE, max_age=0,
                   same_site=SameSite.STRICT_MODE)
            for name, path in ((ACCESS_COOKIE, "/api"), (REFRESH_COOKIE, "/api/auth"), (CSRF_COOKIE, "/"))]


def _signed_in(issued: sessions.Issued, delivery: str, status: int = 200,
               recovery_codes: list[str] | None = None) -> Response[LoginAnswer]:
    user = service.user_view(issued.user or service.active_user(issued.session.user_id))
    if delivery == "bearer":
        body = LoginAnswer(status="ok", user=user, expires_in=issued.expires_in, access_token=issued.access_token,
                           refresh_token=issued.refresh_token, recovery_codes=recovery_codes)
        return Response(status, "application/json", body)
    body = LoginAnswer(status="ok", user=user, csrf_token=issued.csrf_token, expires_in=issued.expires_in,
                       recovery_codes=recovery_codes)
    return Response(status, "application/json", body, cookies=_cookies(issued))


def _login_answer(result: tuple[str, Any], delivery: str) -> Response[LoginAnswer]:
    status, value = result
    if status == "ok":
        return _signed_in(value, delivery)
    body = LoginAnswer(status=status, mfa_token=value)
    return Response(200, "application/json", body)


def caller(optional: bool = False) -> Principal | None:
    """The signed-in caller from a bearer token or the access cookie (then writes need the CSRF header)."""
    event = router.current_event
    header = event.headers.get("authorization") or ""
    request = _request()
    if header.lower().startswith("bearer "):
        return sessions.authenticate(header[7:].strip(), ("console", "app"))
    token = request.cookies.get(ACCESS_COOKIE)
    if not token:
        if optional:
            return None
        raise Unauthorized("Sign in first.", code="not-signed-in")
    if event.request_context.http.method in WRITE_METHODS:
        check_csrf(event.headers.get("x-csrf-token"), request.cookies.get(CSRF_COOKIE))
    return sessions.authenticate(token, ("console", "app"))


def check_csrf(header: str | None, cookie: str | None) -> None:
    if not header or not cookie or not hmac.compare_digest(header, cookie):
        raise Forbidden("The request was refused by CSRF protection.", code="csrf")


def _principal() -> Principal:
    principal = caller()
    assert principal is not None
    return principal


# --- sign-up, confirmation, sign-in ----------------------------------------------------------------

@router.post("/api/auth/register", summary="Customer self sign-up", tags=["auth"])
@public
def register(body: RegisterRequest) -> Response[RegisterAnswer]:
    user_id = service.register(body, _request())
    answer = RegisterAnswer(user_id=user_id, status="pending_confirmation")
    return Response(201, "application/json", answer)


@router.post("/api/auth/confirm", summary="Confirm the e-mail address", tags=["auth"])
@public
def confirm(body: TokenRequest) -> AuthStepAnswer:
    service.confirm(body.token, _request())
    return AuthStepAnswer(status="confirmed")


@router.post("/api/auth/login", summary="Sign in with e-mail and password", tags=["auth"])
@public
def login(body: LoginRequest) -> Response[LoginAnswer]:
    return _login_answer(service.login(body, _request()), body.delivery)


@router.post("/api/auth/login/mfa", summary="Second step: TOTP or a recovery code", tags=["auth"])
@public
def login_mfa(body: MfaLoginRequest) -> Response[LoginAnswer]:
    return _signed_in(service.login_mfa(body.mfa_token, body.code, body.recovery_code, _request()), body.delivery)


@router.post("/api/auth/refresh", summary="Rotate the refresh token, get a new access token", tags=["auth"])
@public
def refresh(body: RefreshRequest | None = None) -> Response[RefreshAnswer]:
    request = _request()
    if body is not None and body.refresh_token:
        issued = sessions.refresh(body.refresh_token, request)
        answer = RefreshAnswer(expires_in=issued.expires_in, access_token=issued.access_token,
                               refresh_token=issued.refresh_token)
        return Response(200, "application/json", answer)
    presented = request.cookies.get(REFRESH_COOKIE)
    if not presented:
        raise Unauthorized("Your session has ended. Sign in again.", code="session-expired")
    issued = sessions.refresh(presented, request)
    answer = RefreshAnswer(expires_in=issued.expires_in, csrf_token=issued.csrf_token)
    return Response(200, "application/json", answer, cookies=_cookies(issued))


@router.post("/api/auth/logout", summary="Sign out of this session", tags=["auth"])
@public
def logout() -> Response[None]:
    principal = caller(optional=True)
    if principal is not None:
        service.logout(principal, _request())
    return Response(204, cookies=_cleared())


@router.post("/api/auth/logout-all", summary="Sign out of every session", tags=["auth"])
@public
def logout_all() -> Response[None]:
    service.logout(_principal(), _request(), everywhere=True)
    return Response(204, cookies=_cleared())


@router.post("/api/auth/password/forgot", summary="E-mail a password reset link", tags=["auth"])
@public
def forgot(body: ForgotRequest) -> Response[AuthStepAnswer]:
    service.forgot_password(body.email, _request())
    return Response(202, "application/json", AuthStepAnswer(status="sent_if_registered"))


@router.post("/api/auth/password/reset", summary="Set a new password with the e-mailed token", tags=["auth"])
@public
def reset(body: ResetRequest) -> AuthStepAnswer:
    service.reset_password(body.token, body.password, _request())
    return AuthStepAnswer(status="password_changed")


# --- the signed-in user ----------------------------------------------------------------------------

@router.get("/api/auth/me", summary="The signed-in user, roles and memberships", tags=["auth"])
@public
def me() -> MeView:
    return service.me(_principal())


@router.patch("/api/auth/me", summary="Update name and language", tags=["auth"])
@public
def update_me(body: ProfileUpdate) -> MeView:
    principal = _principal()
    service.update_profile(principal, body, _request())
    return service.me(principal)


@router.post("/api/auth/switch", summary="Switch to another organization", tags=["auth"])
@public
def switch(body: SwitchRequest) -> Response[RefreshAnswer]:
    principal = _principal()
    token = service.switch_organization(principal, body.org_id, _request())
    if (router.current_event.headers.get("authorization") or "").lower().startswith("bearer "):
        return Response(200, "application/json", RefreshAnswer(expires_in=tokens.ACCESS_TTL_SECONDS,
                                                               access_token=token))
    cookie = Cookie(ACCESS_COOKIE, token, path="/api", secure=_secure(), http_only=True,
                    same_site=SameSite.LAX_MODE, max_age=tokens.ACCESS_TTL_SECONDS)
    return Response(200, "application/json", RefreshAnswer(expires_in=tokens.ACCESS_TTL_SECONDS), cookies=[cookie])


@router.post("/api/auth/mfa/totp/enroll", summary="Start TOTP enrolment", tags=["auth"])
@public
def enroll(body: EnrollRequest | None = None) -> EnrollAnswer:
    mfa_token = body.mfa_token if body else None
    return service.enroll_totp(None if mfa_token else _principal(), mfa_token)


@router.post("/api/auth/mfa/totp/verify", summary="Confirm TOTP enrolment with a first code", tags=["auth"])
@public
def verify(body: CodeRequest) -> Response[LoginAnswer]:
    principal = None if body.mfa_token else _principal()
    codes, issued = service.verify_totp(principal, body.mfa_token, body.code, _request())
    if issued is not None:
        return _signed_in(issued, "cookie", recovery_codes=codes)
    answer = LoginAnswer(status="ok", recovery_codes=codes)
    return Response(200, "application/json", answer)


@router.post("/api/auth/mfa/totp/disable", summary="Turn TOTP off (not for staff admins)", tags=["auth"])
@public
def disable(body: DisableMfaRequest) -> Response[None]:
    service.disable_totp(_principal(), body.password, body.code, _request())
    return Response(204)


@router.post("/api/auth/mfa/recovery-codes", summary="New recovery codes (the old ones stop working)",
             tags=["auth"])
@public
def recovery_codes(body: CodeRequest) -> RecoveryCodesAnswer:
    return RecoveryCodesAnswer(recovery_codes=service.regenerate_recovery_codes(_principal(), body.code, _request()))


@router.get("/api/auth/sessions", summary="The user's live sessions", tags=["auth"])
@public
def list_sessions() -> SessionList:
    return SessionList(items=service.list_sessions(_principal()))


@router.delete("/api/auth/sessions/<session_id>", summary="End one session", tags=["auth"])
@public
def revoke_session(session_id: SESSION_ID) -> Response[None]:
    service.revoke_session(_principal(), session_id, _request())
    return Response(204)


# --- invites ---------------------------------------------------------------------------------------

@router.get("/api/auth/invites/<token>", summary="What an invitation offers", tags=["auth"])
@public
def invite(token: TOKEN) -> InviteView:
    return service.describe_invite(token)


@router.post("/api/auth/invites/<token>/accept", summary="Accept an invitation", tags=["auth"])
@public
def accept_invite(token: TOKEN, body: AcceptInviteRequest) -> Response[LoginAnswer]:
    principal = caller(optional=True)
    return _login_answer(service.accept_invite(token, body.name, body.password, _request(), principal),
                         body.delivery)


# --- sign-in with Google and Яндекс ----------------------------------------------------------------

OIDC_COOKIE = "tessera_oidc"
PROVIDER = Annotated[Literal["google", "yandex"], Path()]


def _oidc_cookie(value: str, max_age: int) -> Cookie:
    return Cookie(OIDC_COOKIE, value, path="/api/auth/oidc", secure=_secure(), http_only=True,
                  same_site=SameSite.LAX_MODE, max_age=max_age)  # Lax: it must come back on the provider's redirect


@router.get("/api/auth/oidc/<provider>/start", summary="Sign in with Google or Яндекс (redirect)", tags=["auth"])
@public
def oidc_start(provider: PROVIDER, return_to: Annotated[str | None, Query(max_length=500)] = None) -> Response[None]:
    url, state = oidc.start(provider, return_to)
    return Response(302, headers={"Location": url, "Cache-Control": "no-store"},
                    cookies=[_oidc_cookie(state, oidc.STATE_TTL_SECONDS)])


@router.get("/api/auth/oidc/<provider>/callback", summary="Where Google or Яндекс sends the person back",
            tags=["auth"])
@public
def oidc_callback(provider: PROVIDER, code: Annotated[str | None, Query(max_length=2000)] = None,
                  state: Annotated[str | None, Query(max_length=200)] = None,
                  error: Annotated[str | None, Query(max_length=200)] = None) -> Response[None]:
    request = _request()
    try:
        issued, return_to = oidc.callback(provider, code, state, request.cookies.get(OIDC_COOKIE), error, request)
    except Problem as exc:
        return Response(302, headers={"Location": f"/app/login?error={exc.code}", "Cache-Control": "no-store"},
                        cookies=[_oidc_cookie("", 0)])
    return Response(302, headers={"Location": return_to, "Cache-Control": "no-store"},
                    cookies=[*_cookies(issued), _oidc_cookie("", 0)])
