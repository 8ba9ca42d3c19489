"""The console's billing pages in a real browser, signed in as the demo admin: find a customer's subscription
and its invoice, mark the invoice paid (the subscription becomes active), make an integration key whose secret
is shown once (and signs a real request), save payment provider credentials that come back masked, issue a
renewal invoice from a license's page, save the seller's requisites (a wrong БИК refused on its fields), refund
part of a card payment, export a customer's payments as CSV, and read a dunning run's steps."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from localcloud.payments_sandbox import TERMINAL_KEY, TERMINAL_PASSWORD
from tessera.billing.integrations import signature
from tests.e2e.conftest import choose, demo_admin_code
from tests.e2e.test_billing_flows import DECLINES_WHEN_SAVED, PAID, _advance, _pay, _state, _subscribe
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in
from tests.e2e.test_identity_http import new_customer
from tests.e2e.test_notify import wait_for

expect.set_options(timeout=20_000)


def _signed_in_admin(cloud: Any, browser: Any) -> BrowserContext:
    """The demo admin signed in (2FA included) in a context of its own."""
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url,
                                  accept_downloads=True)
    page = context.new_page()
    page.goto("/console/dashboard")
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/dashboard"))
    page.close()
    return context


@pytest.fixture(scope="module")
def admin(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    context = _signed_in_admin(cloud, browser)
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


def test_admin_saves_the_seller_requisites_a_wrong_bik_refused_on_its_fields(admin: BrowserContext) -> None:
    page = admin.new_page()
    page.goto("/console/billing/seller")
    expect(page.get_by_role("heading", name="Реквизиты продавца")).to_be_visible()
    fields = {
        "Полное наименование": "ООО «Тессера Е2Е»", "ИНН": "7707083893", "КПП": "770701001",
        "ОГРН / ОГРНИП": "1027700132195",
        "Юридический адрес": "125009, г. Москва, ул. Тверская, д. 1", "Банк": "ПАО Сбербанк",
        "Расчётный счёт": "40702810938000000001", "Корреспондентский счёт": "30101810400000000225",
        "Должность руководителя": "Генеральный директор", "ФИО руководителя": "Иванов Иван Иванович",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("ОСН — плательщик НДС").check()
    bik = page.get_by_label("БИК", exact=True)
    save = page.get_by_role("button", name="Сохранить")

    bik.fill("04452522")  # 8 digits: refused before it is sent
    save.click()
    expect(page.locator(".ant-form-item", has=bik).get_by_text("9 цифр.")).to_be_visible()

    bik.fill("044525974")  # another bank's БИК: the accounts' control keys no longer match (the server's check)
    save.click()
    account = page.locator(".ant-form-item", has=page.get_by_label("Расчётный счёт", exact=True))
    expect(account.get_by_text(re.compile("Неверный расчётный счёт"))).to_be_visible()
    expect(page.get_by_text("Реквизиты сохранены.")).to_have_count(0)

    bik.fill("044525225")
    save.click()
    expect(page.get_by_text("Реквизиты сохранены.")).to_be_visible()
    expect(account.get_by_text(re.compile("Неверный расчётный счёт"))).to_have_count(0)
    page.reload()
    expect(page.get_by_label("Полное наименование", exact=True)).to_have_value("ООО «Тессера Е2Е»")
    expect(page.get_by_label("БИК", exact=True)).to_have_value("044525225")
    page.close()


@pytest.fixture(scope="module")
def card_payment(cloud: Any, admin: BrowserContext) -> dict[str, Any]:
    """A customer's invoice paid by card on the sandbox (ЮKassa): the console's view of the payment."""
    owner, org_id = new_customer(cloud, "refund.console.e2e@example.com", "ООО «Возврат»")
    _, invoice = _subscribe(owner, org_id)
    _pay(cloud, owner, org_id, invoice["id"], PAID)

    def paid() -> list[dict[str, Any]]:
        answer = admin.request.get(f"/api/console/billing/payments?invoice_id={invoice['id']}")
        return list(answer.json()["items"])
    return dict(wait_for(paid)[0])


def test_admin_refunds_part_of_a_card_payment_and_sees_the_refund(admin: BrowserContext,
                                                                  card_payment: dict[str, Any]) -> None:
    path = f"billing/payments/{card_payment['provider']}/{card_payment['provider_payment_id']}"
    page = admin.new_page()
    page.goto(f"/console/{path}")
    expect(page.get_by_text("Возвратов не было.")).to_be_visible()
    page.get_by_role("button", name="Вернуть деньги").click()
    dialog = page.get_by_role("dialog", name="Возврат платежа")
    dialog.get_by_label("Сумма возврата").fill("3000")
    dialog.get_by_label("Причина").fill("Клиент отказался от части мест")
    dialog.get_by_role("button", name=re.compile(r"Вернуть 3\s000,00\s₽")).click()

    row = page.locator("tr", has_text="Клиент отказался от части мест")
    expect(row).to_contain_text(re.compile(r"3\s000,00\s₽"))
    expect(row).to_contain_text(re.compile("Выполнен|В обработке"))
    expect(page.locator(".ant-descriptions-item", has_text="Возвращено")).to_contain_text(re.compile(r"3\s000,00\s₽"))
    assert admin.request.get(f"/api/console/{path}").json()["refunded"]["kopecks"] == 300_000
    page.close()


def test_admin_exports_a_customers_payments_as_csv(admin: BrowserContext, card_payment: dict[str, Any]) -> None:
    page = admin.new_page()
    page.goto(f"/console/billing/payments?org_id={card_payment['org_id']}")
    expect(page.locator("tr", has_text=card_payment["provider_payment_id"])).to_be_visible()
    page.get_by_role("button", name="Экспорт").click()
    dialog = page.get_by_role("dialog", name="Экспорт платежей")
    expect(dialog.get_by_text("ООО «Возврат»")).to_be_visible()  # the list's customer
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Скачать").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ","))
    assert len(rows) == 2, rows  # the header and this customer's one payment
    assert card_payment["provider_payment_id"] in rows[1]
    page.close()


@pytest.mark.timeout(900)  # making a run waits for the daily job, which renews the demo data's subscriptions too
def test_admin_reads_a_dunning_run_and_its_steps(month_cloud: Any, browser: Any) -> None:
    """On the cloud whose clock may move a month (the session's keeps the wall clock's time): without a run made
    there before, it makes one, moving the platform clock past a period's end (the signed-in session does not
    survive that: a new one reads the page)."""
    cloud = month_cloud
    context = _signed_in_admin(cloud, browser)
    runs = context.request.get("/api/console/billing/dunning-runs").json()["items"]
    if not runs:
        owner, org_id = new_customer(cloud, "dunning.console.e2e@example.com", "ООО «Дожим»")
        subscription, first = _subscribe(owner, org_id)
        _pay(cloud, owner, org_id, first["id"], DECLINES_WHEN_SAVED, save=True)
        wait_for(lambda: _state(owner, org_id, subscription["id"]) == "active")
        _advance(cloud, 32 * 86_400)  # the daily job renews it, the charge declines, the run starts
        context.close()
        context = _signed_in_admin(cloud, browser)
        by_customer = f"/api/console/billing/dunning-runs?org_id={org_id}"

        def started() -> list[dict[str, Any]]:
            # a cold start on a busy machine may answer 503/504 first, and polling this often meets the rate limit
            answer = context.request.get(by_customer)
            assert answer.status < 400 or answer.status in (429, 503, 504), answer.text()
            return list(answer.json()["items"]) if answer.ok else []

        runs = wait_for(started, 420)  # the daily job renews every due subscription (the demo data's too) first
    run = runs[0]

    page = context.new_page()
    page.goto(f"/console/billing/dunning?org_id={run['org_id']}")
    expect(page.get_by_role("heading", name="Дожим")).to_be_visible()
    row = page.locator(".ant-table-row").first
    expect(row).to_be_visible()
    if run["invoice_number"] is not None:
        expect(row).to_contain_text(f"№ {run['invoice_number']}")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/console/billing/dunning/{run['id']}"))
    expect(page.get_by_role("heading", name=re.compile("Дожим от"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d из 3"))).to_be_visible()
    expect(page.locator(".ant-timeline-item").first).to_be_visible()
    expect(page.get_by_text(re.compile("Проверка счёта|Списание с карты")).first).to_be_visible()

    page.goto("/console/billing/dunning")
    choose(page, page.get_by_role("combobox", name="Состояние"), "Доступ приостановлен")
    expect(page).to_have_url(re.compile(r"state=suspended"))
    page.close()
    context.close()
