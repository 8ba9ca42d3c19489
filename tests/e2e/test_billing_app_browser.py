"""The customer's billing in the app, in a real browser on the local cloud: picking a plan and paying it on the
sandbox ЮKassa's checkout page (then its счёт and УПД as PDFs, and withdrawing the saved card's autopay),
changing Про to Бизнес with the prorated amount, and a declined card that leaves the invoice open. Each test is a
new customer of its own, so they do not depend on each other or on the demo."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.e2e.test_identity_browser import sign_in
from tests.e2e.test_identity_http import PASSWORD, Session, new_customer

expect.set_options(timeout=20_000)

INVOICE_PAGE = re.compile(r"/app/billing/invoices/inv_[0-9A-Z]{26}$")


def rubles(kopecks: int) -> re.Pattern[str]:
    """The amount as the app shows it in Russian («13 332,00 ₽»; the group separator is a no-break space)."""
    whole, cents = divmod(kopecks, 100)
    grouped = r"\s".join(re.findall(r"\d{1,3}(?=(?:\d{3})*$)", str(whole)))
    return re.compile(rf"{grouped},{cents:02d}\s₽")


@pytest.fixture
def app(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url)
    yield context
    context.close()


def signed_in(app: BrowserContext, email: str) -> Page:
    page = app.new_page()
    page.goto("/app/billing")
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/billing$"))
    return page


def pay_on_the_sandbox(page: Page, card: str, save_card: bool = False) -> None:
    """On the app's invoice page: «Оплатить», then the sandbox's card button; the sandbox sends its notification
    to our webhook and the browser back to the invoice page."""
    if save_card:
        page.get_by_role("checkbox", name="Сохранить карту для автоматического продления").check()
    page.get_by_role("button", name=re.compile(r"^(Оплатить \d|Попробовать ещё раз)")).click()
    expect(page).to_have_url(re.compile(r"/_local/yookassa/checkout/"))
    page.get_by_role("button", name=card).click()
    expect(page).to_have_url(INVOICE_PAGE)


def downloaded_pdf(page: Page, click: Callable[[], None]) -> str:
    """Clicks a download button: the saved file's name (as the server named it); the file must be a real PDF."""
    with page.expect_download() as download_info:
        click()
    download = download_info.value
    assert Path(download.path()).read_bytes().startswith(b"%PDF-"), download.suggested_filename
    return download.suggested_filename


def wait_for_acts(owner: Session, org: str, count: int, seconds: float = 20) -> list[dict[str, Any]]:
    """The act is made by the documents stream function about a second after the payment lands."""
    deadline = time.monotonic() + seconds
    while True:
        acts: list[dict[str, Any]] = owner.get(f"/api/app/orgs/{org}/billing/acts").json()["items"]
        if len(acts) >= count or time.monotonic() > deadline:
            return acts
        time.sleep(0.5)


def test_a_new_customer_picks_pro_pays_on_the_sandbox_and_sees_the_subscription_active(
        cloud: Any, app: BrowserContext) -> None:
    owner, org = new_customer(cloud, "billing.checkout@example.com", "ООО «Оплата картой»")
    page = signed_in(app, "billing.checkout@example.com")
    expect(page.get_by_text("У организации пока нет подписки", exact=False)).to_be_visible()
    pro = page.locator("[data-plan=fastlead_pro]")
    expect(pro.get_by_text(rubles(999_000))).to_be_visible()
    pro.get_by_role("button", name="Оплатить сразу").click()

    expect(page).to_have_url(INVOICE_PAGE)
    invoice_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_text("Подписка Fast Lead, тариф «Про», 1 мес.")).to_be_visible()
    pay_on_the_sandbox(page, "4111 1111 1111 1111", save_card=True)

    expect(page.get_by_text("Счёт оплачен")).to_be_visible()
    page.get_by_role("button", name="К подписке").click()
    expect(page.get_by_text("Тариф «Про»")).to_be_visible()
    expect(page.locator(".ant-tag", has_text="Активна")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Оплачено до \d\d\.\d\d\.\d{4}"))).to_be_visible()
    expect(page.get_by_text("Bank card *1111")).to_be_visible()
    page.get_by_role("tab", name="Счета").click()
    row = page.locator("tr", has=page.locator(f"a[href='/app/billing/invoices/{invoice_id}']"))
    expect(row.get_by_text("Оплачен", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Оплатить")).to_have_count(0)
    page.get_by_role("tab", name="Платежи").click()
    expect(page.locator("tr", has_text="ЮKassa").get_by_text(rubles(999_000))).to_be_visible()

    invoice = owner.get(f"/api/app/orgs/{org}/billing/invoices/{invoice_id}").json()
    assert invoice["status"] == "paid"
    subscriptions = owner.get(f"/api/app/orgs/{org}/billing/subscriptions").json()["items"]
    assert [(s["plan"], s["state"]) for s in subscriptions] == [("fastlead_pro", "active")]

    # the счёт as a PDF from the list and from its page, under its Russian name
    invoice_file = re.compile(rf"^Счёт № {invoice['number']} от \d\d\.\d\d\.\d{{4}}\.pdf$")
    page.get_by_role("tab", name="Счета").click()
    assert invoice_file.match(downloaded_pdf(page, row.get_by_role("button", name="PDF").click))
    row.get_by_role("link").click()
    expect(page).to_have_url(INVOICE_PAGE)
    assert invoice_file.match(downloaded_pdf(page, page.get_by_role("button", name="Скачать PDF").click))

    # the payment's closing document (an УПД: Про bears VAT) in its tab, as a PDF
    acts = wait_for_acts(owner, org, 1)
    assert [(a["kind"], a["invoice_id"]) for a in acts] == [("upd", invoice_id)]
    page.goto("/app/billing?tab=documents")
    act_row = page.locator("tr", has_text=f"УПД № {acts[0]['number']}")
    expect(act_row.get_by_role("link", name=f"№ {invoice['number']}")).to_be_visible()
    expect(act_row.get_by_text(rubles(999_000))).to_be_visible()
    assert re.match(rf"^УПД № {acts[0]['number']} от \d\d\.\d\d\.\d{{4}}\.pdf$",
                    downloaded_pdf(page, act_row.get_by_role("button", name="PDF").click))

    # withdrawing the saved card's autopay: confirmed first, then the card is gone
    page.get_by_role("tab", name="Подписка").click()
    card = saved_card(page, "Bank card *1111")
    expect(card.get_by_text("Автоплатёж", exact=True)).to_be_visible()
    card.get_by_role("button", name="Отключить автоплатёж").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("нужно будет оплачивать вручную", exact=False)).to_be_visible()
    dialog.get_by_role("button", name="Отключить автоплатёж").click()
    expect(page.get_by_text("Карта не сохранена", exact=False)).to_be_visible()
    expect(page.locator("[data-method]")).to_have_count(0)
    assert owner.get(f"/api/app/orgs/{org}/billing/payment-methods").json()["items"] == []
    assert owner.get(f"/api/app/orgs/{org}/billing/subscriptions").json()["items"][0]["saved_method"] is None


def saved_card(page: Page, title: str) -> Locator:
    return page.locator("[data-method]", has=page.get_by_text(title, exact=True))


def active_pro(cloud: Any, owner: Session, org: str) -> str:
    """Про, paid through the API and the sandbox's card form (as the checkout test does): its subscription id."""
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"}).json()
    invoice = owner.post(f"{base}/subscriptions/{subscription['id']}/invoice").json()
    checkout = owner.post(f"{base}/invoices/{invoice['id']}/pay", {}).json()
    paid = httpx.post(checkout["confirmation_url"], data={"card": "4111111111111111"}, headers={"origin": cloud.url})
    assert paid.status_code == 303, paid.text
    assert owner.get(f"{base}/subscriptions/{subscription['id']}").json()["state"] == "active"
    return str(subscription["id"])


def test_changing_pro_to_business_shows_the_prorated_amount_and_after_paying_the_plan_is_business(
        cloud: Any, app: BrowserContext) -> None:
    owner, org = new_customer(cloud, "billing.upgrade@example.com", "ООО «Рост»")
    subscription_id = active_pro(cloud, owner, org)
    preview = owner.get(f"/api/app/orgs/{org}/billing/subscriptions/{subscription_id}/plan-change",
                        params={"plan": "fastlead_business"}).json()
    assert preview["kind"] == "upgrade" and 0 < preview["amount_now"]["kopecks"] <= 1_000_000

    page = signed_in(app, "billing.upgrade@example.com")
    expect(page.get_by_text("Тариф «Про»")).to_be_visible()
    page.get_by_role("button", name="Сменить тариф").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Перейти на «Бизнес»").click()
    amount = rubles(preview["amount_now"]["kopecks"])
    expect(dialog.get_by_text(re.compile(r"^К оплате сейчас: " + amount.pattern))).to_be_visible()
    expect(dialog.get_by_text(re.compile(rf"\({preview['days_left']} из {preview['period_days']}\)"))).to_be_visible()
    dialog.get_by_role("button", name=re.compile(r"^Перейти к оплате " + amount.pattern)).click()

    expect(page).to_have_url(INVOICE_PAGE)
    expect(page.get_by_role("button", name=re.compile(r"^Оплатить " + amount.pattern))).to_be_visible()
    pay_on_the_sandbox(page, "4111 1111 1111 1111")
    expect(page.get_by_text("Счёт оплачен")).to_be_visible()
    page.get_by_role("button", name="К подписке").click()
    expect(page.get_by_text("Тариф «Бизнес»")).to_be_visible()
    expect(page.get_by_text("Лидов в месяц")).to_be_visible()
    expect(page.get_by_text("без ограничений").first).to_be_visible()
    subscription = owner.get(f"/api/app/orgs/{org}/billing/subscriptions/{subscription_id}").json()
    assert (subscription["plan"], subscription["state"], subscription["pending_change"]) == \
        ("fastlead_business", "active", None)


def test_a_declined_card_shows_a_clear_failure_and_the_invoice_stays_open(cloud: Any, app: BrowserContext) -> None:
    owner, org = new_customer(cloud, "billing.declined@example.com", "ООО «Без средств»")
    page = signed_in(app, "billing.declined@example.com")
    page.locator("[data-plan=fastlead_start]").get_by_role("button", name="Оплатить сразу").click()
    expect(page).to_have_url(INVOICE_PAGE)
    invoice_id = page.url.rsplit("/", 1)[1]

    pay_on_the_sandbox(page, "5555 5555 5555 4477")
    expect(page.get_by_text("Проверяем оплату…")).to_be_visible()
    # no payment arrives: after its check window (12 s) the page says so
    expect(page.get_by_text("Оплата не прошла")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("счёт по-прежнему не оплачен", exact=False)).to_be_visible()
    expect(page.locator(".ant-tag", has_text="Ждёт оплаты")).to_be_visible()
    assert owner.get(f"/api/app/orgs/{org}/billing/invoices/{invoice_id}").json()["status"] == "issued"

    # «Попробовать ещё раз» is a new attempt on the provider's page, and a good card pays it
    pay_on_the_sandbox(page, "4111 1111 1111 1111")
    expect(page.get_by_text("Счёт оплачен")).to_be_visible()
    assert owner.get(f"/api/app/orgs/{org}/billing/invoices/{invoice_id}").json()["status"] == "paid"
