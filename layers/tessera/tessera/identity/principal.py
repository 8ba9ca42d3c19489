"""Who is calling: built by the authorizer, passed to handlers in the request context, and checked
by `guard` on every console and app route against the permission table."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from tessera.backoffice.service import access_reason
from tessera.core import clock
from tessera.core.errors import Forbidden, NotFound, RateLimited, Throttled, Unauthorized
from tessera.core.http import public
from tessera.core.request import RequestInfo
from tessera.identity import repository
from tessera.identity.audit_log import audit
from tessera.identity.roles import allowed

__all__ = ["Principal", "authorize", "current", "guard", "principal_of", "public"]

RATE_LIMIT_PER_MINUTE = 100
_current: ContextVar[Principal | None] = ContextVar("principal", default=None)
_masked: ContextVar[bool] = ContextVar("pii_masked", default=False)
UNMASKED_ROLES = frozenset({"admin", "sales", "implementation", "support", "billing", "auditor"})


@dataclass(frozen=True)
class Principal:
    user_id: str
    session_id: str
    audience: str  # console | app
    kind: str  # staff | customer
    roles: frozenset[str]
    org_id: str | None = None
    mfa: bool = False
    display: str = ""  # name <e-mail>, for audit trails the customer reads
    expires_at: int | None = None  # when the access token ends (epoch seconds); not passed on by the authorizer

    def to_context(self) -> dict[str, str | bool]:
        """The authorizer's simple-response context (values must be scalars)."""
        return {"user_id": self.user_id, "session_id": self.session_id, "audience": self.audience,
                "kind": self.kind, "roles": json.dumps(sorted(self.roles)), "org_id": self.org_id or "",
                "mfa": self.mfa, "display": self.display}

    @classmethod
    def from_context(cls, context: dict[str, Any] | None) -> Principal:
        if not context or not context.get("user_id"):
            raise Unauthorized("Sign in first.", code="not-signed-in")
        roles = context.get("roles") or "[]"
        return cls(user_id=str(context["user_id"]), session_id=str(context.get("session_id", "")),
                   audience=str(context.get("audience", "")), kind=str(context.get("kind", "")),
                   roles=frozenset(json.loads(roles) if isinstance(roles, str) else roles),
                   org_id=str(context.get("org_id") or "") or None,
                   mfa=context.get("mfa") in (True, "true", "True"), display=str(context.get("display") or ""))


REFUSALS = {"not-signed-in": "Sign in first.", "session-expired": "Your session has ended. Sign in again."}


def principal_of(event: Any) -> Principal:
    """From a Powertools APIGatewayProxyEventV2 that passed the Lambda authorizer, which lets every
    request through and says who is calling, or why nobody (`refused`)."""
    authorizer = (event.raw_event.get("requestContext") or {}).get("authorizer") or {}
    context = authorizer.get("lambda") or {}
    refused = context.get("refused")
    if refused == "throttled":
        raise Throttled()
    if refused:
        raise Unauthorized(REFUSALS.get(refused, REFUSALS["not-signed-in"]), code=refused)
    if context.get("csrf_ok") in (False, "false"):
        # The authorizer lets the request through so the caller gets a clear problem, not a bare 403.
        raise Forbidden("The request was refused by CSRF protection.", code="csrf")
    return Principal.from_context(context)


def authorize(principal: Principal, action: str, org_id: str | None = None) -> None:
    area = action.split(".", 1)[0]
    expected = {"console": ("console", "staff"), "app": ("app", "customer")}[area]
    if (principal.audience, principal.kind) != expected:
        raise Forbidden("This area is not for your account.", code="wrong-area")
    if area == "app" and org_id is not None and org_id != principal.org_id:
        # Another tenant's data does not exist as far as this caller can tell.
        raise NotFound("No such organization.", code="not-found")
    if not allowed(principal.roles, action):
        raise Forbidden("Your role does not allow this.", code="forbidden-action", action=action)


def enforce_rate_limit(principal: Principal) -> None:
    """100 requests a minute per user: one UpdateItem on a per-minute counter."""
    now = clock.epoch_seconds()
    minute = now // 60
    expires_at = datetime.fromtimestamp((minute + 2) * 60, UTC)
    if repository.count_request(principal.user_id, minute, expires_at) > RATE_LIMIT_PER_MINUTE:
        raise RateLimited("Too many requests.", retry_after=60 - now % 60)


def guard(resolver: Any, action: str, *, customer_data: Literal["read", "write"] | None = None
          ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route's action: authorize the caller against the permission table and the tenant in
    the path (`org_id`) and count it against the rate limit. The route reads the caller with `current()`.

    `customer_data` marks a console route into one customer's data (`org_id` in the path): support and
    developers need an active grant, and every access is audited with its reason."""

    def decorate(route: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(route)
        def checked(*args: Any, **kwargs: Any) -> Any:
            principal = principal_of(resolver.current_event)
            authorize(principal, action, kwargs.get("org_id"))
            enforce_rate_limit(principal)
            masked = False
            if customer_data is not None:
                _customer_data_access(resolver, principal, kwargs["org_id"], customer_data)
                masked = "developer" in principal.roles and not (principal.roles & UNMASKED_ROLES)
            token, mask_token = _current.set(principal), _masked.set(masked)
            try:
                return route(*args, **kwargs)
            finally:
                _current.reset(token)
                _masked.reset(mask_token)

        def precheck(path_values: dict[str, str]) -> None:
            authorize(principal_of(resolver.current_event), action, path_values.get("org_id"))

        checked.__tessera_action__ = action  # type: ignore[attr-defined]
        checked.__tessera_precheck__ = precheck  # type: ignore[attr-defined]  # run by the resolver before validation
        return checked

    return decorate


def _customer_data_access(resolver: Any, principal: Principal, org_id: str, mode: str) -> None:
    reason = access_reason(principal, org_id, write=mode == "write")
    event = resolver.current_event
    audit(f"customer_data.{mode}", "organization", org_id, actor_id=principal.user_id, actor_kind="staff",
          actor_display=principal.display, request=RequestInfo.from_event(event), org_id=org_id,
          reason=reason or f"role: {', '.join(sorted(principal.roles))}",
          after={"route": event.raw_event.get("routeKey")})


def pii_masked() -> bool:
    """True inside a customer-data route called by a developer: personal data must be shown masked."""
    return _masked.get()


def current() -> Principal:
    principal = _current.get()
    if principal is None:
        raise RuntimeError("current() is only available inside a guarded route")
    return principal
