"""Sign-in with Google and Яндекс ID: OAuth 2.0 authorization code with PKCE (S256).

The browser goes to /start, which sets a short-lived signed cookie (state, PKCE verifier, where to
return) and redirects to the provider; the provider redirects back to /callback with a code, which
is exchanged (with the verifier and the client secret) for an access token, and the person's
verified e-mail comes from the provider's userinfo endpoint over TLS. Google is OpenID Connect;
Яндекс ID is OAuth 2.0 with its own userinfo (login.yandex.ru/info), so both use the userinfo path.

`OIDC_ENDPOINT_OVERRIDE` points both providers at the local cloud's fake provider."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from snapshot_restore_py import register_after_restore

from tessera.accounts.service import new_organization
from tessera.core import aws, clock
from tessera.core.errors import NotFound, Unauthorized
from tessera.core.ids import new_id
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.core.settings import web_url
from tessera.identity import repository, sessions, tokens
from tessera.identity.audit_log import audit
from tessera.identity.records import MemberRecord, OidcLinkRecord, UserRecord
from tessera.identity.service import _check_can_sign_in, _start_session

STATE_TTL_SECONDS = 10 * 60
secretsmanager = aws.client("secretsmanager")


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    email_verified: bool
    name: str


@dataclass(frozen=True)
class Provider:
    name: str
    authorize_url: str
    token_url: str
    userinfo_url: str
    scope: str
    client_id: str

    def parse(self, info: dict[str, Any]) -> Identity:
        if self.name == "yandex":
            # Яндекс ID confirms the addresses it lists; default_email is the account's own.
            email = str(info.get("default_email") or "")
            return Identity(subject=str(info["id"]), email=email.lower(), email_verified=bool(email),
                            name=str(info.get("real_name") or info.get("display_name") or ""))
        return Identity(subject=str(info["sub"]), email=str(info.get("email") or "").lower(),
                        email_verified=info.get("email_verified") in (True, "true"), name=str(info.get("name") or ""))


class Transport(Protocol):
    def post_form(self, url: str, form: dict[str, str]) -> dict[str, Any]: ...

    def get_json(self, url: str, authorization: str) -> dict[str, Any]: ...


class HttpTransport:
    def post_form(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        return self._send(url, {"Content-Type": "application/x-www-form-urlencoded"},
                          urllib.parse.urlencode(form).encode())

    def get_json(self, url: str, authorization: str) -> dict[str, Any]:
        return self._send(url, {"Authorization": authorization})

    @staticmethod
    def _send(url: str, headers: dict[str, str], data: bytes | None = None) -> dict[str, Any]:
        # https only, except the local cloud's fake provider
        if not url.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
            raise Unauthorized("The sign-in provider is misconfigured.", code="oidc-failed")
        request = urllib.request.Request(url, data=data, headers={**headers, "Accept": "application/json"},  # noqa: S310
                                         method="POST" if data is not None else "GET")
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310  (scheme checked above)
                return dict(json.loads(answer.read()))
        except (urllib.error.URLError, ValueError, TimeoutError) as exc:
            raise Unauthorized("The sign-in provider did not answer.", code="oidc-failed") from exc


_transport: Transport = HttpTransport()


def use_transport(transport: Transport) -> None:
    global _transport
    _transport = transport


@cache
def providers() -> dict[str, Provider]:
    override = os.environ.get("OIDC_ENDPOINT_OVERRIDE", "").rstrip("/")

    def at(provider: str, real: str, path: str) -> str:
        return f"{override}/{provider}/{path}" if override else real

    found = {}
    if google := os.environ.get("OIDC_GOOGLE_CLIENT_ID"):
        found["google"] = Provider("google", at("google", "https://accounts.google.com/o/oauth2/v2/auth", "authorize"),
                                   at("google", "https://oauth2.googleapis.com/token", "token"),
                                   at("google", "https://openidconnect.googleapis.com/v1/userinfo", "userinfo"),
                                   "openid email profile", google)
    if yandex := os.environ.get("OIDC_YANDEX_CLIENT_ID"):
        found["yandex"] = Provider("yandex", at("yandex", "https://oauth.yandex.ru/authorize", "authorize"),
                                   at("yandex", "https://oauth.yandex.ru/token", "token"),
                                   at("yandex", "https://login.yandex.ru/info?format=json", "userinfo"),
                                   "login:email login:info", yandex)
    return found


@cache
def _client_secrets() -> dict[str, str]:
    value = secretsmanager.get_secret_value(SecretId=os.environ["OIDC_SECRETS_ARN"])["SecretString"]
    return dict(json.loads(value))


register_after_restore(_client_secrets.cache_clear)  # SnapStart: read secrets set since the snapshot


def _provider(name: str) -> Provider:
    provider = providers().get(name)
    if provider is None:
        raise NotFound("This sign-in provider is not enabled.", code="oidc-disabled")
    return provider


def safe_return_to(value: str | None) -> str:
    """Only a path inside the app: never another site (open redirect)."""
    if not value or not value.startswith("/app") or value.startswith("//") or "\\" in value:
        return "/app/"
    return value


def redirect_uri(name: str) -> str:
    return web_url(f"/api/auth/oidc/{name}/callback")


def start(name: str, return_to: str | None) -> tuple[str, str]:
    """(the provider's authorization URL, the signed state cookie value)."""
    provider = _provider(name)
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    cookie = tokens.encode({"aud": "oidc", "provider": name, "state": state, "verifier": verifier,
                            "return_to": safe_return_to(return_to)}, sessions.keys(), ttl_seconds=STATE_TTL_SECONDS)
    query = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": redirect_uri(name),
             "scope": provider.scope, "state": state, "code_challenge": challenge, "code_challenge_method": "S256"}
    separator = "&" if "?" in provider.authorize_url else "?"
    return f"{provider.authorize_url}{separator}{urllib.parse.urlencode(query)}", cookie


def callback(name: str, code: str | None, state: str | None, cookie: str | None, error: str | None,
             request: RequestInfo) -> tuple[sessions.Issued, str]:
    """Exchange the code, find or create the customer, start a session: (session, where to return)."""
    provider = _provider(name)
    try:
        saved = tokens.decode(cookie or "", sessions.keys(), "oidc")
    except tokens.TokenError as exc:
        raise Unauthorized("The sign-in took too long. Try again.", code="oidc-state") from exc
    if error or not code:
        raise Unauthorized("The sign-in was cancelled.", code="oidc-cancelled")
    if saved.get("provider") != name or not secrets.compare_digest(str(saved.get("state")), state or ""):
        raise Unauthorized("The sign-in took too long. Try again.", code="oidc-state")
    answer = _transport.post_form(provider.token_url, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri(name),
        "client_id": provider.client_id, "client_secret": _client_secrets().get(name, ""),
        "code_verifier": str(saved["verifier"])})
    access = answer.get("access_token")
    if not access:
        raise Unauthorized("The sign-in provider refused the code.", code="oidc-failed")
    scheme = "OAuth" if name == "yandex" else "Bearer"
    identity = provider.parse(_transport.get_json(provider.userinfo_url, f"{scheme} {access}"))
    if not identity.email or not identity.email_verified:
        raise Unauthorized("The provider did not confirm an e-mail address.", code="oidc-no-email")
    user = _user_for(name, identity, request)
    _check_can_sign_in(user, "app")
    return _start_session(user, "app", request, mfa=False), str(saved["return_to"])


def _user_for(provider: str, identity: Identity, request: RequestInfo) -> UserRecord:
    """The linked account, or the customer with that verified e-mail (linked now), or a new customer."""
    link = repository.find_oidc_link(provider, identity.subject)
    if link is not None:
        user = repository.find_user(link.user_id)
        if user is not None:
            return user
    existing = repository.find_user_by_email(identity.email)
    link_item = OidcLinkRecord(pk=f"OIDC#{provider}#{identity.subject}", sk="USER", user_id="")
    if existing is not None:
        if existing.kind != "customer":
            raise Unauthorized("Staff sign in with a password and 2FA.", code="oidc-staff")
        link_item.user_id = existing.user_id
        if existing.status == "pending":  # the provider has just confirmed the address
            existing.status, existing.confirmed_at = "active", clock.now()
        repository.save(existing, link_item)
        audit("auth.oidc_link", "user", existing.user_id, actor_id=existing.user_id, actor_kind="customer",
              request=request, after={"provider": provider})
        return existing
    now = clock.now()
    user_id = new_id("usr")
    name = identity.name or identity.email.split("@")[0]
    organization = new_organization(name, created_by=user_id)
    user = UserRecord(pk=f"USER#{user_id}", sk="PROFILE", user_id=user_id, email=identity.email, name=name,
                      kind="customer", kind_key="CUSTOMER", status="active", locale=request.language,
                      created_at=now, confirmed_at=now,
                      memberships=[{"org_id": organization.org_id, "org_name": organization.name, "role": "owner"}])
    link_item.user_id = user_id
    member = MemberRecord(pk=f"ORG#{organization.org_id}", sk=f"MEMBER#{identity.email}", member_id=new_id("mem"),
                          org_id=organization.org_id, email=identity.email, user_id=user_id, name=name, role="owner",
                          status="active", created_at=now)
    repository.create_user(user, organization, member, link_item)
    audit("user.register", "user", user_id, actor_id=user_id, actor_kind="customer", request=request,
          after={"email": identity.email, "provider": provider, "status": "active"})
    count("user_registered")
    count("customer_created", source="signup")
    return user


