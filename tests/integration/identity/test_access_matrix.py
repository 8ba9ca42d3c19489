"""Every route × every role against the permission table, and cross-tenant access on every tenant route.

Data-driven over template.yaml: a route added later without a declared action, or whose behaviour
disagrees with PERMISSIONS, fails here."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tessera.core import clock
from tessera.identity.principal import Principal
from tessera.identity.roles import PERMISSIONS, CustomerRole, StaffRole, allowed
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import ROOT, ROUTES, Client, Platform, route_functions

# A valid request for each route that takes a body, so the answer shows the authorization decision
# and not request validation.
BODIES: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    ("POST", "/api/console/staff"): lambda w: {"email": "new.staff@tessera.local", "roles": ["sales"]},
    ("PATCH", "/api/console/staff/{user_id}"): lambda w: {"roles": ["sales"]},
    ("POST", "/api/app/orgs/{org_id}/invites"): lambda w: {"email": "new.member@example.com", "role": "analyst"},
    ("PATCH", "/api/app/orgs/{org_id}/members/{member_id}"): lambda w: {"role": "analyst"},
    ("POST", "/api/console/licenses"): lambda w: {
        "org_id": w["org_id"], "plan": "basic", "starts_on": "2026-01-01", "ends_on": "2027-01-01",
        "domain": "budget.example.ru"},
    ("POST", "/api/console/licenses/{license_id}/renew"): lambda w: {
        "plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2028-01-01", "domain": "budget.example.ru"},
    ("POST", "/api/console/licenses/{license_id}/suspend"): lambda w: {"reason": "matrix check"},
    ("POST", "/api/console/licenses/{license_id}/resume"): lambda w: {"reason": "matrix check"},
    ("POST", "/api/licenses/revoke"): lambda w: {"license_id": w["license_id"], "reason": "matrix check"},
    ("POST", "/api/console/licenses/{license_id}/send"): lambda w: {},
    ("POST", "/api/console/licenses/{license_id}/reissue-key"): lambda w: {"reason": "matrix check"},
    ("PUT", "/api/console/notifications/preferences"): lambda w: {"events": ["license.expiry"]},
    ("POST", "/api/console/notifications/preferences/test"): lambda w: {"channel": "email"},
    ("PUT", "/api/console/notifications/customers/{org_id}/preferences"): lambda w: {"events": ["license.expiry"]},
    ("PUT", "/api/app/orgs/{org_id}/notifications/preferences"): lambda w: {"events": ["license.expiry"]},
    ("POST", "/api/app/orgs/{org_id}/notifications/preferences/test"): lambda w: {"channel": "email"},
    ("PUT", "/api/console/licensing/sales-plan/{month}"): lambda w: {"modules": {"core": {"count": 1, "amount": 100}}},
    ("POST", "/api/console/access-grants"): lambda w: {
        "org_id": w["org_id"], "grantee_id": w["user_id"], "reason": "TCK-1 matrix", "scope": "read",
        "expires_at": (clock.now() + timedelta(hours=1)).isoformat()},
    # customers (accounts)
    ("POST", "/api/console/customers"): lambda w: {"name": "ООО «Матрица»", "inn": "7708999992", "kpp": "770101001",
                                                   "segment": "smb", "deployment": "saas"},
    ("PATCH", "/api/console/customers/{org_id}"): lambda w: {"notes": "matrix"},
    ("POST", "/api/console/customers/{org_id}/status"): lambda w: {"status": "active", "reason": "matrix check"},
    ("POST", "/api/console/customers/import"): lambda w: {"format": "csv", "dry_run": True, "content_base64": (
        "0JjQndCdLNCd0LDQuNC80LXQvdC+0LLQsNC90LjQtSzQodC10LPQvNC10L3RgizQotC40L8g0LLQvdC10LTRgNC10L3QuNGPDQo=")},
    ("POST", "/api/console/customers/{org_id}/contacts"): lambda w: {"name": "Матрица", "email": "c@example.com"},
    ("PATCH", "/api/console/customers/{org_id}/contacts/{contact_id}"): lambda w: {"position": "CTO"},
    ("POST", "/api/console/customers/{org_id}/contracts"): lambda w: {
        "number": "M-2", "signed_on": "2026-01-01", "amount": {"kopecks": 100}, "valid_from": "2026-01-01"},
    ("PATCH", "/api/console/customers/{org_id}/contracts/{contract_id}"): lambda w: {"sla": "premium"},
    ("POST", "/api/console/customers/{org_id}/documents"): lambda w: {
        "kind": "act", "title": "Акт", "file_name": "act.pdf", "content_type": "application/pdf", "size": 100},
    ("POST", "/api/console/customers/{org_id}/document-links"): lambda w: {
        "kind": "other", "title": "Ссылка", "url": "https://disk.example.ru/x"},
    ("POST", "/api/console/customers/{org_id}/payments"): lambda w: {
        "license_id": w["license_id"], "amount": {"kopecks": 100}, "paid_on": "2026-01-10", "reference": "matrix"},
    ("PUT", "/api/console/customers/{org_id}/licenses/{license_id}/payment-terms"): lambda w: {
        "amount_due": {"kopecks": 100}, "due_on": "2027-01-01"},
    ("POST", "/api/console/customers/{org_id}/notes"): lambda w: {"text": "matrix"},
    # billing
    ("POST", "/api/app/orgs/{org_id}/billing/subscriptions"): lambda w: {"plan": "fastlead_pro"},
    ("POST", "/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/plan-change"): lambda w: {
        "plan": "fastlead_pro"},
}


QUERIES: dict[tuple[str, str], Callable[[dict[str, Any]], dict[str, str]]] = {
    ("GET", "/api/console/licenses"): lambda w: {"status": "active", "plan": "advanced", "expires_before": "2030-01-01",
                                                 "q": "example"},
    ("GET", "/api/console/licensing/reports/{report}/export"): lambda w: {"format": "xlsx"},
    ("GET", "/api/app/orgs/{org_id}/billing/subscriptions/{subscription_id}/plan-change"): lambda w: {
        "plan": "fastlead_pro"},
}


def query_for(method: str, template: str, world: dict[str, Any]) -> dict[str, str] | None:
    build = QUERIES.get((method, template))
    return build(world) if build else None


def body_for(method: str, template: str, world: dict[str, Any]) -> Any:
    build = BODIES.get((method, template))
    return build(world) if build else None
GUARDED = [(method, path) for method, path, _, authorized in ROUTES if authorized]


def test_every_route_declares_an_action() -> None:
    functions = route_functions()
    missing = [f"{m} {p}" for m, p, _, _ in ROUTES if not hasattr(functions[(m, p)], "__tessera_action__")]
    assert missing == []
    for (method, path) in GUARDED:
        action = functions[(method, path)].__tessera_action__
        assert action in PERMISSIONS, f"{method} {path}: {action}"
        staff_path = path.startswith("/api/console/") or path == "/api/licenses/revoke"
        assert action.startswith("console.") == staff_path, f"{method} {path}: {action}"
    # A route behind the authorizer must not be public, and a public route must not be behind it.
    for method, path, _, authorized in ROUTES:
        assert (functions[(method, path)].__tessera_action__ is not None) == authorized, f"{method} {path}"


@pytest.fixture
def world(stack: Platform) -> dict[str, Any]:
    console = admin(stack)
    target = console.post("/api/console/staff", {"email": "target@tessera.local", "roles": ["support"]}).body
    token = stack.link_in_last_mail("target@tessera.local", "/invite/").rsplit("/", 1)[1]
    assert Client().post(f"/api/auth/invites/{token}/accept", {"password": "support-secret-1"}).status == 200
    owner, me = customer(stack, "owner@example.com")
    org_id = me["current"]["org_id"]
    member = owner.post(f"/api/app/orgs/{org_id}/invites", {"email": "m@example.com", "role": "operator"}).body
    _, other_me = customer(stack, "other@example.com", company="ООО «Чужая»")
    grant = console.post("/api/console/access-grants", {
        "org_id": org_id, "grantee_id": target["id"], "reason": "TCK-0", "scope": "read",
        "expires_at": (clock.now() + timedelta(hours=2)).isoformat()})
    assert grant.status == 201, grant.body
    issued = console.post("/api/console/licenses", {"org_id": org_id, "plan": "advanced", "starts_on": "2026-01-01",
                                                    "ends_on": "2027-12-31", "domain": "budget.example.ru"})
    assert issued.status == 201, issued.body
    on_card = f"/api/console/customers/{org_id}"
    customer_ids = {
        "contact_id": console.post(f"{on_card}/contacts", {"name": "Контакт", "email": "w@example.com"}).body["id"],
        "contract_id": console.post(f"{on_card}/contracts", {"number": "M-1", "signed_on": "2026-01-01",
                                                             "amount": {"kopecks": 1}, "valid_from": "2026-01-01"}
                                    ).body["id"],
        "document_id": console.post(f"{on_card}/document-links", {"kind": "other", "title": "Ссылка",
                                                                  "url": "https://disk.example.ru/w"}
                                    ).body["document"]["id"]}
    sent = console.post(f"/api/console/licenses/{issued.body['license']['id']}/send", {})  # a delivery to retry
    assert sent.status == 200, sent.body
    return {**customer_ids, **billing_ids(org_id),
            "delivery_id": sent.body["deliveries"][0]["id"],
            "user_id": target["id"], "org_id": org_id, "member_id": member["id"], "grant_id": grant.body["id"],
            "license_id": issued.body["license"]["id"], "report": "sales", "month": "2026-03",
            "other_org_id": other_me["current"]["org_id"]}


def billing_ids(org_id: str) -> dict[str, str]:
    """A subscription paid out of its trial: its invoice and payment."""
    from tessera.billing import service as billing
    from tessera.core.money import Money

    billing.seed_plans()
    actor = billing.Actor("usr_01JTESTCALLER0000000000000", "customer")
    subscription = billing.start_trial(org_id, "fastlead_start", actor)
    invoice = billing.period_invoice(subscription.id, actor)
    billing.apply_payment(provider="yookassa", provider_payment_id="matrix-1", invoice_id=invoice.id, attempt=1,
                          amount=Money(invoice.total.kopecks))
    return {"subscription_id": subscription.id, "invoice_id": invoice.id, "provider": "yookassa",
            "provider_payment_id": "matrix-1"}


def _path(template: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def _caller(kind: str, role: str, org_id: str | None) -> Client:
    client = Client()
    client.as_principal = Principal(user_id="usr_01JTESTCALLER0000000000000", session_id="ses_test",
                                    audience="console" if kind == "staff" else "app", kind=kind,
                                    roles=frozenset({role}), org_id=org_id, mfa=True).to_context()
    return client


def test_route_by_role_matches_the_permission_table(world: dict[str, Any]) -> None:
    functions = route_functions()
    mismatches = []
    for method, template in GUARDED:
        action = functions[(method, template)].__tessera_action__
        staff_route = not template.startswith("/api/app/")
        kind_of_area = "staff" if staff_route else "customer"
        roles = [(kind_of_area, r.value) for r in (StaffRole if staff_route else CustomerRole)]
        wrong_kind = [("customer", "owner")] if staff_route else [("staff", "admin")]
        for kind, role in roles + wrong_kind:
            client = _caller(kind, role, world["org_id"])
            answer = client.call(method, _path(template, world), body_for(method, template, world),
                                 query=query_for(method, template, world))
            expected_allowed = kind == ("staff" if staff_route else "customer") and allowed({role}, action)
            refused = answer.status == 403 and answer.code in ("forbidden-action", "wrong-area")
            if expected_allowed == refused or answer.status >= 500:
                mismatches.append(f"{method} {template} as {kind}:{role} → {answer.status} {answer.code}")
    assert mismatches == []


def test_other_tenants_data_answers_404_on_every_tenant_route(world: dict[str, Any]) -> None:
    tenant_routes = [(m, p) for m, p in GUARDED if "{org_id}" in p and p.startswith("/api/app/")]
    assert tenant_routes
    leaks = []
    for method, template in tenant_routes:
        for role in CustomerRole:
            client = _caller("customer", role.value, world["other_org_id"])  # signed into the other organization
            answer = client.call(method, _path(template, world), body_for(method, template, world))
            if answer.status != 404:
                leaks.append(f"{method} {template} as {role.value} of another org → {answer.status}")
    assert leaks == []


def _takes_a_body() -> set[tuple[str, str]]:
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    return {(method.upper(), path) for path, operations in document["paths"].items()
            for method, operation in operations.items() if "requestBody" in operation}


BAD_BODIES: dict[str, Any] = {"invalid": {"unexpected": 1}, "not JSON": "{not json",
                              "not UTF-8": b'{"name": "\xff\xfe"}'}


def _send(client: Client, method: str, path: str, bad: Any) -> Any:
    if isinstance(bad, dict):
        return client.call(method, path, bad)
    return client.call(method, path, raw_body=bad)


def test_anonymous_callers_get_a_401_problem_on_every_guarded_route(world: dict[str, Any]) -> None:
    with_body = _takes_a_body()
    wrong = []
    for method, template in GUARDED:
        path = _path(template, world)
        attempts = [Client().call(method, path, body_for(method, template, world))]  # through the real authorizer
        if (method, template) in with_body:
            attempts += [_send(Client(), method, path, bad) for bad in BAD_BODIES.values()]
        for answer in attempts:
            if (answer.status, answer.headers.get("content-type"), answer.code) != (
                    401, "application/problem+json", "not-signed-in"):
                wrong.append(f"{method} {template} → {answer.status} {answer.code}")
    assert wrong == []


def test_bad_input_from_a_caller_who_may_not_call_the_route_is_refused_before_it_is_judged(
        world: dict[str, Any]) -> None:
    """Request validation runs before any route code: a guarded route's precheck answers for the caller
    first, so a wrong role gets its 403 and another tenant its 404, never what the input lacks."""
    refused = []
    routes = [(m, p) for m, p in GUARDED if (m, p) in _takes_a_body()]
    assert len(routes) > 20
    for method, template in routes:
        action = route_functions()[(method, template)].__tessera_action__
        app_route = template.startswith("/api/app/")
        kind, roles = ("customer", CustomerRole) if app_route else ("staff", StaffRole)
        callers = [(_caller(kind, role.value, world["org_id"]), 403) for role in roles if not allowed({role}, action)]
        callers.append((_caller("staff" if app_route else "customer", "admin" if app_route else "owner",
                                world["org_id"]), 403))  # the other area's account
        if "{org_id}" in template and app_route:
            callers.append((_caller("customer", "owner", world["other_org_id"]), 404))  # another tenant
        for client, expected in callers:
            for name, bad in BAD_BODIES.items():
                answer = _send(client, method, _path(template, world), bad)
                if answer.status != expected:
                    refused.append(f"{method} {template}, {name} body → {answer.status} {answer.code}, not {expected}")
    assert refused == []


def test_a_body_that_is_not_utf8_is_a_400_problem_on_every_json_route(world: dict[str, Any]) -> None:
    wrong = []
    for method, template, _, authorized in ROUTES:
        if (method, template) not in _takes_a_body():
            continue
        if not authorized:
            client = Client()
        elif template.startswith("/api/app/"):
            client = _caller("customer", "owner", world["org_id"])
        else:
            client = _caller("staff", "admin", world["org_id"])
        answer = client.call(method, _path(template, world), raw_body='{"name": "Иван"}'.encode("cp1251"))
        if (answer.status, answer.headers.get("content-type"), answer.code) != (
                400, "application/problem+json", "body-not-utf8"):
            wrong.append(f"{method} {template} → {answer.status} {answer.code}")
    assert wrong == []
