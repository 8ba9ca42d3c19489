"""Seed 004's manual scenarios 1–3 («Ручной сценарий проверки без автотестов»), walked in a real browser on the
local cloud as `make run` starts it: sign-up from the landing through the onboarding wizard (criteria 1–4),
the widget settings with a live preview and publishing to the CDN path, and connecting SMS through Twilio
(criteria 7–8) against the local Twilio fake (infra/local/localcloud/channel_fakes.py: an auth token of
zeros is refused with Twilio's 401, code 20003). Each test is a new customer of its own."""

from __future__ import annotations

import io
import re
import secrets
from typing import Any
from urllib.parse import quote

import httpx
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, Page, expect

from tests.e2e.test_fastlead_browser import close_tour_if_shown
from tests.e2e.test_identity_browser import sign_in, sign_up
from tests.e2e.test_identity_http import PASSWORD, mails, new_customer

# A function's first call on a fresh cloud waits for its snapshot, longer than expect's 5 s on a busy machine.
expect.set_options(timeout=20_000)

# Twilio's formats, which the server checks before it calls the provider: AC + 32 hex, a 32-hex auth token.
TWILIO_SID = "AC" + "0123456789abcdef" * 2
TWILIO_TOKEN = "f" * 32
TWILIO_WRONG_TOKEN = "0" * 32  # the fake's «wrong key»: Twilio answers 401, code 20003


def new_context(browser: Any, cloud: Any) -> BrowserContext:
    context: BrowserContext = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow", base_url=cloud.url,
                                                  viewport={"width": 1400, "height": 1000})
    return context


def open_confirmation_letter(page: Page, cloud: Any, email: str) -> None:
    """The letter as the mailbox shows it (its HTML in /_local/mailbox/<id>/html), and its link clicked."""
    letters: list[dict[str, Any]] = []
    for _ in range(50):
        letters = mails(cloud, email)
        if letters:
            break
        page.wait_for_timeout(200)
    assert letters, f"no confirmation letter to {email}"
    page.goto(f"/_local/mailbox/{quote(letters[-1]['id'])}/html")
    page.locator("a[href*='/app/confirm?token=']").first.click()


def png(color: tuple[int, int, int], size: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def workspace_of_a_new_customer(cloud: Any, tag: str) -> tuple[str, str, str]:
    """A customer of its own on a Fast Lead trial with one workspace (through the API): (e-mail, org, workspace)."""
    email = f"{tag}.{secrets.token_hex(3)}@example.com"
    owner, org = new_customer(cloud, email, f"ООО «{tag}»")
    trial = owner.post(f"/api/app/orgs/{org}/billing/subscriptions", {"plan": "fastlead_pro"})
    assert trial.status_code == 201, trial.text
    created = owner.post(f"/api/app/orgs/{org}/workspaces", {"name": "Окна Москва", "domain": "okna.example.ru"})
    assert created.status_code == 201, created.text
    return email, org, created.json()["id"]


def signed_in_on_a_tab(browser: Any, cloud: Any, tag: str, tab: str,
                       path: str) -> tuple[BrowserContext, Page, str, str]:
    """A new customer's owner signed in, on one of the workspace's tabs: (context, page, org, workspace)."""
    email, org, workspace = workspace_of_a_new_customer(cloud, tag)
    context = new_context(browser, cloud)
    page = context.new_page()
    page.goto(f"/app/fastlead/{workspace}/leads")
    sign_in(page, email, PASSWORD)
    close_tour_if_shown(page)
    page.get_by_role("tab", name=tab).click()
    expect(page).to_have_url(re.compile(rf"/app/fastlead/{workspace}/{path}"))
    return context, page, org, workspace


def org_of(page: Page) -> str:
    return str(page.request.get("/api/auth/me").json()["current"]["org_id"])


def connect_twilio(page: Page, auth_token: str, notify_phone: str, account_sid: str = TWILIO_SID) -> Any:
    """«Каналы» → SMS (Twilio) → «Подключить», the credentials in; answers the dialog after «Подключить и проверить»."""
    card = page.get_by_role("region", name="SMS (Twilio)")
    card.get_by_role("button", name="Подключить").click()
    dialog = page.get_by_role("dialog", name="Подключить SMS (Twilio)")
    dialog.get_by_label("Account SID").fill(account_sid)
    dialog.get_by_label("Auth Token").fill(auth_token)
    dialog.get_by_label("Номер отправителя").fill("+15005550006")
    dialog.get_by_label("Телефон для уведомлений").fill(notify_phone)
    dialog.get_by_role("button", name="Подключить и проверить").click()
    return dialog


def test_scenario_1_sign_up_from_the_landing_walk_the_onboarding_and_get_the_snippet(cloud: Any, browser: Any) -> None:
    email = f"scenario1.{secrets.token_hex(3)}@example.com"
    context = new_context(browser, cloud)
    page = context.new_page()

    # 1–2: the landing, «Попробовать бесплатно»
    page.goto("/")
    page.get_by_role("link", name="Попробовать бесплатно").first.click()
    expect(page).to_have_url(re.compile(r"/app/signup"))
    # 3: sign up with an e-mail
    sign_up(page, "Ирина Первая", "ООО «Окна Москва»", email, PASSWORD)
    # 4: the letter's link (criterion 1), then sign in: the wizard opens (criterion 2)
    open_confirmation_letter(page, cloud, email)
    expect(page.get_by_text("Адрес подтверждён")).to_be_visible()
    page.get_by_role("link", name="Войти").click()
    sign_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/app/onboarding$"))
    expect(page.get_by_role("heading", name="Настройка Fast Lead")).to_be_visible()

    # 5: the wizard (criterion 3). A new organization has no plan: the 14-day trial the landing promises is
    # offered up front in the first step
    page.locator("[data-plan=fastlead_pro]").get_by_role("button", name="Попробовать бесплатно (14 дн.)").click()
    expect(page.get_by_text("Пробный период начался")).to_be_visible()
    expect(page.locator("[data-plan=fastlead_pro]")).to_have_count(0)
    page.get_by_label("Название").fill("Окна Москва")
    page.get_by_label("Домен сайта").fill("okna.example.ru")
    page.get_by_role("button", name="Создать").click()

    # widget basics: the greeting shows in the live preview, then saved and published at once
    greeting = "Здравствуйте! Рассчитаем окна за 5 минут."
    page.get_by_label("Приветствие").fill(greeting)
    preview = page.get_by_test_id("widget-preview")
    expect(preview.locator(".greeting p")).to_have_text(greeting)
    page.get_by_role("button", name="Сохранить и опубликовать").click()

    # one channel, connected and tested on its page (the Twilio fake), then back to the wizard
    page.get_by_role("link", name="Подключите канал").click()
    expect(page).to_have_url(re.compile(r"/app/fastlead/ws_[^/]+/channels"))
    workspace = re.search(r"/app/fastlead/(ws_[^/]+)/", page.url).group(1)  # type: ignore[union-attr]
    close_tour_if_shown(page)
    phone = a_phone()
    connect_twilio(page, TWILIO_TOKEN, phone)
    expect(page.get_by_role("region", name="SMS (Twilio)").get_by_text("Подключён", exact=True)).to_be_visible()
    assert len(twilio_messages_to(cloud, phone)) == 1  # the connection's test SMS reached Twilio (the fake)
    page.goto("/app/onboarding")
    page.get_by_role("button", name="Канал подключён и проверен").click()

    # calendar: skipped (it may be connected later)
    expect(page.get_by_role("link", name="Подключить Cal.com")).to_be_visible()
    page.get_by_role("button", name="Пропустить шаг").click()

    # 6: the snippet (criterion 4): the async loader with this workspace's widget and the script's URL
    snippet = page.get_by_test_id("onboarding-snippet")
    expect(snippet).to_be_visible()
    widget = page.request.get(f"/api/app/orgs/{org_of(page)}/workspaces/{workspace}/widget").json()
    text = snippet.inner_text()
    assert "s.async=true" in text and f'"{widget["widget_id"]}"' in text, text
    assert re.search(rf'"{re.escape(cloud.url)}/widget/[^"]+\.js"', text), text
    page.get_by_role("button", name="Код скопирован").click()

    # the test on a demo page: the published widget there, this origin allowed for the test, a lead sent
    with context.expect_page() as opened:
        page.get_by_role("link", name="Открыть демо-страницу").click()
    demo = opened.value
    demo.get_by_role("button", name="Разрешить для проверки").click()
    expect(demo.get_by_role("button", name="Разрешить для проверки")).to_have_count(0)
    demo.get_by_role("button", name="Оставить заявку").click()
    dialog = demo.get_by_role("dialog")
    expect(dialog.get_by_text(greeting)).to_be_visible()
    dialog.get_by_role("textbox", name="Имя").fill("Тестовый Посетитель")
    dialog.get_by_role("textbox", name="Телефон").fill("+7 916 555-00-11")
    dialog.get_by_role("checkbox").check()
    demo.wait_for_timeout(2100)  # a form sent sooner after opening is taken for a bot's
    dialog.get_by_role("button", name="Отправить").click()
    expect(dialog.get_by_text("Спасибо! Заявка отправлена").first).to_be_visible()
    demo.close()
    page.get_by_role("button", name="Заявка пришла — завершить").click()
    expect(page.get_by_text("Всё готово")).to_be_visible()

    # the widget is configured: its published config on the CDN path carries the greeting
    assert widget["config_url"].startswith(f"{cloud.url}/widgets/"), widget["config_url"]
    published = httpx.get(widget["config_url"], timeout=30)
    assert published.status_code == 200, published.text
    assert published.json()["widget_id"] == widget["widget_id"]
    assert published.json()["texts"]["greeting"] == greeting
    page.get_by_role("button", name="К лидам").click()
    close_tour_if_shown(page)
    expect(page.get_by_role("row", name=re.compile("Тестовый Посетитель"))).to_be_visible()
    context.close()


def test_scenario_2_widget_settings_colour_logo_greeting_preview_and_publish(cloud: Any, browser: Any) -> None:
    # 1–2: sign in, the «Виджет» tab
    context, page, org, workspace = signed_in_on_a_tab(browser, cloud, "scenario2", "Виджет", "widget")
    preview = page.get_by_test_id("widget-preview")
    expect(preview.locator(".greeting p")).to_be_visible()

    # 4: a logo, a real PNG uploaded to storage; the server saves it as a new version
    look = page.locator(".ant-card", has_text="Внешний вид")
    look.locator(".ant-form-item", has_text="Ссылка на логотип").locator("input[type=file]").set_input_files(
        files=FilePayload(name="logo.png", mimeType="image/png", buffer=png((200, 30, 30))))
    expect(page.get_by_text(re.compile(r"Изображение сохранено: версия \d+"))).to_be_visible()
    logo_url = page.get_by_label("Ссылка на логотип").input_value()
    assert logo_url.startswith(f"{cloud.url}/widgets/"), logo_url

    # 3: the colour, typed into the picker's hex field
    look.locator(".ant-form-item", has_text="Основной цвет").locator(".ant-color-picker-trigger").click()
    hex_input = page.locator(".ant-color-picker-hex-input input:visible")
    hex_input.fill("1A7F37")
    hex_input.press("Enter")
    page.keyboard.press("Escape")
    expect(look.locator(".ant-form-item", has_text="Основной цвет")).to_contain_text(re.compile("1a7f37", re.I))

    # 5: the greeting
    greeting = "Добрый день! Подберём окна и пришлём расчёт."
    page.get_by_label("Приветствие").fill(greeting)

    # 7: the live preview follows the form before anything is saved: greeting, colour, logo
    expect(preview.locator(".greeting p")).to_have_text(greeting)
    expect(preview.locator(".head")).to_have_css("background-color", "rgb(26, 127, 55)")
    logo = preview.locator(".head img")
    expect(logo).to_have_attribute("src", logo_url)
    page.wait_for_function("el => el.complete && el.naturalWidth === 48", arg=logo.element_handle())

    # 6: save, then publish
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text(re.compile(r"Сохранено: версия № \d+"))).to_be_visible()
    # saved is not yet live: visitors get the published config, which does not have the new greeting yet
    config_url = page.request.get(f"/api/app/orgs/{org}/workspaces/{workspace}/widget").json()["config_url"]
    before = httpx.get(config_url, timeout=30)
    # never published here: no object yet, which the bucket (no ListBucket for the CDN) answers with 403
    assert before.status_code in (403, 404) or before.json()["texts"].get("greeting") != greeting, before.text
    page.get_by_role("button", name="Опубликовать", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text(re.compile(r"Опубликована версия № \d+"))).to_be_visible()
    expect(preview.locator(".greeting p")).to_have_text(greeting)  # the saved values stay in the preview

    # the published config on the CDN path carries them
    widget = page.request.get(f"/api/app/orgs/{org}/workspaces/{workspace}/widget").json()
    assert widget["published_version"] == widget["version"]
    config = httpx.get(widget["config_url"], timeout=30).json()
    assert config["version"] == widget["version"]
    assert config["colors"]["primary"].lower() == "#1a7f37"
    assert config["texts"]["greeting"] == greeting
    assert config["logo_url"] == logo_url
    image = httpx.get(logo_url, timeout=30)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size == (48, 48)
    context.close()


def test_scenario_3_sms_through_twilio_a_wrong_key_is_refused_then_connected(cloud: Any, browser: Any) -> None:
    # 1: «Каналы»
    context, page, org, workspace = signed_in_on_a_tab(browser, cloud, "scenario3", "Каналы", "channels")
    card = page.get_by_role("region", name="SMS (Twilio)")
    expect(card.get_by_text("Отключён", exact=True)).to_be_visible()

    # a wrong key: Twilio's refusal in Russian, the dialog stays open, nothing stored, the channel not active
    phone = a_phone()
    dialog = connect_twilio(page, TWILIO_WRONG_TOKEN, phone)
    refusal = dialog.get_by_role("alert")
    expect(refusal).to_contain_text("Проверка канала не прошла: Twilio не принял ключ доступа")
    expect(refusal).to_contain_text("Ничего не сохранено")
    dialog.get_by_role("button", name="Отмена").click()
    expect(card.get_by_text("Отключён", exact=True)).to_be_visible()
    channels = page.request.get(f"/api/app/orgs/{org}/workspaces/{workspace}/channels").json()["items"]
    assert [c for c in channels if c["type"] == "twilio"] == []

    # 2–4: SMS (Twilio), the right key, «Подключить и проверить»: the fake received the test SMS
    assert twilio_messages_to(cloud, phone) == []
    connect_twilio(page, TWILIO_TOKEN, phone)
    expect(page.get_by_text("SMS (Twilio) подключён: тестовое сообщение отправлено.")).to_be_visible()
    # 5: «Подключён», the token shown only masked
    expect(card.get_by_text("Подключён", exact=True)).to_be_visible()
    expect(card).not_to_contain_text(TWILIO_TOKEN)
    # «Проверить подключение» again: a second test SMS
    card.get_by_role("button", name="Проверить подключение").click()
    expect(page.get_by_text("SMS (Twilio): проверка прошла, тестовое сообщение отправлено.")).to_be_visible()
    expect(card.get_by_text("Подключён", exact=True)).to_be_visible()
    assert len(twilio_messages_to(cloud, phone)) == 2  # the connection's test and the second one
    context.close()


def a_phone() -> str:
    """A Moscow mobile of this test's own: the Twilio fake's record of sent messages is shared."""
    return f"+7916{secrets.randbelow(10**7):07d}"


def twilio_messages_to(cloud: Any, phone: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{cloud.url}/_local/providers?format=json", timeout=30).json()
    return [m for m in answer["messages"] if m["provider"] == "twilio" and m["to"] == phone]
