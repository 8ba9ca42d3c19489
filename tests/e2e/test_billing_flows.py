"""Issue 10's "Done when" flows over HTTP through the local cloud, started as `make run` starts it, paying on
the sandbox provider's checkout page (httpx posts the card as the page's form does; no browser):
(a) a Про subscription paid with 4111 1111 1111 1111 is active and its invoice paid;
(b) a saved card whose charges decline walks through dunning — 3 charges, the e-mails, grace, suspension,
    the run readable in the console — and a later payment restores;
(c) a staff license renewal paid through 1С's POST /api/external/payments delivers version 2 to the
    installation.

The local cloud's dunning waits are seconds (template parameters in infra/local/parameters.json: Step
Functions waits cannot follow the local clock); the daily job that starts runs fires when the clock moves."""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from tessera.billing.integrations import signature
from tests.e2e.conftest import ROOT, RunningCloud
from tests.e2e.test_identity_http import PASSWORD, Session, link
from tests.e2e.test_licensing_sdk import console_admin
from tests.e2e.test_notify import mailbox, wait_for

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from tessera_agent import Agent

PATIENT = httpx.Timeout(60.0)  # a function's first call is a cold start (its snapshot), on a busy machine
PAID = "4111111111111111"
DECLINES_WHEN_SAVED = "4000000000000341"  # pays at checkout; its saved-card charges lack funds


def _customer(cloud: Any, email: str, company: str) -> tuple[Session, str]:
    """`new_customer`'s sign-up, confirmation and sign-in, with a patient client."""
    person = Session(cloud)
    person.http.timeout = PATIENT
    person.post("/api/auth/register", {"email": email, "password": PASSWORD, "name": "Клиент", "company": company})
    person.post("/api/auth/confirm", {"token": link(cloud, email, "/app/confirm?token=").split("token=")[1]})
    person.post("/api/auth/login", {"email": email, "password": PASSWORD})
    return person, person.get("/api/auth/me").json()["current"]["org_id"]


def _admin(cloud: Any) -> Session:
    admin = console_admin(cloud)
    admin.http.timeout = PATIENT
    return admin


def _subscribe(owner: Session, org: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Про trial and its first invoice."""
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"})
    assert subscription.status_code == 201, subscription.text
    invoice = owner.post(f"{base}/subscriptions/{subscription.json()['id']}/invoice")
    assert invoice.status_code in (200, 201), invoice.text
    return subscription.json(), invoice.json()


def _pay(cloud: Any, owner: Session, org: str, invoice_id: str, card: str, save: bool = False) -> None:
    """«Оплатить», then the card on the sandbox's checkout page: the sandbox notifies our webhook."""
    started = owner.post(f"/api/app/orgs/{org}/billing/invoices/{invoice_id}/pay", {"save_method": save})
    assert started.status_code == 200, started.text
    page = started.json()["confirmation_url"]
    assert "/_local/yookassa/checkout/" in page
    assert httpx.get(page, timeout=PATIENT).status_code == 200
    answer = httpx.post(page, data={"card": card}, follow_redirects=False, timeout=PATIENT)  # waits for our webhook
    assert answer.status_code == 303, answer.text


def _state(owner: Session, org: str, subscription_id: str) -> str:
    return str(owner.get(f"/api/app/orgs/{org}/billing/subscriptions/{subscription_id}").json()["state"])


def _invoice_status(owner: Session, org: str, invoice_id: str) -> str:
    return str(owner.get(f"/api/app/orgs/{org}/billing/invoices/{invoice_id}").json()["status"])


def test_a_pro_subscription_paid_by_card_is_active(cloud: Any) -> None:
    owner, org = _customer(cloud, "pro.e2e@example.com", "ООО «Про»")
    subscription, invoice = _subscribe(owner, org)
    assert subscription["state"] == "trial"
    _pay(cloud, owner, org, invoice["id"], PAID, save=True)
    wait_for(lambda: _invoice_status(owner, org, invoice["id"]) == "paid")
    active = owner.get(f"/api/app/orgs/{org}/billing/subscriptions/{subscription['id']}").json()
    assert active["state"] == "active" and active["plan"] == "fastlead_pro"
    assert active["saved_method"] == {"provider": "yookassa", "title": "Bank card *1111"}
    payments = owner.get(f"/api/app/orgs/{org}/billing/payments").json()["items"]
    assert [(p["invoice_id"], p["status"]) for p in payments] == [(invoice["id"], "applied")]


def _platform_now(cloud: Any) -> datetime:
    return datetime.fromisoformat(httpx.get(f"{cloud.url}/_local/clock?format=json").json()["now"])


def _advance(cloud: Any, seconds: int) -> None:
    moved = httpx.post(f"{cloud.url}/_local/clock", data={"action": "advance", "seconds": str(seconds)},
                       headers={"origin": cloud.url}, follow_redirects=False)
    assert moved.status_code == 303


def test_a_declining_saved_card_goes_through_dunning_and_a_later_payment_restores(month_cloud: RunningCloud) -> None:
    cloud = month_cloud
    email = "dunning.e2e@example.com"
    owner, org = _customer(cloud, email, "ООО «Просрочка»")
    subscription, first = _subscribe(owner, org)
    _pay(cloud, owner, org, first["id"], DECLINES_WHEN_SAVED, save=True)
    wait_for(lambda: _state(owner, org, subscription["id"]) == "active")

    _advance(cloud, 32 * 86_400)  # past the period's end: the daily job renews it and starts the run
    owner.post("/api/auth/login", {"email": email, "password": PASSWORD})  # the session ended meanwhile
    admin = _admin(cloud)

    def run() -> dict[str, Any] | None:
        time.sleep(1.5)  # the console's per-user rate limit: poll gently (a 429 is "not yet")
        answer = admin.get("/api/console/billing/dunning-runs", params={"org_id": org})
        items = answer.json()["items"] if answer.status_code == 200 else []
        return items[0] if items else None

    started = wait_for(run, 180)  # the daily job renews every due subscription (the demo data's too) first
    assert started["subscription_id"] == subscription["id"] and started["max_attempts"] == 3
    # ended, and the last task (the "suspended" e-mail, after the suspension) recorded too
    ended = wait_for(lambda: (r := run()) is not None and r["state"] != "running"
                     and r["steps"][-1]["step"] == "mail:suspended" and r, 300)
    assert ended["state"] == "suspended" and ended["tries"] == 3, ended
    charges = [s for s in ended["steps"] if s["step"] == "charge"]
    assert [s["outcome"] for s in charges] == ["retry", "retry", "grace"]
    assert all("insufficient_funds" in (s["detail"] or "") for s in charges)
    assert admin.get(f"/api/console/billing/dunning-runs/{ended['id']}").json() == ended
    assert _state(owner, org, subscription["id"]) == "suspended"
    subjects = [m["subject"] for m in mailbox(cloud) if email in m["to"]]
    assert sum("could not charge" in s.lower() or "не удалось списать" in s.lower() for s in subjects) == 2
    assert any("suspended" in s.lower() or "приостановлен" in s.lower() for s in subjects)

    _pay(cloud, owner, org, ended["invoice_id"], PAID)  # a later payment, by another card, restores
    wait_for(lambda: _state(owner, org, subscription["id"]) == "active")
    assert _invoice_status(owner, org, ended["invoice_id"]) == "paid"


def test_a_renewal_paid_through_1c_delivers_the_next_version(cloud: Any, tmp_path: Path) -> None:
    admin = _admin(cloud)
    _, org = _customer(cloud, "renewal.e2e@example.com", "ООО «Продление»")
    terms = {"plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2030-12-31", "domain": "budget.renew.ru",
             "version_min": "4.0"}
    issued = admin.post("/api/console/licenses", {"org_id": org, **terms})
    assert issued.status_code == 201, issued.text
    license_id, key = issued.json()["license"]["id"], issued.json()["license_key"]
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    # the installation's clock is the platform's (another flow may have moved it ahead of the wall clock)
    agent = Agent(cloud.url, key, tmp_path / "state.json", jwks, domain="budget.renew.ru", timeout=60.0,
                  clock=lambda: _platform_now(cloud).timestamp())
    assert agent.activate("renewal-e2e-server-0001", "4.2.0", ["core"])["activated"]
    assert agent.verify().version == 1

    renewed = {**terms, "ends_on": "2031-12-31"}
    invoice = admin.post(f"/api/console/billing/licenses/{license_id}/renewal-invoice",
                         {"terms": renewed, "price_kopecks": 12_200_000, "vat_rate": 22})
    assert invoice.status_code == 201, invoice.text
    credential = admin.post("/api/console/integrations/credentials", {"name": "1С: e2e"}).json()
    body = json.dumps({"payment_id": "1C-E2E-1", "invoice_number": invoice.json()["number"],
                       "amount_kopecks": 12_200_000}, ensure_ascii=False)
    sent = str(int(_platform_now(cloud).timestamp()))  # the platform's time: its window is checked
    paid = httpx.post(f"{cloud.url}/api/external/payments", content=body.encode(), timeout=PATIENT, headers={
        "content-type": "application/json", "x-tessera-key": credential["credential"]["id"],
        "x-tessera-timestamp": sent, "x-tessera-signature": signature(credential["secret"], sent, body.encode())})
    assert paid.status_code == 201, paid.text
    assert paid.json()["status"] == "applied"

    _advance(cloud, 61)  # past the status function's per-container cache of the license
    status = agent.check()
    assert status["version"] == 2 and status["valid"]
    assert agent.verify().version == 2  # the signed version 2 itself, verified offline
