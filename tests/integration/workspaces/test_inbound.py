"""The leads' answers on moto: Twilio's incoming SMS and WhatsApp Cloud API events delivered to the
workspace's channel webhook, signed as the providers sign them, land on the lead's timeline once; a
forged, replayed or unknown-sender delivery stores nothing; the setup (URL, verify token) is on the
channel's view."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

import boto3
import pytest

from tessera.workspaces.channels.inbound import twilio_signature
from tests.integration.stack import Answer, Client
from tests.integration.workspaces.test_channels import TWILIO, Outside, _connect, _lead_id, _stream_insert, outside  # noqa: F401
from tests.integration.workspaces.test_ingest import live  # noqa: F401  (the fixture)

APP_SECRET = "0123456789abcdef0123456789abcdef"
WHATSAPP = {"type": "whatsapp", "credentials": {"access_token": "EAAGlocalAccessToken12345", "app_secret": APP_SECRET},
            "settings": {"phone_number_id": "100200300", "notify_phone": "+79160000003"}}
LEAD_PHONE = "+79991234567"


def _timeline(live: dict[str, Any], lead_id: str) -> list[dict[str, Any]]:  # noqa: F811
    return list(live["owner"].get(f"{live['path']}/leads/{lead_id}").body["timeline"])


def _items(live: dict[str, Any], prefix: str) -> list[dict[str, Any]]:  # noqa: F811
    table = boto3.resource("dynamodb").Table(live["stack"].ids["WorkspacesTable"])
    answer = table.query(KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
                         ExpressionAttributeValues={":pk": f"WS#{live['workspace_id']}", ":sk": prefix})
    return list(answer["Items"])


def _sms(url: str, auth_token: str, *, sid: str, sender: str = LEAD_PHONE, text: str = "Да, завтра в 10 удобно",
         account: str = TWILIO["credentials"]["account_sid"], signature: str | None = None) -> Answer:
    """Twilio's request for an incoming SMS: a form POST to the URL set in the console, signed."""
    form = [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid), ("SmsStatus", "received"),
            ("Body", text), ("To", "+15557654321"), ("NumSegments", "1"), ("MessageSid", sid),
            ("AccountSid", account), ("From", sender), ("ApiVersion", "2010-04-01")]
    signed = signature if signature is not None else twilio_signature(auth_token, url, form)
    return Client().call("POST", urlsplit(url).path, raw_body=urlencode(form).encode(),
                         headers={"content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signed,
                                  "i-twilio-idempotency-token": sid})


def test_a_twilio_sms_from_the_lead_lands_on_its_latest_lead_once(live: dict[str, Any], outside: Outside,  # noqa: F811
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    connected = _connect(live, TWILIO)
    assert connected.status == 201, connected.body
    inbound = connected.body["inbound"]
    url = inbound["webhook_url"]
    assert url.endswith(f"/api/webhooks/inbound/twilio/{live['workspace_id']}")
    assert inbound["verify_token"] is None and inbound["ready"] is True
    listed = live["owner"].get(f"{live['path']}/channels").body["items"][0]
    assert listed["inbound"]["webhook_url"] == url
    older = _lead_id(live)
    _stream_insert(live, older)
    latest = _lead_id(live, name="Иван снова")  # the same phone asks again: the newest request gets the answer
    _stream_insert(live, latest)
    token = TWILIO["credentials"]["auth_token"]

    caplog.set_level(logging.INFO)
    answer = _sms(url, token, sid="SM" + "a" * 32)
    assert answer.status == 200, answer.body
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.raw.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
    (message,) = [e for e in _timeline(live, latest) if e["kind"] == "message"]
    assert message["actor"] is None
    assert message["data"] == {"direction": "in", "channel": "twilio", "from": LEAD_PHONE,
                               "text": "Да, завтра в 10 удобно", "provider_message_id": "SM" + "a" * 32}
    assert [e["kind"] for e in _timeline(live, older)] == ["form"]
    assert "inbound message stored" in caplog.text  # the log is captured, and without the PII:
    assert LEAD_PHONE not in caplog.text and "завтра" not in caplog.text

    replayed = _sms(url, token, sid="SM" + "a" * 32)
    assert replayed.status == 200
    assert len([e for e in _timeline(live, latest) if e["kind"] == "message"]) == 1

    forged = _sms(url, "0" * 32, sid="SM" + "b" * 32)
    assert forged.status == 401 and forged.code == "inbound-signature-invalid"
    assert forged.headers["content-type"] == "application/problem+json"
    unsigned = _sms(url, token, sid="SM" + "b" * 32, signature="")
    assert unsigned.status == 401
    tampered = _sms(url, token, sid="SM" + "b" * 32, signature=twilio_signature(token, url + "?x=1", []))
    assert tampered.status == 401
    other_account = _sms(url, token, sid="SM" + "c" * 32, account="AC" + "2" * 32)  # signed, but not this account
    assert other_account.status == 401
    stranger = _sms(url, token, sid="SM" + "d" * 32, sender="+79995550000")  # no lead has this phone
    assert stranger.status == 200
    assert len(_items(live, "INMSG#")) == 1
    assert len([e for e in _timeline(live, latest) if e["kind"] == "message"]) == 1

    # another workspace's URL with this workspace's signature: that workspace has no such channel
    elsewhere = url.replace(live["workspace_id"], "ws_" + "0" * 26)
    assert _sms(elsewhere, token, sid="SM" + "e" * 32).status == 401
    assert live["owner"].call("DELETE", f"{live['path']}/channels/twilio").status == 204
    assert _sms(url, token, sid="SM" + "f" * 32).status == 401  # disconnected: refused from then on


def _event(*messages: dict[str, Any], phone_number_id: str = "100200300") -> dict[str, Any]:
    """A WhatsApp Cloud API webhook: `entry[].changes[].value.messages[]`."""
    value: dict[str, Any] = {"messaging_product": "whatsapp",
                             "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
                             "contacts": [{"profile": {"name": "Иван"}, "wa_id": m["from"]} for m in messages],
                             "messages": list(messages)}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "WABA_ID", "changes": [{"value": value, "field": "messages"}]}]}


def _text(message_id: str, sender: str, body: str) -> dict[str, Any]:
    return {"from": sender, "id": message_id, "timestamp": "1772442000", "type": "text", "text": {"body": body}}


def _post(url: str, payload: dict[str, Any], secret: str = APP_SECRET, signature: str | None = None) -> Answer:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    signed = signature if signature is not None else \
        "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return Client().call("POST", urlsplit(url).path, raw_body=raw, headers={"x-hub-signature-256": signed})


def test_whatsapp_verifies_the_subscription_and_stores_the_leads_messages_once(
        live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    connected = _connect(live, WHATSAPP)
    assert connected.status == 201, connected.body
    inbound = connected.body["inbound"]
    url, verify_token = inbound["webhook_url"], inbound["verify_token"]
    assert url.endswith(f"/api/webhooks/inbound/whatsapp/{live['workspace_id']}") and inbound["ready"] is True
    assert verify_token and len(verify_token) >= 24
    hints = connected.body["credentials_hint"]
    assert set(hints) == {"access_token", "app_secret", "verify_token"} and verify_token not in json.dumps(hints)
    shown = live["owner"].get(f"{live['path']}/channels").body["items"][0]
    assert shown["inbound"]["verify_token"] is None and verify_token not in json.dumps(shown)  # shown once

    path = urlsplit(url).path
    handshake = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": "1158201444"}
    verified = Client().get(path, query=handshake)
    assert verified.status == 200 and verified.raw == b"1158201444"
    wrong = Client().get(path, query={**handshake, "hub.verify_token": "guess"})
    assert wrong.status == 403 and wrong.code == "inbound-verify-refused"
    assert Client().get(path.replace("/whatsapp/", "/twilio/"), query=handshake).status == 422  # no handshake there

    lead_id = _lead_id(live)
    _stream_insert(live, lead_id)
    payload = _event(_text("wamid.HBgLNzk5OTEyMzQ1NjcVAgASGBQzQUI", "79991234567", "Здравствуйте, а скидка будет?"),
                     _text("wamid.HBgLNzk5OTU1NTAwMDAVAgASGBQ0Q0Q", "79995550000", "Кто это?"))
    stored = _post(url, payload)
    assert stored.status == 200, stored.body
    assert stored.body == {"received": True, "stored": 1, "duplicates": 0, "unmatched": 1}
    (message,) = [e for e in _timeline(live, lead_id) if e["kind"] == "message"]
    assert message["data"]["direction"] == "in" and message["data"]["from"] == LEAD_PHONE
    assert message["data"]["text"] == "Здравствуйте, а скидка будет?" and message["data"]["channel"] == "whatsapp"
    assert message["data"]["sent_at"].startswith("2026-03-02")

    assert _post(url, payload).body == {"received": True, "stored": 0, "duplicates": 1, "unmatched": 1}  # a retry
    receipt = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "100200300"},
               "statuses": [{"id": "wamid.out", "status": "delivered", "recipient_id": "79991234567"}]}
    statuses = {"object": "whatsapp_business_account",
                "entry": [{"id": "WABA_ID", "changes": [{"field": "messages", "value": receipt}]}]}
    assert _post(url, statuses).body["stored"] == 0  # our own messages' receipts are not messages
    other_number = _event(_text("wamid.other", "79991234567", "x"), phone_number_id="999")
    assert _post(url, other_number).body["stored"] == 0  # the app's other number: not this channel's
    forged = _post(url, _event(_text("wamid.forged", "79991234567", "подделка")), secret="f" * 32)
    assert forged.status == 401 and forged.code == "inbound-signature-invalid"
    assert _post(url, _event(_text("wamid.unsigned", "79991234567", "x")), signature="").status == 401
    assert len(_items(live, "INMSG#")) == 1
    assert len([e for e in _timeline(live, lead_id) if e["kind"] == "message"]) == 1


def test_whatsapp_without_its_app_secret_refuses_deliveries(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    no_secret = {**WHATSAPP, "credentials": {"access_token": WHATSAPP["credentials"]["access_token"]}}
    connected = _connect(live, no_secret)
    assert connected.status == 201, connected.body
    assert connected.body["inbound"]["ready"] is False
    lead_id = _lead_id(live)
    _stream_insert(live, lead_id)
    url = connected.body["inbound"]["webhook_url"]
    for secret in ("", "0" * 32):
        refused = _post(url, _event(_text("wamid.x", "79991234567", "x")), secret=secret)
        assert refused.status == 401
    assert _items(live, "INMSG#") == []
    bad = _connect(live, {**WHATSAPP, "credentials": {**WHATSAPP["credentials"], "app_secret": "not-hex"}})
    assert bad.status == 422 and bad.body["errors"][0]["loc"] == "body.credentials.app_secret"


def test_a_locked_leads_answer_is_kept_with_its_phone_and_words_withheld(
        live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    from tessera.workspaces import repository

    url = _connect(live, TWILIO).body["inbound"]["webhook_url"]
    counter = repository.month_counter(live["org_id"], "2026-03")
    counter.update(actions=[type(counter).value.set(500)])  # the plan's leads for the month are in
    lead_id = _lead_id(live)
    _stream_insert(live, lead_id)
    assert _sms(url, TWILIO["credentials"]["auth_token"], sid="SM" + "9" * 32).status == 200
    detail = live["owner"].get(f"{live['path']}/leads/{lead_id}").body
    assert detail["locked"] is True
    (message,) = [e for e in detail["timeline"] if e["kind"] == "message"]
    assert message["data"] == {"direction": "in", "channel": "twilio"}  # as the lead's own contacts are
    assert len(_items(live, "INMSG#")) == 1  # kept: an upgrade shows it
