"""Follows seed 004's manual scenarios 4 and 5 in a real browser on the local cloud.

Scenario 4 (leads): a workspace's leads arrive through the public ingest as the widget sends them; the owner
moves one to «Связались» in the app, filters the list by «Новая» (the contacted one leaves it), opens a lead's
card and its history, and exports the filtered list to CSV — the file holds exactly the rows the list shows.

Scenario 5 (billing, criteria 9–11): a new customer's Fast Lead trial (14 days) with a published widget; the
platform clock moves past the trial's end (on `month_cloud`, a cloud of its own for clock moves); the trial
lifecycle makes the first invoice, the subscription read-only and mails the offer to pay; the app shows it; the
owner pays «Про» on the sandbox ЮKassa with the test card, the subscription is «Активна» and the widget keeps
taking leads (201, not locked). Each test is a new customer of its own, so the order of tests does not matter."""

from __future__ import annotations

import csv
import html
import io
import re
import secrets
import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import RunningCloud, choose, platform_now
from tests.e2e.test_billing_app_browser import INVOICE_PAGE, pay_on_the_sandbox
from tests.e2e.test_billing_flows import _advance
from tests.e2e.test_fastlead_browser import close_tour_if_shown
from tests.e2e.test_identity_browser import sign_in
from tests.e2e.test_identity_http import PASSWORD, Session, mails, new_customer
from tests.e2e.test_notify import wait_for

expect.set_options(timeout=20_000)

TRIAL_DAYS = 14


def fastlead_workspace(owner: Session, org: str, site: str) -> dict[str, Any]:
    """A workspace whose widget (version 1) is published and allows `site`: the owner's setup through the API
    (the wizard has its own test), the leads' way in is the real public ingest."""
    created = owner.post(f"/api/app/orgs/{org}/workspaces",
                         {"name": f"Сайт {site}", "allowed_origins": [site]})
    assert created.status_code == 201, created.text
    workspace = created.json()
    published = owner.post(f"/api/app/orgs/{org}/workspaces/{workspace['id']}/widget/publish", {"version": 1})
    assert published.status_code == 200, published.text
    assert published.json()["published_version"] == 1
    return dict(workspace)


def visitor(cloud: RunningCloud) -> httpx.Client:
    """A site visitor: a loopback address of its own, so the ingest's per-IP limit (10 in 10 minutes) counts
    these leads and not other tests' ones."""
    address = f"127.0.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 2}"
    return httpx.Client(base_url=cloud.url, transport=httpx.HTTPTransport(local_address=address), timeout=60)


def post_lead(http: httpx.Client, workspace: dict[str, Any], site: str, name: str, phone: str,
              message: str) -> httpx.Response:
    """The body the widget sends (docs/design/widget.md), from the site's origin."""
    body = {"widget_id": workspace["widget_id"], "config_version": 1, "client_lead_id": str(uuid.uuid4()),
            "name": name, "phone": phone, "email": None, "message": message,
            "consent": {"accepted": True, "text_version": "v1"}, "page_url": f"{site}/contacts", "referrer": None,
            "utm_source": None, "utm_medium": None, "utm_campaign": None, "utm_term": None, "utm_content": None,
            "honeypot": "", "elapsed_ms": 6500, "locale": "ru"}
    return http.post("/api/public/leads", json=body, headers={"origin": site})


def test_scenario_4_leads_filtered_by_status_a_card_with_its_history_and_the_filtered_csv(
        cloud: RunningCloud, browser: Any) -> None:
    email = f"leads.s4.{secrets.token_hex(3)}@example.com"
    owner, org = new_customer(cloud, email, "ООО «Окна Плюс»")
    assert owner.post(f"/api/app/orgs/{org}/billing/subscriptions", {"plan": "fastlead_pro"}).status_code == 201
    site = "https://okna-plus.example"
    workspace = fastlead_workspace(owner, org, site)
    people = {"Анна Новикова": ("+7 916 100-00-01", "Нужен замер окон в квартире"),
              "Борис Связкин": ("+7 916 100-00-02", "Сколько стоит балконный блок?"),
              "Вера Ожидаева": ("+7 916 100-00-03", "Перезвоните после 18:00")}
    ids: dict[str, str] = {}
    with visitor(cloud) as http:
        for name, (phone, message) in people.items():
            answer = post_lead(http, workspace, site, name, phone, message)
            assert answer.status_code == 201, answer.text
            ids[name] = answer.json()["lead_id"]

    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url)
    page = context.new_page()
    leads_page = f"/app/fastlead/{workspace['id']}/leads"
    page.goto(leads_page)
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(leads_page) + "$"))
    for name in people:  # the list: every lead, each «Новая»
        row = page.get_by_role("row", name=re.compile(name))
        expect(row).to_be_visible()
        expect(row).to_contain_text("Новая")
    close_tour_if_shown(page)  # it opens over the loaded list on a person's first workspace page

    # Борис is called back: «Связались» from his card, with a comment
    page.get_by_role("row", name=re.compile("Борис Связкин")).click()
    expect(page).to_have_url(re.compile(rf"/leads/{ids['Борис Связкин']}$"))
    page.get_by_role("button", name="Связались").click()
    dialog = page.get_by_role("dialog", name="Перевести заявку в статус «Связались»")
    dialog.get_by_label("Комментарий").fill("Позвонили, выслали расчёт")
    dialog.get_by_role("button", name="Связались").click()
    # the card's history: the form, then the status change
    expect(page.get_by_text("История")).to_be_visible()
    expect(page.get_by_text("Заявка из виджета")).to_be_visible()
    expect(page.get_by_text("Статус: «Новая» → «Связались»")).to_be_visible()

    # the list filtered by «Новая»: Борис leaves it, Анна and Вера stay
    page.goto(leads_page)
    expect(page.get_by_role("row", name=re.compile("Борис Связкин"))).to_contain_text("Связались")
    choose(page, page.get_by_role("combobox", name="Статус"), "Новая")
    expect(page).to_have_url(re.compile(r"[?&]status=new"))
    expect(page.get_by_role("row", name=re.compile("Борис Связкин"))).to_have_count(0)
    for name in ("Анна Новикова", "Вера Ожидаева"):
        expect(page.get_by_role("row", name=re.compile(name))).to_contain_text("Новая")

    # a lead's card from the filtered list: its details and its history (the form only, still new)
    page.get_by_role("row", name=re.compile("Анна Новикова")).click()
    expect(page).to_have_url(re.compile(rf"/leads/{ids['Анна Новикова']}$"))
    expect(page.get_by_text("Нужен замер окон в квартире").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Дано: версия текста v1"))).to_be_visible()
    expect(page.get_by_text("Заявка из виджета")).to_be_visible()
    expect(page.get_by_text(re.compile("Статус: «"))).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]status=new"))
    expect(page.get_by_role("row", name=re.compile("Вера Ожидаева"))).to_be_visible()

    # «Экспортировать в CSV» follows the list's filter: the job's progress, then the link; exactly the new ones
    page.get_by_role("button", name="Экспортировать в CSV").click()
    expect(page.get_by_role("status").filter(has_text="Готовим файл")).to_be_visible()
    link = page.get_by_role("link", name=re.compile(r"^Скачать .+\.csv$"))
    expect(link).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"^Строк: 2\. Ссылка действует до"))).to_be_visible()
    exported = httpx.get(str(link.get_attribute("href")), timeout=30)
    assert exported.status_code == 200, exported.text[:500]
    # read from the rows model: the stream had brought the job's marker, after the status change above
    assert _export_read_from(cloud, str(link.get_attribute("href"))) == "rows"
    header, *rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert header[:5] == ["Заявка", "Создана (МСК)", "Статус", "Канал", "Имя"]
    # the phone as stored (E.164), defused for spreadsheets: a cell starting with + would be a formula
    assert sorted((r[0], r[2], r[4], r[5], r[7]) for r in rows) == sorted(
        (ids[name], "новая", name, "'" + people[name][0].replace(" ", "").replace("-", ""), people[name][1])
        for name in ("Анна Новикова", "Вера Ожидаева"))

    # cleared, the list and its export have all three again
    page.get_by_role("button", name="Сбросить").click()
    expect(page.get_by_role("row", name=re.compile("Борис Связкин"))).to_be_visible()
    page.get_by_role("button", name="Экспортировать в CSV").click()
    expect(page.get_by_text(re.compile(r"^Строк: 3\. Ссылка действует до"))).to_be_visible(timeout=60_000)
    context.close()


def _export_read_from(cloud: RunningCloud, download_url: str) -> str:
    """Where an export job read its leads, from its item in the local cloud's reporting table."""
    import boto3

    workspace_id, export_id = re.search(r"/reporting/(ws_\w+)/(exp_\w+)/", download_url).groups()  # type: ignore[union-attr]
    dynamodb = boto3.client("dynamodb", endpoint_url=cloud.aws_url, region_name="eu-central-1",
                            aws_access_key_id="local", aws_secret_access_key="local")
    (table,) = [name for name in dynamodb.list_tables()["TableNames"] if "ReportingTable" in name]
    key = {"pk": {"S": f"WS#{workspace_id}"}, "sk": {"S": f"EXPORT#{export_id}"}}
    item = dynamodb.get_item(TableName=table, Key=key)
    return str(item["Item"]["read_from"]["S"])


@pytest.mark.timeout(900)  # the daily job that starts the trial's run renews the demo data's subscriptions too
def test_scenario_5_the_trial_ends_the_offer_is_mailed_and_shown_pro_is_paid_and_the_widget_keeps_working(
        month_cloud: RunningCloud, browser: Any) -> None:
    cloud = month_cloud
    email = f"trial.s5.{secrets.token_hex(3)}@example.com"
    owner, org = new_customer(cloud, email, "ООО «Пробный период»")
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url)
    page = context.new_page()
    page.goto("/app/billing")
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/billing$"))
    # the trial of «Про», started from its card
    pro = page.locator("[data-plan=fastlead_pro]")
    pro.get_by_role("button", name=f"Попробовать бесплатно ({TRIAL_DAYS} дн.)").click()
    expect(page.get_by_text("Тариф «Про»")).to_be_visible()
    expect(page.locator(".ant-tag", has_text="Пробный период")).to_be_visible()
    (subscription,) = owner.get(f"/api/app/orgs/{org}/billing/subscriptions").json()["items"]
    assert subscription["state"] == "trial"
    started = platform_now(cloud)

    site = "https://trial-okna.example"
    workspace = fastlead_workspace(owner, org, site)
    http = visitor(cloud)
    during = post_lead(http, workspace, site, "Дмитрий Пробный", "+7 916 200-00-01", "Заявка в пробный период")
    assert during.status_code == 201, during.text

    # past the trial's end by the platform clock (however far other tests moved it already): the daily job
    # starts the trial's lifecycle run, which finds it over and unpaid
    trial_end = datetime.fromisoformat(subscription["period_end"])
    assert (trial_end - started).days in (TRIAL_DAYS - 1, TRIAL_DAYS)
    _advance(cloud, int((trial_end - platform_now(cloud)).total_seconds()) + 3_600)

    try:
        offer = wait_for(lambda: next((m for m in mails(cloud, email)
                                       if "Пробный период закончился" in m["subject"]), None), 420)
    except AssertionError:
        print("".join(line[:600] for line in cloud.output if "Dunning" in line or "schedule" in line
                      or "Trial" in line or "rror" in line or "imed" in line))
        print([m["subject"] for m in mails(cloud, email)])
        raise
    assert "оплатите" in offer["subject"]
    body = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", offer["html"] or "").split()))
    assert "Пробный период тарифа «Про» закончился" in body and "только для чтения" in body, body
    assert re.search(r"оплатите счёт № \d+ на 9 990\.00 ₽", body), body
    assert f'href="{cloud.url}/app/billing"' in offer["html"]

    # the app shows the offer: the sessions ended with the clock's move, so sign in again
    page.goto("/app/billing")
    login = page.get_by_role("heading", name="Вход в Tessera")
    expect(login.or_(page.get_by_text("Тариф «Про»"))).to_be_visible()
    if login.is_visible():
        sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/billing$"))
    offer_alert = page.locator(".ant-alert", has_text="Подписка не оплачена")
    expect(offer_alert).to_be_visible()
    expect(offer_alert).to_contain_text("Пробный период закончился")
    expect(offer_alert).to_contain_text("доступ только для чтения")
    expect(page.locator(".ant-tag", has_text="Не оплачена")).to_be_visible()
    # read-only meanwhile: the widget still takes leads, unlocked (seed 004)
    read_only = post_lead(http, workspace, site, "Елена Читаева", "+7 916 200-00-02", "Заявка после пробного")
    assert read_only.status_code == 201, read_only.text

    offer_alert.get_by_role("button", name="Оплатить").click()
    expect(page).to_have_url(INVOICE_PAGE)
    expect(page.get_by_text("Подписка Fast Lead, тариф «Про», 1 мес.")).to_be_visible()
    pay_on_the_sandbox(page, "4111 1111 1111 1111")
    expect(page.get_by_text("Счёт оплачен")).to_be_visible()
    page.get_by_role("button", name="К подписке").click()  # back to the dashboard of the subscription
    expect(page.get_by_text("Тариф «Про»")).to_be_visible()
    expect(page.locator(".ant-tag", has_text="Активна")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Оплачено до \d\d\.\d\d\.\d{4}"))).to_be_visible()
    expect(page.locator(".ant-alert", has_text="Подписка не оплачена")).to_have_count(0)

    # the widget keeps working: a lead after the payment is stored (201) and not locked
    after = post_lead(http, workspace, site, "Жанна Оплатина", "+7 916 200-00-03", "Заявка после оплаты")
    assert after.status_code == 201, after.text
    http.close()
    owner.post("/api/auth/login", {"email": email, "password": PASSWORD})
    active = owner.get(f"/api/app/orgs/{org}/billing/subscriptions").json()["items"]
    assert [(s["plan"], s["state"]) for s in active] == [("fastlead_pro", "active")]
    leads = owner.get(f"/api/app/orgs/{org}/workspaces/{workspace['id']}/leads").json()["items"]
    assert {(lead["name"], lead["locked"]) for lead in leads} == {
        ("Дмитрий Пробный", False), ("Елена Читаева", False), ("Жанна Оплатина", False)}
    page.goto(f"/app/fastlead/{workspace['id']}/leads")
    expect(page.get_by_role("row", name=re.compile("Жанна Оплатина"))).to_contain_text("Новая")
    expect(page.get_by_role("row", name=re.compile("Заявка сверх лимита"))).to_have_count(0)
    context.close()
