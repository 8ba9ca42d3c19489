"""The billing API through the authorizer: the customer's plan, plan change and invoices in the app, the
billing staff's lists in the console; another organization's subscription or invoice does not exist."""

from datetime import timedelta
from typing import Any

import pytest

from tessera.billing import service
from tessera.billing.service import SYSTEM
from tessera.core import clock
from tessera.core.money import Money
from tests.integration.billing.conftest import T0
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform


@pytest.fixture
def world(billing: Platform) -> dict[str, Any]:
    owner, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    other, other_me = customer(billing, "owner@lyutik.ru", company="ООО «Лютик»")
    org, other_org = me["current"]["org_id"], other_me["current"]["org_id"]
    base = f"/api/app/orgs/{org}/billing"
    started = owner.post(f"{base}/subscriptions", {"plan": "fastlead_start"})
    assert started.status == 201, started.body
    theirs = other.post(f"/api/app/orgs/{other_org}/billing/subscriptions", {"plan": "fastlead_pro"})
    their_invoice = other.post(f"/api/app/orgs/{other_org}/billing/subscriptions/{theirs.body['id']}/invoice")
    assert their_invoice.status == 200, their_invoice.body
    return {"owner": owner, "other": other, "org": org, "other_org": other_org, "base": base,
            "subscription": started.body, "their_subscription": theirs.body["id"],
            "their_invoice": their_invoice.body["id"]}


def pay(invoice: dict[str, Any], provider_payment_id: str) -> None:
    service.apply_payment(provider="yookassa", provider_payment_id=provider_payment_id, invoice_id=invoice["id"],
                          attempt=1, amount=Money(invoice["total"]["kopecks"]))


def test_a_customer_pays_out_of_the_trial_upgrades_and_sees_invoices_and_payments(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    base, subscription_id = world["base"], world["subscription"]["id"]
    plans = owner.get(f"{base}/plans")
    assert plans.status == 200 and [p["code"] for p in plans.body] == [
        "fastlead_business", "fastlead_pro", "fastlead_start"]
    assert world["subscription"]["state"] == "trial"

    invoice = owner.post(f"{base}/subscriptions/{subscription_id}/invoice")
    assert invoice.status == 200 and invoice.body["status"] == "issued"
    assert owner.post(f"{base}/subscriptions/{subscription_id}/invoice").body["id"] == invoice.body["id"]
    with clock.frozen(T0 - timedelta(days=11)):  # paid 11 days ago (sessions last minutes: move the payment)
        pay(invoice.body, "pp-first")
    current = owner.get(f"{base}/subscriptions/{subscription_id}").body
    assert (current["state"], current["period_end"]) == ("active", "2026-03-18T09:00:00Z")  # a 28-day month

    with clock.frozen(T0 + timedelta(minutes=1)):  # after the first invoice: newest first
        preview = owner.get(f"{base}/subscriptions/{subscription_id}/plan-change", query={"plan": "fastlead_pro"})
        assert preview.status == 200, preview.body
        assert (preview.body["kind"], preview.body["days_left"], preview.body["period_days"]) == ("upgrade", 17, 28)
        assert preview.body["amount_now"]["kopecks"] == 303_571  # 5 000 ₽ × 17/28 = 3 035,714… → 3 035,71
        assert preview.body["amount_now"]["formatted"] == "3\u00a0035,71\u00a0₽"
        changed = owner.post(f"{base}/subscriptions/{subscription_id}/plan-change", {"plan": "fastlead_pro"})
        assert changed.status == 200, changed.body
        assert changed.body["invoice"]["total"]["kopecks"] == 303_571
        assert changed.body["subscription"]["pending_change"]["kind"] == "upgrade"
    pay(changed.body["invoice"], "pp-upgrade")
    assert owner.get(f"{base}/subscriptions/{subscription_id}").body["plan"] == "fastlead_pro"

    invoices = owner.get(f"{base}/invoices")
    assert [(i["status"], i["total"]["kopecks"]) for i in invoices.body["items"]] == [
        ("paid", 303_571), ("paid", 499_000)]
    one = owner.get(f"{base}/invoices/{invoices.body['items'][1]['id']}").body
    assert one["lines"][0]["description"] == "Подписка Fast Lead, тариф «Старт», 1 мес."
    assert one["vat_total"]["kopecks"] == 89_984  # 4 990 ₽ × 22/122 = 899,836… → 899,84
    payments = owner.get(f"{base}/payments").body["items"]
    assert [p["provider_payment_id"] for p in payments] == ["pp-upgrade", "pp-first"]
    mine = owner.get(f"{base}/subscriptions").body["items"]
    assert [s["id"] for s in mine] == [subscription_id]


def test_cancel_at_period_end_and_moves_the_table_refuses(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    base, subscription_id = world["base"], world["subscription"]["id"]
    canceled = owner.post(f"{base}/subscriptions/{subscription_id}/cancel")
    assert canceled.status == 200 and canceled.body["cancel_at_period_end"] is True
    service.set_state(subscription_id, "canceled", SYSTEM, "trial over")
    russian = Client(language="ru")
    russian.cookies = owner.cookies
    refused = russian.post(f"{base}/subscriptions/{subscription_id}/plan-change", {"plan": "fastlead_pro"})
    assert (refused.status, refused.code) == (409, "subscription-transition-invalid")
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.body["detail"] == "Подписка в состоянии «canceled» не может перейти в «canceled»."
    assert owner.post(f"{base}/subscriptions/{subscription_id}/cancel").status == 409


def test_bad_input_gets_a_problem_and_changes_nothing(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    base, subscription_id = world["base"], world["subscription"]["id"]
    unknown = owner.post(f"{base}/subscriptions/{subscription_id}/plan-change", {"plan": "fastlead_platinum"})
    assert (unknown.status, unknown.code) == (422, "plan-unknown")
    malformed = owner.post(f"{base}/subscriptions/{subscription_id}/plan-change", {"plan": "Pro!"})
    assert (malformed.status, malformed.code) == (422, "validation-failed")
    twice = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"})
    assert (twice.status, twice.code) == (409, "subscription-exists")
    assert owner.get(f"{base}/subscriptions/{subscription_id}").body == world["subscription"]
    assert owner.get(f"{base}/invoices").body["items"] == []


def test_another_organization_s_subscription_and_invoice_answer_404(world: dict[str, Any]) -> None:
    owner: Client = world["owner"]
    base, theirs, their_invoice = world["base"], world["their_subscription"], world["their_invoice"]
    for method, path, body in [
            ("GET", f"{base}/subscriptions/{theirs}", None),
            ("GET", f"{base}/subscriptions/{theirs}/plan-change?plan=fastlead_start", None),
            ("POST", f"{base}/subscriptions/{theirs}/plan-change", {"plan": "fastlead_start"}),
            ("POST", f"{base}/subscriptions/{theirs}/cancel", None),
            ("POST", f"{base}/subscriptions/{theirs}/invoice", None),
            ("GET", f"{base}/invoices/{their_invoice}", None)]:
        path, _, query = path.partition("?")
        answer = owner.call(method, path, body, query=dict([query.split("=")]) if query else None)
        assert (answer.status, answer.code) == (404, "not-found"), path
    their_base = f"/api/app/orgs/{world['other_org']}/billing"
    for suffix in ("plans", "subscriptions", "invoices", "payments", f"subscriptions/{theirs}"):
        assert owner.get(f"{their_base}/{suffix}").status == 404, suffix
    assert [s["id"] for s in world["other"].get(f"{their_base}/subscriptions").body["items"]] == [theirs]
    their = service.get_subscription(theirs)
    assert (their.cancel_at_period_end, their.plan) == (False, "fastlead_pro")  # untouched


def test_the_console_lists_and_reads_subscriptions_invoices_and_payments(world: dict[str, Any],
                                                                         billing: Platform) -> None:
    console = admin(billing)
    org, other_org = world["org"], world["other_org"]
    subscriptions = console.get("/api/console/billing/subscriptions", query={"limit": "1"})
    assert subscriptions.status == 200 and len(subscriptions.body["items"]) == 1
    rest = console.get("/api/console/billing/subscriptions", query={"cursor": subscriptions.body["next_cursor"]})
    listed = {s["id"] for s in subscriptions.body["items"] + rest.body["items"]}
    assert listed == {world["subscription"]["id"], world["their_subscription"]}
    trials = console.get("/api/console/billing/subscriptions", query={"state": "trial", "plan": "fastlead_pro"})
    assert [s["org_id"] for s in trials.body["items"]] == [other_org]
    one = console.get(f"/api/console/billing/subscriptions/{world['subscription']['id']}")
    assert one.status == 200 and one.body["org_id"] == org

    invoice = console.get(f"/api/console/billing/invoices/{world['their_invoice']}").body
    assert invoice["number"] == 1
    pay(invoice, "pp-console")
    paid = console.get("/api/console/billing/invoices", query={"status": "paid"}).body["items"]
    assert [i["id"] for i in paid] == [world["their_invoice"]]
    assert console.get("/api/console/billing/invoices", query={"number": "1"}).body["items"][0]["id"] == invoice["id"]
    assert console.get("/api/console/billing/invoices", query={"org_id": org}).body["items"] == []
    payments = console.get("/api/console/billing/payments", query={"org_id": other_org, "provider": "yookassa"})
    assert [p["provider_payment_id"] for p in payments.body["items"]] == ["pp-console"]
    payment = console.get("/api/console/billing/payments/yookassa/pp-console")
    assert payment.status == 200 and payment.body["status"] == "applied"
    assert console.get("/api/console/billing/payments/yookassa/nope").status == 404
    bad = console.get("/api/console/billing/subscriptions", query={"state": "frozen"})
    assert (bad.status, bad.code) == (422, "validation-failed")
    assert console.get("/api/console/billing/plans").body[0]["price"]["kopecks"] == 1_999_000


def test_the_console_searches_by_a_customer_s_name_or_inn(world: dict[str, Any], billing: Platform) -> None:
    console = admin(billing)
    found = console.get("/api/console/billing/subscriptions", query={"q": "лютик"})
    assert found.status == 200, found.body
    assert [s["id"] for s in found.body["items"]] == [world["their_subscription"]]
    invoices = console.get("/api/console/billing/invoices", query={"q": "Лютик"}).body["items"]
    assert [i["id"] for i in invoices] == [world["their_invoice"]]
    assert console.get("/api/console/billing/invoices", query={"q": "Ромашка"}).body["items"] == []
    assert console.get("/api/console/billing/payments", query={"q": "нет такого"}).body == {
        "items": [], "next_cursor": None}
