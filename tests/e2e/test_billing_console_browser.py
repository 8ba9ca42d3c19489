"""The console's billing pages in a real browser, signed in as the demo admin: find a customer's subscription
and its invoice, mark the invoice paid (the subscription becomes active), make an integration key whose secret
is shown once (and signs a real request), save payment provider credentials that come back masked, and issue a
renewal invoice from a license's page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from localcloud.payments_sandbox import TERMINAL_KEY, TERMINAL_PASSWORD
from tessera.billing.integrations import signature
from tests.e2e.conftest import demo_admin_code
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in
from tests.e2e.test_identity_http import new_customer

expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def admin(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    """The demo admin signed in (2FA included) in a context of its own."""
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url)
    page = context.new_page()
    page.goto("/console/dashboard")
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/dashboard"))
    page.close()
    yield context
    context.close()


def _csrf(context: BrowserContext) -> dict[str, str]:
    return {"x-csrf-token": next(c["value"] for c in context.cookies() if c["name"] == "tessera_csrf")}


def test_admin_finds_a_subscription_and_its_invoice_and_marks_it_paid(cloud: Any, admin: BrowserContext) -> None:
    owner, org_id = new_customer(cloud, "billing.console.e2e@example.com", "ООО «Консольный Биллинг»")
    base = f"/api/app/orgs/{org_id}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"})
    assert subscription.status_code == 201, subscription.text
    invoice = owner.post(f"{base}/subscriptions/{subscription.json()['id']}/invoice")
    assert invoice.status_code == 200, invoice.text
    number = invoice.json()["number"]

    page = admin.new_page()
    page.goto("/console/dashboard")
    page.get_by_role("menuitem", name="Биллинг").click()
    page.get_by_role("menuitem", name="Подписки").click()
    expect(page).to_have_url(re.compile(r"/console/billing/subscriptions"))
    page.get_by_role("searchbox", name="Поиск").fill("Консольный Биллинг")
    page.get_by_role("searchbox", name="Поиск").press("Enter")
    row = page.locator("tr", has_text="ООО «Консольный Биллинг»")
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text("Активна")
    row.get_by_role("link", name="Про").click()

    expect(page.get_by_role("heading", name="Подписка «Про»")).to_be_visible()
    page.get_by_role("link", name=f"№ {number}").click()
    expect(page.get_by_role("heading", name=f"Счёт № {number}")).to_be_visible()
    expect(page.get_by_text("Выставлен", exact=True)).to_be_visible()

    page.get_by_role("button", name="Отметить оплаченным").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Номер платёжного документа").fill("ПП-17")
    dialog.get_by_role("button", name=re.compile(r"Отметить оплаченным: 9\s990,00\s₽")).click()
    expect(page.get_by_text("Счёт оплачен.", exact=True)).to_be_visible()
    expect(page.get_by_text("Оплачен", exact=True)).to_be_visible()
    expect(page.locator("tr", has_text="ПП-17")).to_contain_text("Зачтён")  # the payment, by hand

    page.get_by_role("link", name="Период подписки").click()
    expect(page.get_by_role("heading", name="Подписка «Про»")).to_be_visible()
    expect(page.get_by_text("Активна", exact=True)).to_be_visible()
    assert owner.get(f"{base}/subscriptions/{subscription.json()['id']}").json()["state"] == "active"
    page.close()


def test_admin_creates_an_integration_key_and_sees_its_secret_once(cloud: Any, admin: BrowserContext) -> None:
    page = admin.new_page()
    page.goto("/console/billing/integrations")
    page.get_by_role("button", name="Создать ключ").click()
    dialog = page.get_by_role("dialog", name="Новый ключ интеграции")
    dialog.get_by_label("Название").fill("1С: Бухгалтерия (e2e)")
    dialog.get_by_role("button", name="Создать ключ").click()

    shown = page.get_by_role("dialog", name="Секрет ключа «1С: Бухгалтерия (e2e)»")
    expect(shown.get_by_text("Секрет показан один раз")).to_be_visible()
    codes = shown.locator("code")
    key_id, secret = codes.nth(0).inner_text(), codes.nth(1).inner_text()
    assert key_id.startswith("int_") and len(secret) >= 32

    # the secret is real: it signs 1С's license export
    now = datetime.fromisoformat(httpx.get(f"{cloud.url}/_local/clock?format=json").json()["now"])
    timestamp = str(int(now.timestamp()))
    exported = httpx.get(f"{cloud.url}/api/external/licenses/export?format=json", headers={
        "X-Tessera-Key": key_id, "X-Tessera-Timestamp": timestamp,
        "X-Tessera-Signature": signature(secret, timestamp, b"format=json")})
    assert exported.status_code == 200, exported.text

    shown.get_by_role("button", name="Я сохранил секрет").click()
    expect(page.get_by_text(secret)).to_have_count(0)  # gone from the page once the dialog closes
    row = page.locator("tr", has_text="1С: Бухгалтерия (e2e)")
    expect(row).to_contain_text(f"…{secret[-4:]}")
    expect(row).to_contain_text("Действует")
    assert secret not in page.content()
    page.reload()
    expect(page.locator("tr", has_text="1С: Бухгалтерия (e2e)")).to_be_visible()
    assert secret not in page.content()
    page.close()


def test_admin_saves_provider_credentials_and_sees_them_masked(admin: BrowserContext) -> None:
    page = admin.new_page()
    page.goto("/console/billing/providers")
    # The sandbox's own Т-Банк credentials: the other tests keep paying through the same sandbox.
    tbank = page.get_by_role("form", name="Т-Банк")
    tbank.get_by_label("TerminalKey").fill(TERMINAL_KEY)
    tbank.get_by_label("Пароль терминала").fill(TERMINAL_PASSWORD)
    tbank.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Данные Т-Банк сохранены.")).to_be_visible()
    expect(tbank.get_by_label("Пароль терминала")).to_have_value("")
    expect(page.get_by_text("••••" + TERMINAL_PASSWORD[-4:])).to_be_visible()
    assert TERMINAL_PASSWORD not in page.content()
    page.reload()
    expect(page.get_by_text("••••" + TERMINAL_PASSWORD[-4:])).to_be_visible()
    assert TERMINAL_PASSWORD not in page.content()
    page.close()


def test_admin_issues_a_renewal_invoice_from_a_license(cloud: Any, admin: BrowserContext) -> None:
    _, org_id = new_customer(cloud, "renewal.console.e2e@example.com", "ООО «Продление»")
    issued = admin.request.post("/api/console/licenses", headers=_csrf(admin), data={
        "org_id": org_id, "plan": "enterprise", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "domain": "budget.renewal.example.ru"})
    assert issued.status == 201, issued.text()
    license_id = issued.json()["license"]["id"]

    page: Page = admin.new_page()
    page.goto(f"/console/licenses/{license_id}")
    page.get_by_role("button", name="Счёт на продление").click()
    dialog = page.get_by_role("dialog", name="Счёт на продление лицензии")
    dialog.get_by_label("Цена с НДС").fill("120000")
    dialog.get_by_role("button", name="Выставить счёт").click()
    created = dialog.get_by_text(re.compile(r"Выставлен счёт № \d+ на 120\s000,00\s₽"))
    expect(created).to_be_visible()
    expect(dialog.get_by_text("Выставлен", exact=True)).to_be_visible()
    number = re.search(r"№ (\d+)", created.inner_text()).group(1)  # type: ignore[union-attr]

    dialog.get_by_role("link", name="Открыть счёт").click()
    expect(page.get_by_role("heading", name=f"Счёт № {number}")).to_be_visible()
    purpose = page.get_by_role("link", name="Продление лицензии")
    expect(purpose).to_have_attribute("href", f"/console/licenses/{license_id}")
    expect(page.locator(".ant-table-row", has_text="Продление лицензии")).to_contain_text("по 31.12.2027")
    page.close()
