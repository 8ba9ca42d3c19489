"""The license portal in a real browser (Debian's chromium) against the local cloud: a staff user issues
a license through the wizard and downloads its .lic file; the monitoring page shows an installation
once the SDK has activated it and sent a heartbeat; the customer sees its license in the app and
downloads the file."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tessera.core.crypto import jwk_to_public_key, jws_verify
from tests.e2e.conftest import ROOT, choose, demo_admin_code
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in
from tests.e2e.test_identity_http import PASSWORD, new_customer

sys.path.insert(0, str(ROOT / "clients" / "agent"))

from tessera_agent import Agent

# Pages and their chunks load on demand; on a machine shared with other builds that can take a while.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def console(cloud: Any, browser: Any) -> Iterator[BrowserContext]:
    """The demo admin signed into the console once (with its 2FA code) for the module's tests."""
    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{cloud.url}/console/licenses")
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/licenses"))
    page.close()
    yield context
    context.close()


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Далее").click()


def test_staff_issues_a_license_through_the_wizard_and_downloads_a_valid_signed_file(
        cloud: Any, console: BrowserContext) -> None:
    _, org_id = new_customer(cloud, "wizard.customer@example.com", "ООО «Мастер Лицензий»")
    page = console.new_page()
    page.goto(f"{cloud.url}/console/licenses")
    page.get_by_role("button", name="Выдать лицензию").click()
    expect(page.get_by_role("heading", name="Новая лицензия")).to_be_visible()

    # Step 1, customer: nothing chosen → the step does not let go; then found by name.
    next_step(page)
    expect(page.get_by_text("Выберите клиента")).to_be_visible()
    page.get_by_label("Клиент").fill("Мастер Лицензий")
    page.locator(".ant-select-dropdown").get_by_text(re.compile("Мастер Лицензий")).click()
    next_step(page)

    # Step 2, plan: Enterprise brings its modules and limits.
    next_step(page)
    expect(page.get_by_text("Выберите тариф")).to_be_visible()
    page.get_by_role("radio", name="Enterprise").check()
    next_step(page)

    # Step 3, modules: the plan's, all checked.
    expect(page.get_by_role("checkbox", name=re.compile("AI-прогноз"))).to_be_checked()
    next_step(page)

    # Step 4, limits: an emptied value is refused here; then users become a soft limit of 300 (×1.2).
    users_value = page.get_by_label("Пользователи: Значение")
    users_value.fill("")
    next_step(page)
    expect(page.get_by_text("Целое число от 0 до 1000000")).to_be_visible()
    users_value.fill("300")
    choose(page, page.get_by_label("Пользователи: Режим"), "мягкий")
    page.get_by_label("Пользователи: Коэффициент превышения").fill("1.2")
    next_step(page)

    # Step 5, dates: the defaults (a year from today, 14 days of grace) will do.
    expect(page.get_by_label("Льготный период, дней")).to_have_value("14")
    next_step(page)

    # Step 6, installation: the domain must be a host name.
    page.get_by_label("Домен установки").fill("не домен")
    next_step(page)
    expect(page.get_by_text("Имя хоста, например budget.customer.ru")).to_be_visible()
    page.get_by_label("Домен установки").fill("Budget.Master.RU")
    page.get_by_label("Минимальная версия продукта").fill("4.0")
    next_step(page)

    # Step 7, review, then sign.
    expect(page.get_by_text("budget.master.ru")).to_be_visible()
    expect(page.get_by_text(re.compile(r"300 · мягкий ×1\.2"))).to_be_visible()
    page.get_by_role("button", name="Подписать и выдать").click()
    expect(page.get_by_text("Лицензия выдана")).to_be_visible()
    license_key = page.get_by_test_id("license-key").inner_text().strip()
    assert re.fullmatch(r"ITBM(-[A-Z2-9]{4}){5}", license_key), license_key

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Скачать файл .lic").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.lic")
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert license_key not in json.dumps(document)  # the key is shown once, never in the file

    # The file's token verifies against the portal's published keys and carries the wizard's terms.
    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    keys = {key["kid"]: jwk_to_public_key(key) for key in jwks["keys"]}
    header, claims = jws_verify(document["token"], keys)
    assert (header["alg"], header["typ"]) == ("ES256", "license+jws") and header["kid"] in keys
    assert (claims["lic"], claims["ver"], claims["org"]) == (document["license_id"], 1, org_id)
    assert claims["plan"] == "enterprise" and claims["domain"] == "budget.master.ru"
    assert "ai_forecast" in claims["modules"]
    assert claims["limits"]["users"] == {"value": 300, "mode": "soft", "overage_ratio": 1.2,
                                         "alert_thresholds": [80, 100]}
    assert claims["grace_until"] - claims["exp"] == 14 * 86400
    assert claims["product_version_range"] == {"min": "4.0", "max": None}

    # The license page shows the same license, its first version, and no installation yet.
    page.get_by_role("button", name="Открыть лицензию").click()
    expect(page.get_by_text(document["license_id"]).first).to_be_visible()
    expect(page.get_by_text("Лицензию ещё не активировала ни одна установка.")).to_be_visible()
    page.get_by_role("tab", name=re.compile("Версии")).click()
    expect(page.get_by_text("Первая версия")).to_be_visible()

    # The list of every license finds it by the customer's name, and its customer links to the card.
    page.goto(f"{cloud.url}/console/licenses")
    page.get_by_role("searchbox", name="Поиск лицензий").fill("мастер лиц")
    page.get_by_role("searchbox", name="Поиск лицензий").press("Enter")
    row = page.get_by_role("row").filter(has_text=document["license_id"])
    expect(row).to_have_count(1)
    expect(page.get_by_role("row")).to_have_count(2)  # the header and this license
    row.get_by_role("link", name="ООО «Мастер Лицензий»").click()
    expect(page).to_have_url(re.compile(rf"/console/customers/{org_id}$"))
    page.close()


def test_the_monitoring_page_shows_an_installation_after_the_sdk_activates_and_beats(
        cloud: Any, console: BrowserContext, tmp_path: Path) -> None:
    _, org_id = new_customer(cloud, "monitor.customer@example.com", "ООО «Монитор»")
    csrf = next(c["value"] for c in console.cookies() if c["name"] == "tessera_csrf")
    issued = console.request.post(f"{cloud.url}/api/console/licenses", headers={"x-csrf-token": csrf}, data={
        "org_id": org_id, "plan": "advanced", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "domain": "budget.monitor.ru", "version_min": "4.0"})
    assert issued.status == 201, issued.text()
    license_id, key = issued.json()["license"]["id"], issued.json()["license_key"]

    jwks = httpx.get(f"{cloud.url}/api/licenses/jwks.json").json()
    agent = Agent(cloud.url, key, tmp_path / "state.json", jwks, domain="budget.monitor.ru")
    activation = agent.activate("monitor-e2e-server-0001", "4.1.0", ["core"])
    assert activation["activated"], activation
    info = agent.verify()
    beat = agent.heartbeat({"users": 190, "departments": 4}, info.modules, "4.1.0")
    assert beat["accepted"], beat

    # The heartbeat travels through SQS to the worker; wait until it is recorded, then look.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = console.request.get(f"{cloud.url}/api/console/licenses/{license_id}/activations").json()["items"]
        if rows and rows[0]["usage"].get("users") == 190:
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the heartbeat was not recorded: {rows}")

    page = console.new_page()
    page.goto(f"{cloud.url}/console/monitoring")
    expect(page.get_by_role("heading", name="Мониторинг установок")).to_be_visible()
    row = page.locator("tr", has_text="budget.monitor.ru")
    expect(row).to_be_visible()
    expect(row.get_by_text("Активна")).to_be_visible()
    expect(row.get_by_text("4.1.0")).to_be_visible()
    expect(row.get_by_text("Отстаёт от выпуска")).to_be_visible()  # the newest release is 4.2.0
    expect(row.get_by_text("Пользователи: 190", exact=True)).to_be_visible()
    expect(row.get_by_text("Пользователи: 190/200")).to_be_visible()  # past the 80 % alert threshold
    # the customer by name, the license id under it
    expect(row.get_by_role("link", name="ООО «Монитор»")).to_be_visible()
    expect(row.get_by_text(re.compile(license_id))).to_be_visible()

    # The filters are the server's: "stale" does not list it, "active" does.
    page.get_by_text("Нет связи", exact=True).click()
    expect(page.locator("tr", has_text="budget.monitor.ru")).to_have_count(0)
    page.get_by_text("Активные", exact=True).click()
    expect(page.locator("tr", has_text="budget.monitor.ru")).to_be_visible()

    # And the license's own page lists the installation too.
    row.get_by_role("link", name="ООО «Монитор»").click()
    expect(page.get_by_role("tab", name="Установки (1)")).to_be_visible()
    expect(page.locator("tr", has_text="budget.monitor.ru").get_by_text("Активна")).to_be_visible()
    page.close()


def test_the_customer_sees_its_license_and_installations_and_downloads_the_file_in_the_app(
        cloud: Any, console: BrowserContext, browser: Any) -> None:
    _, org_id = new_customer(cloud, "app.licenses@example.com", "ООО «Своя лицензия»")
    csrf = next(c["value"] for c in console.cookies() if c["name"] == "tessera_csrf")
    issued = console.request.post(f"{cloud.url}/api/console/licenses", headers={"x-csrf-token": csrf}, data={
        "org_id": org_id, "plan": "basic", "starts_on": "2026-01-01", "ends_on": "2030-12-31",
        "domain": "budget.own.ru"})
    assert issued.status == 201, issued.text()
    license_id = issued.json()["license"]["id"]

    context = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{cloud.url}/app/licenses")
    sign_in(page, "app.licenses@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/licenses"))
    card = page.locator(".ant-card", has_text="budget.own.ru")
    expect(card.get_by_text("Базовый")).to_be_visible()
    expect(card.get_by_text("Действует")).to_be_visible()
    card.get_by_role("button", name="Установки").click()
    expect(card.get_by_text("Лицензию ещё не активировали.")).to_be_visible()
    with page.expect_download() as download_info:
        card.get_by_role("button", name="Скачать файл лицензии").click()
    document = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert document["license_id"] == license_id and document["version"] == 1
    # The key to activate with: the owner asks for it (each view is audited).
    card.get_by_role("button", name="Показать ключ").click()
    expect(card.get_by_text(issued.json()["license_key"])).to_be_visible()
    context.close()

    # Staff re-issue it with a reason: the console shows the new key once, the app shows the new one.
    staff = console.new_page()
    staff.goto(f"{cloud.url}/console/licenses/{license_id}")
    staff.get_by_role("button", name="Новый ключ").click()
    dialog = staff.get_by_role("dialog")
    dialog.get_by_label("Причина").fill("ключ попал в переписку")
    dialog.get_by_role("button", name="Новый ключ").click()
    shown = staff.get_by_role("dialog", name="Новый ключ лицензии").locator("code")
    expect(shown).to_have_text(re.compile(r"^ITBM-"))
    assert shown.inner_text() != issued.json()["license_key"]
    staff.close()


def test_renewal_signs_version_two_and_the_history_shows_the_difference(cloud: Any, console: BrowserContext) -> None:
    _, org_id = new_customer(cloud, "renewal.customer@example.com", "ООО «Продление»")
    csrf = next(c["value"] for c in console.cookies() if c["name"] == "tessera_csrf")
    issued = console.request.post(f"{cloud.url}/api/console/licenses", headers={"x-csrf-token": csrf}, data={
        "org_id": org_id, "plan": "basic", "starts_on": "2026-01-01", "ends_on": "2026-12-31",
        "domain": "budget.renewal.ru", "version_min": "4.0"})
    assert issued.status == 201, issued.text()
    license_id = issued.json()["license"]["id"]

    page = console.new_page()
    page.goto(f"{cloud.url}/console/licenses/{license_id}")
    page.get_by_role("button", name="Продлить или изменить").click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_text("Продление или изменение: версия 2")).to_be_visible()
    choose(page, drawer.get_by_role("combobox", name="Тариф"), "Advanced")
    drawer.get_by_role("button", name="Подписать новую версию").first.click()
    expect(drawer.get_by_text("Укажите причину (от 3 символов)")).to_be_visible()
    drawer.get_by_label("Основание").fill("Upgrade to Advanced, contract 12")
    drawer.get_by_role("button", name="Подписать новую версию").first.click()
    expect(page.get_by_text("Подписана версия 2")).to_be_visible()

    page.get_by_role("tab", name=re.compile("Версии")).click()
    expect(page.get_by_text("Upgrade to Advanced, contract 12")).to_be_visible()
    diff = page.locator(".ant-card-small", has_text="Сравнение версий")
    expect(diff.locator("tr", has_text="Тариф").get_by_text("advanced")).to_be_visible()
    expect(diff.locator("tr", has_text="Модули").get_by_text(re.compile("Мультиотделы"))).to_be_visible()
    expect(diff.locator("tr", has_text="Окончание действия")).to_be_visible()  # a year longer
    page.close()
