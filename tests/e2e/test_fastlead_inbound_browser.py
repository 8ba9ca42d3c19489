"""A client's SMS answer end to end on the local cloud: the owner connects Twilio in the app (the fake
Twilio behind the real adapter) and finds the webhook URL on its card; a visitor sends a lead through the
widget, the new-lead SMS goes out; Twilio delivers the client's answer to that URL, signed as Twilio signs
(HMAC-SHA1 of the URL and the sorted form under the auth token), through the local API gateway; the owner
sees it on the lead's card, once, however often Twilio retries, and a forged delivery is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.e2e.test_fastlead_browser import open_demo_workspace, send_lead_from_the_demo_site
from tests.e2e.test_fastlead_scenarios_browser import connect_twilio

ACCOUNT_SID = "AC" + secrets.token_hex(16)
AUTH_TOKEN = secrets.token_hex(16)


def twilio_signed(url: str, form: dict[str, str], token: str) -> str:
    """Twilio's X-Twilio-Signature, written out here as its docs describe it (not the product's helper)."""
    text = url + "".join(f"{name}{form[name]}" for name in sorted(form))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


def deliver(url: str, form: dict[str, str], token: str = AUTH_TOKEN) -> httpx.Response:
    return httpx.post(url, data=form, headers={"X-Twilio-Signature": twilio_signed(url, form, token)}, timeout=30)


def test_a_clients_sms_answer_lands_on_the_lead_card_once(cloud: Any, browser: Any) -> None:
    page, workspace = open_demo_workspace(browser, cloud)

    page.goto(f"/app/fastlead/{workspace}/channels")
    connect_twilio(page, AUTH_TOKEN, "+79991112233", ACCOUNT_SID)
    card = page.get_by_role("region", name="SMS (Twilio)")
    answers = card.get_by_role("group", name="Ответы клиентов")
    expect(answers).to_be_visible()
    webhook_url = answers.locator("code").inner_text().strip()
    assert webhook_url == f"{cloud.url}/api/webhooks/inbound/twilio/{workspace}", webhook_url

    name = f"Ольга Отвечающая {secrets.token_hex(2)}"
    phone = f"+7916{secrets.randbelow(10_000_000):07d}"
    visitor = browser.new_context(locale="ru-RU", timezone_id="Europe/Moscow")
    send_lead_from_the_demo_site(visitor.new_page(), cloud.demo_site_url, name, phone, "Сколько стоит внедрение?")
    visitor.close()
    # the table's stream tells Twilio's notify phone of the lead, having kept its phone for the answers
    deadline = time.monotonic() + 60
    while not any(m["provider"] == "twilio" and name in m["text"]
                  for m in httpx.get(f"{cloud.url}/_local/providers", timeout=10).json()["messages"]):
        assert time.monotonic() < deadline, "the new lead never reached Twilio"
        time.sleep(1)

    sid = "SM" + secrets.token_hex(16)
    sms = {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
           "Body": "Удобно созвониться завтра в 11", "To": "+15005550006", "NumSegments": "1", "MessageSid": sid,
           "AccountSid": ACCOUNT_SID, "From": phone, "ApiVersion": "2010-04-01"}
    forged = deliver(webhook_url, {**sms, "Body": "Подделка"}, token="f" * 32)
    assert forged.status_code == 401 and forged.headers["content-type"].startswith("application/problem+json")
    first = deliver(webhook_url, sms)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/xml") and "<Response></Response>" in first.text
    assert deliver(webhook_url, sms).status_code == 200  # Twilio's retry

    page.goto(f"/app/fastlead/{workspace}/leads")
    page.get_by_label("Поиск").fill(name.split()[-1])
    page.get_by_role("row", name=re.compile(name)).click()
    expect(page.get_by_text(f"Ответ клиента: SMS (Twilio) ← {phone}")).to_have_count(1)
    expect(page.get_by_text("Удобно созвониться завтра в 11")).to_have_count(1)
    expect(page.get_by_text("Подделка")).to_have_count(0)
    page.context.close()
