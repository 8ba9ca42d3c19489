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
    setup_as: str | None = None  # run `setup` with this function's environment (it writes what others own)
    principal: dict[str, Any] | None = None  # the Lambda authorizer's context for guarded console/app routes


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


_LICENSE: dict[str, str] = {}


def _license_key() -> str:
    """A license of the demo customer, issued through the licensing service (once per bench run)."""
    if not _LICENSE:
        from datetime import timedelta

        from tessera.catalog import service as catalog
        from tessera.core import clock
        from tessera.core.dynamo import rebind_from_env
        from tessera.core.request import RequestInfo
        from tessera.identity import bootstrap
        from tessera.identity.principal import Principal
        from tessera.licensing import service as licensing
        from tessera.licensing.models import LicenseRequest

        rebind_from_env()
        catalog.save_product(catalog.demo_product())
        _, org_id, _ = bootstrap.customer(DEMO_EMAIL, "Bench Owner", "ООО «Бенч»", DEMO_PASSWORD)
        today = clock.today()
        issued = licensing.issue(
            LicenseRequest(org_id=org_id, plan="advanced", starts_on=today - timedelta(days=1),
                           ends_on=today + timedelta(days=365), domain="budget.bench.ru", version_min="4.0"),
            Principal(user_id="usr_bench", session_id="ses_bench", audience="console", kind="staff",
                      roles=frozenset({"admin"})), RequestInfo("bench"))
        _LICENSE["key"] = issued.license_key
    return _LICENSE["key"]


def _with_license() -> dict[str, str]:
    """Setup of the installation scenarios: the license they use (no headers)."""
    _license_key()
    return {}


def _forget_statuses() -> None:
    from tessera.licensing import state

    state._status_cache.clear()


def _heartbeat_body() -> dict[str, str]:
    """An activated installation (through the activation service) and one signed heartbeat."""
    from tessera.core import clock
    from tessera.core.crypto import LocalSigner, jws_sign, public_jwk
    from tessera.core.request import RequestInfo
    from tessera.licensing import response_keys
    from tessera.licensing.activation import activate
    from tessera.licensing.models import ActivateRequest

    key = _license_key()
    response_keys.rotate()  # what the hourly ResponseKeyRotationFunction did: the request path only reads
    signer = LocalSigner.generate()
    jwk = public_jwk(signer.public_key(), kid="")
    request = ActivateRequest(license_key=key, fingerprint="bench-heartbeat-000001", software_version="4.2.0",
                              domain="budget.bench.ru", public_key={k: jwk[k] for k in ("kty", "crv", "x", "y")})
    answer = activate(request, RequestInfo("bench"))
    assert answer.certificate and answer.installation_id
    import base64
    import json

    license_id = json.loads(base64.urlsafe_b64decode(answer.certificate.split(".")[1] + "=="))["lic"]
    heartbeat = jws_sign({"lic": license_id, "ins": answer.installation_id, "seq": 1,
                          "sent_at": clock.epoch_seconds(), "software_version": "4.2.0", "usage": {"users": 42}},
                         signer, kid=answer.installation_id)
    _HEARTBEAT.update(heartbeat=heartbeat, certificate=answer.certificate)
    return {}


_HEARTBEAT: dict[str, str] = {}


def _licensing_data() -> dict[str, str]:
    """A license and an activated installation: the dashboard has something to count."""
    if not _HEARTBEAT:  # the heartbeat scenario's installation, when it ran first
        _heartbeat_body()
    return {}


_STAFF = {"user_id": "usr_01JBENCHSTAFF0000000000000", "session_id": "ses_bench", "audience": "console",
          "kind": "staff", "roles": '["admin"]', "org_id": "", "mfa": True, "display": "bench"}


def _forget_seen_heartbeats() -> None:
    from tessera.licensing import heartbeats

    heartbeats._seen.clear()  # the same signed heartbeat again: what each new one costs


def _forget_authorizations() -> None:
    import authorizer.handler

    authorizer.handler._cache.clear()


LEAD_ORIGIN = "https://okna.bench.ru"
_LEAD: dict[str, Any] = {}


def _published_widget() -> dict[str, str]:
    """A Fast Lead trial, a workspace and its published widget (through the billing and workspaces services):
    the lead scenario's body names the widget and its version."""
    from tessera.billing import service as billing
    from tessera.core.dynamo import rebind_from_env
    from tessera.core.ids import new_id
    from tessera.core.request import RequestInfo
    from tessera.workspaces import service as workspaces
    from tessera.workspaces.models import Publish, WorkspaceCreate

    rebind_from_env()
    billing.seed_plans()
    user_id, org_id = new_id("usr"), new_id("org")  # billing and workspaces only need the ids
    request = RequestInfo("bench")
    billing.start_trial(org_id, "fastlead_pro", billing.Actor(user_id, "customer", None, ("owner",), request))
    actor = workspaces.Actor(user_id, None, ("owner",), request)
    workspace = workspaces.create_workspace(org_id, WorkspaceCreate(name="Окна", domain="okna.bench.ru"), actor)
    widget = workspaces.publish(org_id, workspace.id, Publish(version=1), actor)
    _LEAD.update(widget_id=widget.widget_id, config_version=widget.version, name="Bench Visitor",
                 phone="+7 916 555-00-00", email=None, message="bench", page_url=f"{LEAD_ORIGIN}/",
                 referrer=None, consent={"accepted": True, "text_version": "v1"}, honeypot="", elapsed_ms=5000,
                 locale="ru")
    _new_lead()
    return {"origin": LEAD_ORIGIN}


def _new_lead() -> None:
    import uuid

    _LEAD["client_lead_id"] = str(uuid.uuid4())  # a new lead each request, not a retry of the last


SCENARIOS: list[Scenario] = [
    Scenario("health", "HealthFunction", "GET", "/api/health", "/api/health", budget_calls=0),
    Scenario("login (password, no 2FA)", "AuthFunction", "POST", "/api/auth/login", "/api/auth/login",
             body={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}, budget_calls=4, setup=_customer),
    Scenario("authorizer, uncached token", "AuthorizerFunction", "GET", "/api/app/orgs/org_x/members",
             "/api/app/orgs/{org_id}/members", budget_calls=1, setup=_bearer, before_each=_forget_authorizations),
    Scenario("authorizer, cached token", "AuthorizerFunction", "GET", "/api/app/orgs/org_x/members",
             "/api/app/orgs/{org_id}/members", budget_calls=0, setup=_bearer),
    Scenario("me", "AuthFunction", "GET", "/api/auth/me", "/api/auth/me", setup=_bearer),
    Scenario("license status, uncached", "LicenseStatusFunction", "GET", "/api/licenses/{key}",
             "/api/licenses/{license_key}", budget_calls=1, setup=_with_license, setup_as="LicensingApiFunction",
             before_each=_forget_statuses),
    Scenario("license status, cached", "LicenseStatusFunction", "GET", "/api/licenses/{key}",
             "/api/licenses/{license_key}", budget_calls=0, setup=_with_license, setup_as="LicensingApiFunction"),
    Scenario("activate (≤ 3 DynamoDB + 1 KMS Sign)", "LicenseActivateFunction", "POST", "/api/licenses/activate",
             "/api/licenses/activate", budget_calls=4, setup=_with_license, setup_as="LicensingApiFunction",
             body="{activation}"),
    Scenario("heartbeat (1 SQS call)", "LicenseHeartbeatFunction", "POST", "/api/licenses/heartbeat",
             "/api/licenses/heartbeat", budget_calls=1, setup=_heartbeat_body, setup_as="LicensingApiFunction",
             body="{heartbeat}", before_each=_forget_seen_heartbeats),
    # counters 1 + activations by month ≤ 2 + 3 states × 8 fleet shards (COUNT queries) + the rate counter 1
    Scenario("licensing dashboard (counters + fleet counts over 8 shards, no scan)", "LicensingApiFunction", "GET",
             "/api/console/licensing/dashboard", "/api/console/licensing/dashboard", budget_calls=28,
             setup=_licensing_data, setup_as="LicensingApiFunction", principal=_STAFF),
    # per-IP and per-widget counters + the lead with its idempotency item (one transaction) + the widget's runtime
    Scenario("lead ingest (≤ 3 DynamoDB)", "LeadsIngestFunction", "POST", "/api/public/leads", "/api/public/leads",
             body=_LEAD, budget_calls=3, setup=_published_widget, setup_as="WorkspacesApiFunction",
             before_each=_new_lead),
]
