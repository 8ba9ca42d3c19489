"""Paying an invoice through the local cloud's sandbox ЮKassa: the app's «Оплатить» (the real adapter, the
sandbox's API), the checkout page in the browser with a 3-D Secure test card, the sandbox's notification to
our webhook (re-fetched, applied once), and the invoice paid with the card saved. A card with insufficient
funds leaves the invoice unpaid and the next «Оплатить» is a new attempt."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.test_identity_http import Session, new_customer


def _invoice_to_pay(cloud: Any, email: str, company: str) -> tuple[Session, str, str, dict[str, Any]]:
    owner, org = new_customer(cloud, email, company)
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"})
    assert subscription.status_code == 201, subscription.text
    invoice = owner.post(f"{base}/subscriptions/{subscription.json()['id']}/invoice")
    assert invoice.status_code == 200, invoice.text
    return owner, base, subscription.json()["id"], invoice.json()


def test_pay_an_invoice_on_the_sandbox_page_with_3ds_and_see_it_paid(cloud: Any, page: Any) -> None:
    owner, base, subscription_id, invoice = _invoice_to_pay(cloud, "pay.e2e@example.com", "ООО «Оплата»")
    started = owner.post(f"{base}/invoices/{invoice['id']}/pay", {"save_method": True})
    assert started.status_code == 200, started.text
    checkout = started.json()
    assert (checkout["provider"], checkout["status"], checkout["attempt"]) == ("yookassa", "pending", 1)
    double_click = owner.post(f"{base}/invoices/{invoice['id']}/pay", {"save_method": True})
    assert double_click.json()["confirmation_url"] == checkout["confirmation_url"]

    page.goto(checkout["confirmation_url"])
    assert "9990.00" in page.content()
    page.get_by_role("button", name="4000 0000 0000 3220").click()
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(f"**/app/billing/invoices/{invoice['id']}")

    paid = owner.get(f"{base}/invoices/{invoice['id']}").json()
    assert paid["status"] == "paid"
    subscription = owner.get(f"{base}/subscriptions/{subscription_id}").json()
    assert subscription["state"] == "active"
    assert subscription["saved_method"] == {"provider": "yookassa", "title": "Bank card *3220"}
    payments = owner.get(f"{base}/payments").json()["items"]
    assert [(p["status"], p["amount"]["kopecks"]) for p in payments] == [("applied", 999_000)]
    again = owner.post(f"{base}/invoices/{invoice['id']}/pay", {})
    assert (again.status_code, again.json()["code"]) == (409, "invoice-not-payable")


def test_a_declined_card_leaves_the_invoice_unpaid_and_the_next_click_is_a_new_attempt(cloud: Any) -> None:
    owner, base, _, invoice = _invoice_to_pay(cloud, "decline.e2e@example.com", "ООО «Отказ»")
    first = owner.post(f"{base}/invoices/{invoice['id']}/pay", {}).json()
    declined = httpx.post(first["confirmation_url"], data={"card": "5555555555554477"},
                          headers={"origin": cloud.url})
    assert declined.status_code == 303
    assert owner.get(f"{base}/invoices/{invoice['id']}").json()["status"] == "issued"
    second = owner.post(f"{base}/invoices/{invoice['id']}/pay", {})
    assert second.status_code == 200, second.text
    assert second.json()["attempt"] == 2 and second.json()["confirmation_url"] != first["confirmation_url"]
