"""The identity flows of the issue in a real browser (Debian's chromium) against the local cloud."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import choose, code_at_platform_time, demo_admin_code
from tests.e2e.test_identity_http import link

PASSWORD = "browser-password-2026"
DEMO_PASSWORD = "tessera-demo-2026"


def sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти", exact=True).click()


def sign_up(page: Page, name: str, company: str, email: str, password: str) -> None:
    """The sign-up form filled and sent, the offer accepted: the page asks to check the mail."""
    page.get_by_label("Имя и фамилия").fill(name)
    page.get_by_label("Компания").fill(company)
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_text("Проверьте почту")).to_be_visible()


def test_customer_signs_up_confirms_enrols_2fa_signs_in_with_it_and_invites_a_teammate(cloud: Any, page: Page,
                                                                                         browser: Any) -> None:
    email = "olga.browser@example.com"
    page.goto(f"{cloud.url}/app/signup")
    sign_up(page, "Ольга Браузерова", "ООО «Браузер»", email, PASSWORD)

    page.goto(link(cloud, email, "/app/confirm?token="))
    expect(page.get_by_text("Адрес подтверждён")).to_be_visible()
    page.goto(f"{cloud.url}/app/login")
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/(?!login)"))

    page.goto(f"{cloud.url}/app/profile")
    page.get_by_role("button", name="Включить").click()
    page.get_by_role("button", name="Начать настройку").click()
    secret_text = page.get_by_text(re.compile(r"^[A-Z2-7]{16,}$")).first.inner_text()
    secret = secret_text.strip()
    page.get_by_label("Код из приложения").fill(code_at_platform_time(cloud, secret))
    page.get_by_role("button", name="Проверить код").click()
    expect(page.get_by_text("Коды восстановления").first).to_be_visible()
    page.get_by_role("button", name="Я сохранил коды, продолжить").click()

    second = browser.new_context(locale="ru-RU").new_page()
    second.goto(f"{cloud.url}/app/team")
    expect(second).to_have_url(re.compile(r"/app/login"))
    sign_in(second, email, PASSWORD)
    expect(second.get_by_text("Введите шестизначный код")).to_be_visible()
    second.get_by_label("Код из приложения").fill(code_at_platform_time(cloud, secret, fresh=True))
    second.get_by_role("button", name="Подтвердить").click()
    expect(second).to_have_url(re.compile(r"/app/team"))  # back where the person was going

    second.get_by_role("button", name="Пригласить").click()
    dialog = second.get_by_role("dialog")
    dialog.get_by_label("Электронная почта").fill("pavel.browser@example.com")
    choose(second, dialog.get_by_label("Роль"), "Оператор")
    dialog.get_by_role("button", name="Отправить приглашение").click()
    expect(second.get_by_text("pavel.browser@example.com")).to_be_visible()

    teammate = browser.new_context(locale="ru-RU").new_page()
    teammate.goto(link(cloud, "pavel.browser@example.com", "/app/invite/"))
    teammate.get_by_label("Имя и фамилия").fill("Павел Коллегов")
    teammate.get_by_label("Новый пароль").fill(PASSWORD)
    teammate.get_by_role("button", name="Принять и создать аккаунт").click()
    expect(teammate).to_have_url(re.compile(r"/app/(?!login|invite)"))
    teammate.goto(f"{cloud.url}/app/team")
    expect(teammate.get_by_text(email)).to_be_visible()


def test_demo_admin_manages_staff_grants_access_and_sees_it_in_the_audit_log(cloud: Any, page: Page) -> None:
    page.goto(f"{cloud.url}/console/audit")
    expect(page).to_have_url(re.compile(r"/console/login"))
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/audit"))

    page.goto(f"{cloud.url}/console/staff")
    page.get_by_role("button", name="Пригласить сотрудника").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Электронная почта").fill("new.sales@tessera.local")
    choose(page, dialog.get_by_label("Роли"), "Продажи")
    dialog.get_by_text("Приглашение сотрудника").click()  # a multiple select stays open: close it
    dialog.get_by_role("button", name="Отправить приглашение").click()
    expect(page.get_by_text("new.sales@tessera.local")).to_be_visible()

    page.goto(f"{cloud.url}/console/access-grants")
    page.get_by_role("button", name="Выдать доступ").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Организация").fill("Демо Бюджет")  # a customer by name, not an org_… id
    page.locator(".ant-select-dropdown:visible").get_by_text(re.compile("Демо Бюджет")).click()
    dialog.get_by_label("Кому").click()
    page.locator(".ant-select-dropdown").get_by_title(re.compile("support@tessera.local")).click()
    dialog.get_by_label("Причина и тикет").fill("SUP-2048 проверить команду клиента")
    dialog.get_by_label("Действует до").click()
    page.locator(".ant-picker-dropdown").get_by_role("button", name=re.compile("OK|Ок", re.I)).click()
    dialog.get_by_role("button", name="Выдать доступ").click()
    grant = page.locator("tr", has_text="SUP-2048 проверить команду клиента")
    expect(grant.get_by_role("link", name="ООО «Демо Бюджет»")).to_be_visible()

    page.goto(f"{cloud.url}/console/audit")
    expect(page.get_by_text("grant.create").or_(page.get_by_text("Выдан доступ")).first).to_be_visible()
    page.get_by_role("button", name=re.compile("Проверить цепочку")).click()
    # a job on the server: its progress shows until the verify worker is done
    expect(page.get_by_text(re.compile(r"Проверено событий: \d+\. Ни одна запись не удалена"))).to_be_visible(
        timeout=60_000)
