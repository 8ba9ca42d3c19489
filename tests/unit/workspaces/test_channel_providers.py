"""Each channel adapter's request as its provider documents it (captured by httpx.MockTransport), the
mapping of the providers' refusals to reasons, and Cal.com's event types and webhook signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from tessera.workspaces.channels import calcom
from tessera.workspaces.channels.providers import (
    Connection,
    MaxProvider,
    ProviderError,
    SesProvider,
    SmscProvider,
    TelegramProvider,
    TwilioProvider,
    WhatsAppProvider,
)

TOKEN = "123456789:AAFakeTokenForUnitTestsOnly_abcdefgh"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A transport that answers with `answer` and keeps every request."""

    def __init__(self, answer: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def answering(status: int, body: Any) -> Recorder:
    return Recorder(lambda _: httpx.Response(status, json=body))


def form_of(request: httpx.Request) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request.content.decode()).items()}


# --- Telegram --------------------------------------------------------------------------------------

def test_telegram_checks_with_getme_and_sends_json_to_the_bot_path() -> None:
    seen = Recorder(lambda r: httpx.Response(200, json={"ok": True, "result": (
        {"id": 1, "is_bot": True, "username": "okna_bot"} if r.url.path.endswith("/getMe") else {"message_id": 42})}))
    adapter = TelegramProvider("https://api.telegram.org", seen.transport)
    connection = Connection("telegram", {"bot_token": TOKEN}, {"chat_id": "-100200"})
    assert adapter.check(connection) == "@okna_bot"
    assert adapter.send(connection, "-100200", "Новая заявка") == "42"
    get_me, send = seen.requests
    assert get_me.url.path == f"/bot{TOKEN}/getMe"
    assert send.method == "POST" and send.url.path == f"/bot{TOKEN}/sendMessage"
    assert json.loads(send.content) == {"chat_id": -100200, "text": "Новая заявка", "disable_web_page_preview": True}


@pytest.mark.parametrize(("status", "reason"), [(401, "unauthorized"), (404, "unauthorized"), (400, "bad_address"),
                                                (403, "bad_address"), (429, "unavailable"), (502, "unavailable")])
def test_telegram_refusals_map_to_reasons_with_the_description(status: int, reason: str) -> None:
    seen = answering(status, {"ok": False, "error_code": status, "description": "Bad Request: chat not found"})
    with pytest.raises(ProviderError) as raised:
        TelegramProvider("https://api.telegram.org", seen.transport).send(
            Connection("telegram", {"bot_token": TOKEN}), "@okna", "x")
    assert raised.value.reason == reason and raised.value.detail == "Bad Request: chat not found"
    assert TOKEN not in str(raised.value)


def test_a_network_failure_is_unavailable_without_the_url() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with pytest.raises(ProviderError) as raised:
        TelegramProvider("https://api.telegram.org", httpx.MockTransport(fail)).check(
            Connection("telegram", {"bot_token": TOKEN}))
    assert raised.value.reason == "unavailable" and raised.value.detail == "network error: ConnectTimeout"


# --- SMSC.ru ---------------------------------------------------------------------------------------

def test_smsc_posts_the_send_form_with_fmt_3_and_utf8() -> None:
    seen = answering(200, {"id": 7, "cnt": 1})
    connection = Connection("smsc", {"login": "okna", "password": "s3cret"}, {"sender": "OKNA"})
    assert SmscProvider("https://smsc.ru", seen.transport).send(connection, "+79161234567", "Здравствуйте") == "7"
    (request,) = seen.requests
    assert request.method == "POST" and request.url.path == "/sys/send.php"
    assert form_of(request) == {"login": "okna", "psw": "s3cret", "phones": "+79161234567", "mes": "Здравствуйте",
                                "fmt": "3", "charset": "utf-8", "sender": "OKNA"}


@pytest.mark.parametrize(("code", "reason"), [(2, "unauthorized"), (3, "rejected"), (7, "bad_address"),
                                              (8, "bad_address"), (9, "unavailable")])
def test_smsc_error_codes_map_to_reasons(code: int, reason: str) -> None:
    seen = answering(200, {"error": "some error", "error_code": code})
    with pytest.raises(ProviderError) as raised:
        SmscProvider("https://smsc.ru", seen.transport).send(
            Connection("smsc", {"login": "okna", "password": "s3cret"}), "+79161234567", "x")
    assert raised.value.reason == reason and raised.value.detail == f"some error (code {code})"


# --- Twilio ----------------------------------------------------------------------------------------

SID, AUTH = "AC" + "a" * 32, "b" * 32


def test_twilio_posts_a_form_with_basic_auth() -> None:
    seen = answering(201, {"sid": "SM123", "status": "queued"})
    connection = Connection("twilio", {"account_sid": SID, "auth_token": AUTH}, {"from_number": "+15557654321"})
    assert TwilioProvider("https://api.twilio.com", seen.transport).send(connection, "+79161234567", "Hi") == "SM123"
    (request,) = seen.requests
    assert request.url.path == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(f"{SID}:{AUTH}".encode()).decode()
    assert form_of(request) == {"To": "+79161234567", "From": "+15557654321", "Body": "Hi"}
    service = Connection("twilio", {"account_sid": SID, "auth_token": AUTH}, {"from_number": "MG" + "c" * 32})
    assert "MessagingServiceSid" in TwilioProvider.form(service, "+7916", "Hi")


@pytest.mark.parametrize(("status", "code", "reason"), [(401, 20003, "unauthorized"), (400, 21211, "bad_address"),
                                                        (400, 21602, "rejected"), (429, 20429, "unavailable")])
def test_twilio_errors_map_to_reasons(status: int, code: int, reason: str) -> None:
    seen = answering(status, {"code": code, "message": "Twilio says no", "status": status})
    with pytest.raises(ProviderError) as raised:
        TwilioProvider("https://api.twilio.com", seen.transport).send(
            Connection("twilio", {"account_sid": SID, "auth_token": AUTH}, {"from_number": "+1555"}), "+7916", "x")
    assert raised.value.reason == reason and raised.value.detail == f"Twilio says no (code {code})"


# --- WhatsApp Cloud API ------------------------------------------------------------------------------

def test_whatsapp_sends_a_text_message_to_the_phone_number_id_with_a_bearer_token() -> None:
    seen = Recorder(lambda r: httpx.Response(200, json=(
        {"display_phone_number": "+7 495 123-45-67"} if r.method == "GET" else
        {"messaging_product": "whatsapp", "messages": [{"id": "wamid.X"}]})))
    adapter = WhatsAppProvider("https://graph.facebook.com/v21.0", seen.transport)
    connection = Connection("whatsapp", {"access_token": "EAAGtoken"}, {"phone_number_id": "1098765"})
    assert adapter.check(connection) == "+7 495 123-45-67"
    assert adapter.send(connection, "+79161234567", "Здравствуйте") == "wamid.X"
    check, send = seen.requests
    assert check.url.path == "/v21.0/1098765" and check.url.params["fields"] == "display_phone_number,verified_name"
    assert send.url.path == "/v21.0/1098765/messages" and send.headers["authorization"] == "Bearer EAAGtoken"
    assert json.loads(send.content) == {"messaging_product": "whatsapp", "recipient_type": "individual",
                                        "to": "79161234567", "type": "text",
                                        "text": {"preview_url": False, "body": "Здравствуйте"}}


@pytest.mark.parametrize(("status", "code", "reason"), [(401, 190, "unauthorized"), (400, 131047, "rejected"),
                                                        (400, 131026, "bad_address"), (400, 130429, "unavailable")])
def test_whatsapp_graph_errors_map_to_reasons(status: int, code: int, reason: str) -> None:
    seen = answering(status, {"error": {"message": "Graph says no", "type": "OAuthException", "code": code}})
    with pytest.raises(ProviderError) as raised:
        WhatsAppProvider("https://graph.facebook.com/v21.0", seen.transport).send(
            Connection("whatsapp", {"access_token": "EAAG"}, {"phone_number_id": "1"}), "+7916", "x")
    assert raised.value.reason == reason and raised.value.detail == f"Graph says no (code {code})"


# --- MAX -------------------------------------------------------------------------------------------

def test_max_puts_the_token_in_the_authorization_header_and_the_chat_in_the_query() -> None:
    seen = Recorder(lambda r: httpx.Response(200, json=(
        {"user_id": 5, "name": "Окна", "username": "okna_bot"} if r.url.path == "/me" else
        {"message": {"body": {"mid": "mid.1", "text": "x"}}})))
    adapter = MaxProvider("https://platform-api.max.ru", seen.transport)
    connection = Connection("max", {"bot_token": "maxtoken123"}, {"chat_id": "-7001"})
    assert adapter.check(connection) == "@okna_bot"
    assert adapter.send(connection, "-7001", "Новая заявка") == "mid.1"
    me, send = seen.requests
    assert me.method == "GET" and me.headers["authorization"] == "maxtoken123" and "access_token" not in str(me.url)
    assert send.url.path == "/messages" and send.url.params["chat_id"] == "-7001"
    assert json.loads(send.content) == {"text": "Новая заявка"}


@pytest.mark.parametrize(("status", "reason"), [(401, "unauthorized"), (404, "bad_address"), (400, "rejected"),
                                                (503, "unavailable")])
def test_max_errors_map_to_reasons(status: int, reason: str) -> None:
    seen = answering(status, {"code": "some.code", "message": "MAX says no"})
    with pytest.raises(ProviderError) as raised:
        MaxProvider("https://platform-api.max.ru", seen.transport).send(
            Connection("max", {"bot_token": "t" * 12}), "1", "x")
    assert raised.value.reason == reason and raised.value.detail == "MAX says no"


# --- SES -------------------------------------------------------------------------------------------

class FakeSes:
    def __init__(self, error: str | None = None) -> None:
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def send_email(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(kwargs)
        if self.error:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": self.error, "Message": "no"}}, "SendEmail")
        return {"MessageId": "ses-1"}


def test_ses_sends_text_from_the_platform_sender_with_the_workspace_name(monkeypatch: pytest.MonkeyPatch) -> None:
    from tessera.core.settings import get_settings

    monkeypatch.setenv("SES_SENDER", "no-reply@tessera.example")
    get_settings.cache_clear()
    ses = FakeSes()
    connection = Connection("email", {}, {"sender_name": "Окна Москва", "notify_email": "boss@okna.ru"})
    assert SesProvider(ses).send(connection, "ivan@example.ru", "Здравствуйте") == "ses-1"
    (call,) = ses.calls
    assert call["Source"] == "=?utf-8?b?0J7QutC90LAg0JzQvtGB0LrQstCw?= <no-reply@tessera.example>"
    assert call["Destination"] == {"ToAddresses": ["ivan@example.ru"]}
    assert call["Message"]["Body"]["Text"]["Data"] == "Здравствуйте"
    with pytest.raises(ProviderError) as raised:
        SesProvider(FakeSes("MessageRejected")).send(connection, "ivan@example.ru", "x")
    assert raised.value.reason == "rejected" and raised.value.detail == "MessageRejected: no"
    get_settings.cache_clear()


# --- Cal.com ---------------------------------------------------------------------------------------

def test_calcom_lists_event_types_with_the_documented_headers() -> None:
    seen = answering(200, {"status": "success", "data": [{"id": 1, "slug": "call", "title": "Звонок",
                                                          "lengthInMinutes": 15}]})
    assert calcom.CalcomClient("https://api.cal.com", seen.transport).event_types("cal_live_abc") == [
        {"id": 1, "slug": "call", "title": "Звонок", "length": 15}]
    (request,) = seen.requests
    assert request.url.path == "/v2/event-types"
    assert request.headers["authorization"] == "Bearer cal_live_abc"
    assert request.headers["cal-api-version"] == "2024-06-14"


def test_calcom_refusing_the_key_is_unauthorized() -> None:
    seen = answering(401, {"status": "error", "error": {"code": "UnauthorizedException", "message": "Invalid API Key"}})
    with pytest.raises(ProviderError) as raised:
        calcom.CalcomClient("https://api.cal.com", seen.transport).event_types("cal_live_bad")
    assert raised.value.reason == "unauthorized" and raised.value.detail == "Invalid API Key"


def test_the_webhook_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"u1"}}'
    expected = hmac.new(b"whsec", body, hashlib.sha256).hexdigest()
    assert calcom.signature("whsec", body) == expected
    assert calcom.signature_valid("whsec", body, expected)
    assert calcom.signature_valid("whsec", body, expected.upper())
    assert not calcom.signature_valid("whsec", body + b" ", expected)
    assert not calcom.signature_valid("other", body, expected)
    assert not calcom.signature_valid("whsec", body, None)
