"""Notification preferences in a real browser (Debian's chromium) against the local cloud: the demo admin
sets a Slack webhook in their own preferences; afterwards the page (and the API behind it) shows only
the webhook's hint, never the URL, the field stays empty, and a test message reaches the local Slack
recorder through the saved webhook."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import demo_admin_code
from tests.e2e.test_identity_browser import DEMO_PASSWORD, sign_in

expect.set_options(timeout=20_000)

TEAM, CHANNEL, SECRET = "TE2ENOTIFY", "BE2ENOTIFY", "e2eSecretWebhookPart9xk7"
WEBHOOK = f"https://hooks.slack.com/services/{TEAM}/{CHANNEL}/{SECRET}"


def slack_messages(cloud: Any) -> list[dict[str, Any]]:
    messages = httpx.get(f"{cloud.url}/_local/chats?format=json").json()["messages"]
    return [m for m in messages if m["channel"] == "slack" and m["to"] == f"{TEAM}/{CHANNEL}"]


def test_admin_sets_a_slack_webhook_and_sees_only_its_hint_afterwards(cloud: Any, page: Page) -> None:
    page.goto(f"{cloud.url}/console/notifications")
    sign_in(page, "admin@tessera.local", DEMO_PASSWORD)
    page.get_by_label("Код из приложения").fill(demo_admin_code(cloud))
    page.get_by_role("button", name="Подтвердить").click()
    expect(page).to_have_url(re.compile(r"/console/notifications"))
    expect(page.get_by_role("tab", name="Мои настройки")).to_be_visible()

    # Slack on without a webhook is refused by the form, before anything is sent.
    page.get_by_role("switch", name="Присылать в Slack").click()
    page.get_by_role("button", name="Сохранить", exact=True).click()
    expect(page.get_by_text("Нужно, пока канал включён").first).to_be_visible()

    webhook = page.get_by_label("Webhook URL")
    webhook.fill(WEBHOOK)
    page.get_by_role("button", name="Сохранить", exact=True).click()
    dialog = page.get_by_role("dialog")  # only when a webhook was stored before (a re-run on the same cloud)
    if dialog.is_visible():
        dialog.get_by_role("button", name="Сохранить").click()
    hint = f"Сохранён: ••••{SECRET[-4:]}"
    expect(page.get_by_text(hint)).to_be_visible()
    expect(page.get_by_text("Настройки уведомлений сохранены")).to_be_visible()
    expect(webhook).to_have_value("")
    assert WEBHOOK not in page.content()

    # After a reload: the hint again, an empty field, and no URL in the page or in the API's answer.
    page.reload()
    expect(page.get_by_text(hint)).to_be_visible()
    expect(page.get_by_label("Webhook URL")).to_have_value("")
    expect(page.get_by_role("switch", name="Присылать в Slack")).to_be_checked()
    assert WEBHOOK not in page.content() and SECRET not in page.content()
    answer = page.request.get(f"{cloud.url}/api/console/notifications/preferences")
    assert answer.ok, answer.text()
    assert answer.json()["slack"] == {"enabled": True, "configured": True, "webhook_hint": f"••••{SECRET[-4:]}"}
    assert SECRET not in answer.text()

    # The test message goes out over the saved webhook (to the local Slack recorder).
    before = len(slack_messages(cloud))
    page.get_by_role("button", name="Отправить тест: Slack").click()
    expect(page.get_by_text(re.compile("Тестовое сообщение отправлено"))).to_be_visible()
    assert len(slack_messages(cloud)) == before + 1

    # The delivery log lists it, the recipient masked.
    page.get_by_role("tab", name="Журнал доставки").click()
    row = page.locator("tr", has_text="Тестовое сообщение").filter(has_text="Slack").first
    expect(row).to_be_visible()
    expect(row.get_by_text("Доставлено")).to_be_visible()
    assert SECRET not in page.content()
