"""Expiry notices through the local cloud: a license ending in 31 days, the platform clock moved a day
forward, the daily schedule fires, and the T-30 notice is in the mailbox (e-mail, SES) and in the local
Telegram recorder (the customer's bot, through the real adapter and the gateway). The .lic file by e-mail
arrives as an attachment."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.e2e.test_identity_http import new_customer
from tests.e2e.test_licensing_sdk import console_admin

TOKEN = "555000111:AAe2eFakeBotTokenForTheLocalCloud123"


def platform_today(cloud: Any) -> date:
    now = datetime.fromisoformat(httpx.get(f"{cloud.url}/_local/clock?format=json").json()["now"])
    return now.astimezone(ZoneInfo("Europe/Moscow")).date()


def wait_for(probe: Any, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("not seen in time")


def mailbox(cloud: Any) -> list[dict[str, Any]]:
    return list(httpx.get(f"{cloud.url}/_local/mailbox?format=json").json()["messages"])


def test_moving_the_clock_sends_the_t30_notice_to_the_mailbox_and_telegram(cloud: Any) -> None:
    admin = console_admin(cloud)
    owner, org = new_customer(cloud, "notify.e2e@example.com", "ООО «Уведомления»")
    ends_on = platform_today(cloud) + timedelta(days=31)
    issued = admin.post("/api/console/licenses", {"org_id": org, "plan": "basic", "starts_on": "2026-01-01",
                                                  "ends_on": ends_on.isoformat(), "domain": "budget.notify.ru"})
    assert issued.status_code == 201, issued.text
    license_id = issued.json()["license"]["id"]
    prefs = owner.http.put(f"/api/app/orgs/{org}/notifications/preferences", json={
        "events": ["license.expiry", "license.limit"], "email": {"enabled": True},
        "telegram": {"enabled": True, "chat_id": "-100555", "bot_token": TOKEN}},
        headers=owner._csrf())
    assert prefs.status_code == 200, prefs.text
    assert TOKEN not in prefs.text

    # The .lic file by e-mail, right away.
    sent = admin.post(f"/api/console/licenses/{license_id}/send", {})
    assert sent.status_code == 200, sent.text
    file_mail = wait_for(lambda: [m for m in mailbox(cloud) if "notify.e2e@example.com" in m["to"]
                                  and license_id in m["subject"] and m["attachments"]])
    assert file_mail[0]["attachments"] == [f"{license_id}-v1.lic"]

    moved = httpx.post(f"{cloud.url}/_local/clock", data={"action": "advance", "seconds": str(86400 + 600)},
                       headers={"origin": cloud.url}, follow_redirects=False)
    assert moved.status_code == 303  # the daily schedule's occurrence in the skipped day fires once
    subject = f"Лицензия {license_id} истекает через 30 дней"
    notices = wait_for(lambda: [m for m in mailbox(cloud) if m["subject"] == subject])
    assert notices[0]["to"] == ["notify.e2e@example.com"]
    chats = wait_for(lambda: [m for m in httpx.get(f"{cloud.url}/_local/chats?format=json").json()["messages"]
                              if license_id in m["text"]])
    assert chats[0]["channel"] == "telegram" and chats[0]["to"] == "-100555" and TOKEN not in str(chats)

    # Firing the schedule again (a retried run) sends nothing more.
    fired = httpx.post(f"{cloud.url}/_local/resources/fire", data={"schedule": "NotifyExpiryScanFunction.Daily"},
                       headers={"origin": cloud.url}, follow_redirects=False)
    assert fired.status_code == 303
    time.sleep(3)
    assert len([m for m in mailbox(cloud) if m["subject"] == subject]) == 1
    assert "Telegram &amp; Slack" in httpx.get(f"{cloud.url}/_local/chats").text
