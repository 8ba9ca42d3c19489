"""Fast Lead end to end in a browser on the local cloud as `make run` starts it: a visitor of the demo
customer's site (another origin) sends a lead through the embedded widget, whose config comes from the CDN
path; the owner finds it in the app, opens its card and works it."""

from __future__ import annotations

import contextlib
import re
import secrets
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.test_identity_browser import sign_in

DEMO_PASSWORD = "tessera-demo-2026"


def send_lead_from_the_demo_site(page: Page, site_url: str, name: str, phone: str, message: str) -> None:
    config_loads: list[str] = []
    page.on("response", lambda r: config_loads.append(r.url) if "/widgets/" in r.url and r.ok else None)
    page.goto(site_url)
    page.get_by_role("button", name="Оставить заявку").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("textbox", name="Имя").fill(name)
    dialog.get_by_role("textbox", name="Телефон").fill(phone)
    dialog.get_by_role("textbox", name="Сообщение").fill(message)
    dialog.get_by_role("checkbox").check()
    page.wait_for_timeout(2100)  # a form sent sooner after opening is taken for a bot's
    dialog.get_by_role("button", name="Отправить").click()
    expect(dialog.get_by_text("Спасибо! Заявка отправлена").first).to_be_visible()
    assert config_loads, "the widget read its published config from /widgets/…"


def close_tour_if_shown(page: Page) -> None:
    """The guided tour opens on a person's first workspace page; closed once, it stays closed (server-side)."""
    with contextlib.suppress(PlaywrightTimeout):
        page.locator(".ant-tour-close").click(timeout=5_000)
        expect(page.locator(".ant-tour")).to_be_hidden()


def open_demo_workspace(browser: Any, cloud: Any) -> tuple[Page, str]:
    """The demo owner signed in on a page of their own, on the demo workspace's leads; and its id."""
    page = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url).new_page()
    page.goto("/app/fastlead")
    sign_in(page, "owner@demo.tessera.local", DEMO_PASSWORD)
    page.get_by_role("link", name="Сайт «Демо Бюджет»").click()
    expect(page).to_have_url(re.compile(r"/app/fastlead/ws_[^/]+/leads"))
    close_tour_if_shown(page)
    return page, re.search(r"/app/fastlead/(ws_[^/]+)/", page.url).group(1)  # type: ignore[union-attr]


def test_a_lead_from_the_widget_on_another_origin_reaches_the_owner(cloud: Any, browser: Any) -> None:
    name = f"Пётр Посетителев {secrets.token_hex(2)}"  # unique: the demo workspace keeps earlier runs' leads
    visitor = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    site = visitor.new_page()
    send_lead_from_the_demo_site(site, cloud.demo_site_url, name, "+7 916 555-12-34",
                                 "Нужен учёт ИТ-бюджета на 40 человек")
    visitor.close()

    page, _ = open_demo_workspace(browser, cloud)
    row = page.get_by_role("row", name=re.compile(name))
    expect(row).to_be_visible()
    expect(row).to_contain_text("Новая")

    page.get_by_label("Поиск").fill(name.split()[-1])
    expect(page.get_by_role("row", name=re.compile(name))).to_be_visible()
    page.get_by_role("row", name=re.compile(name)).click()  # the row opens the card
    expect(page.get_by_text("Нужен учёт ИТ-бюджета на 40 человек").first).to_be_visible()
    expect(page.get_by_text("Заявка из виджета")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Дано: версия текста v1"))).to_be_visible()

    page.get_by_role("button", name="Связались").click()
    dialog = page.get_by_role("dialog", name="Перевести заявку в статус «Связались»")
    dialog.get_by_label("Комментарий").fill("Позвонили, договорились о демо")
    dialog.get_by_role("button", name="Связались").click()
    expect(page.get_by_text("Статус: «Новая» → «Связались»")).to_be_visible()

    # the dashboard counts it (the read model the table's stream keeps) and the export carries it
    workspace = re.search(r"/app/fastlead/(ws_[^/]+)/", page.url).group(1)  # type: ignore[union-attr]
    page.goto(f"/app/fastlead/{workspace}/dashboard")
    expect(page.get_by_text("Конверсия в запись").first).to_be_visible()
    expect(page.get_by_text("За эти дни заявок нет")).to_have_count(0)
    page.goto(f"/app/fastlead/{workspace}/leads")
    page.get_by_role("button", name="Экспортировать в CSV").click()
    link = page.get_by_role("link", name=re.compile("Скачать"))
    expect(link).to_be_visible(timeout=60_000)
    exported = httpx.get(str(link.get_attribute("href")), timeout=30)
    assert exported.status_code == 200 and name in exported.content.decode("utf-8-sig"), exported.text[:500]
    page.context.close()


def test_the_landing_page_leads_to_the_sign_up_and_prices_come_from_the_catalog(cloud: Any, page: Page) -> None:
    page.goto(f"{cloud.url}/")
    expect(page).to_have_title(re.compile("Fast Lead"))
    page.get_by_role("link", name="Тарифы").first.click()
    for plan, price in (("Старт", "4 990"), ("Про", "9 990"), ("Бизнес", "19 990")):
        expect(page.get_by_role("heading", name=plan, exact=True).first).to_be_visible()
        expect(page.get_by_text(re.compile(price.replace(" ", r"\s")))).not_to_have_count(0)
    page.get_by_role("link", name="Попробовать бесплатно").first.click()
    expect(page).to_have_url(re.compile(r"/app/signup"))
    expect(page.get_by_role("button", name="Зарегистрироваться")).to_be_visible()
