"""Requests the benchmarks replay, one per route worth measuring. Later contexts add theirs here.

A scenario names the route and how to call it; `setup` (optional) prepares data through the
function's own code path and returns headers to send (e.g. a session)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Scenario:
    name: str
    function: str  # logical id in template.yaml
    method: str
    path: str  # the concrete path, e.g. /api/licenses/abc
    route_path: str  # the template's route, e.g. /api/licenses/{license_key}
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    budget_calls: int | None = None  # AWS calls allowed on a warm request
    setup: Callable[[], dict[str, str]] | None = None
    before_each: Callable[[], None] | None = None  # e.g. empty a cache, to measure the uncached path


DEMO_EMAIL, DEMO_PASSWORD = "bench.owner@example.com", "bench-password-2026"


def _customer() -> dict[str, str]:
    """A confirmed customer (through the identity services), for sign-in scenarios."""
    from tessera.core.dynamo import rebind_from_env
    from tessera.identity import bootstrap

    rebind_from_env()
    bootstrap.customer(DEMO_EMAIL, "Bench Owner", "ООО «Бенч»", DEMO_PASSWORD)
    return {}


def _bearer() -> dict[str, str]:
    """A signed-in customer's access token (bearer), for authorizer and app scenarios."""
    from tessera.core.request import RequestInfo
    from tessera.identity import service
    from tessera.identity.models import LoginRequest

    _customer()
    status, issued = service.login(LoginRequest(email=DEMO_EMAIL, password=DEMO_PASSWORD), RequestInfo("bench"))
    assert status == "ok"
    return {"authorization": f"Bearer {issued.access_token}"}


def _forget_authorizations() -> None:
    import authorizer.handler

    authorizer.handler._cache.clear()


SCENARIOS: list[Scenario] = [
    Scenario("health", "HealthFunction", "GET", "/api/health", "/api/health", budget_calls=0),
    Scenario("login (password, no 2FA)", "AuthFunction", "POST", "/api/auth/login", "/api/auth/login",
             body={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, budget_calls=4, setup=_customer),
    Scenario("authorizer, uncached token", "AuthorizerFunction", "GET", "/api/app/orgs/org_x/members",
             "/api/app/orgs/{org_id}/members", budget_calls=1, setup=_bearer, before_each=_forget_authorizations),
    Scenario("authorizer, cached token", "AuthorizerFunction", "GET", "/api/app/orgs/org_x/members",
             "/api/app/orgs/{org_id}/members", budget_calls=0, setup=_bearer),
    Scenario("me", "AuthFunction", "GET", "/api/auth/me", "/api/auth/me", setup=_bearer),
]
