"""The inbound webhooks' signatures against known vectors, and what is read from each provider's payload."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest

from tessera.core.errors import BadRequest
from tessera.workspaces.channels.inbound import (
    hub_signature,
    hub_signature_valid,
    twilio_message,
    twilio_signature,
    twilio_signature_valid,
    whatsapp_messages,
)

# Twilio's worked example ("Webhooks security"): auth token 12345, this URL and these POST parameters
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
                 ("From", "+12349013030"), ("To", "+18005551212")]


def test_twilio_signature_matches_twilios_published_example() -> None:
    assert twilio_signature("12345", TWILIO_URL, TWILIO_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    shuffled = list(reversed(TWILIO_PARAMS))  # the order of the form does not matter: the names are sorted
    assert twilio_signature_valid("12345", TWILIO_URL, shuffled, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


@pytest.mark.parametrize(("token", "url", "params", "header"), [
    ("12345", TWILIO_URL, [*TWILIO_PARAMS[:2], ("Digits", "9999"), *TWILIO_PARAMS[3:]], "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
    ("12345", "https://mycompany.com/myapp.php", TWILIO_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
    ("54321", TWILIO_URL, TWILIO_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="),
    ("12345", TWILIO_URL, TWILIO_PARAMS, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"),
    ("12345", TWILIO_URL, TWILIO_PARAMS, ""),
    ("12345", TWILIO_URL, TWILIO_PARAMS, None),
])
def test_twilio_signature_refuses_any_change(token: str, url: str, params: list[tuple[str, str]],
                                             header: str | None) -> None:
    assert not twilio_signature_valid(token, url, params, header)


def test_hub_signature_is_hmac_sha256_of_the_raw_body() -> None:
    raw = b'{"object":"whatsapp_business_account","entry":[]}'
    secret = "0123456789abcdef0123456789abcdef"
    # computed with `openssl dgst -sha256 -hmac <secret>`
    expected = "sha256=eefab58106e73358686845848feb95c56372e7391b3dc050b6a31c8c5f347ece"
    assert hub_signature(secret, raw) == expected
    assert hub_signature_valid(secret, raw, expected)
    assert hub_signature_valid(secret, raw, "sha256=" + expected.removeprefix("sha256=").upper())
    assert not hub_signature_valid(secret, raw + b" ", expected)
    assert not hub_signature_valid("f" * 32, raw, expected)
    assert not hub_signature_valid(secret, raw, expected.removeprefix("sha256="))
    assert not hub_signature_valid(secret, raw, None)


def test_a_twilio_form_gives_the_sender_and_the_text() -> None:
    form = parse_qsl("MessageSid=SM1&From=%2B79991234567&Body=%D0%94%D0%B0+%D1%83%D0%B4%D0%BE%D0%B1%D0%BD%D0%BE"
                     "&AccountSid=AC1")
    message = twilio_message(form)
    assert (message.message_id, message.sender, message.text, message.media) == ("SM1", "+79991234567",
                                                                                 "Да удобно", None)
    assert twilio_message([("MessageSid", "SM2"), ("From", "whatsapp:+79991234567"), ("Body", ""),
                           ("NumMedia", "1")]).sender == "+79991234567"
    assert twilio_message([("MessageSid", "SM2"), ("From", "+7999"), ("NumMedia", "1")]).media == "media"
    with pytest.raises(BadRequest):
        twilio_message([("From", "+79991234567"), ("Body", "x")])


def test_whatsapp_messages_of_the_channels_number_only() -> None:
    def change(phone_number_id: str, **value: object) -> dict[str, object]:
        return {"field": "messages", "value": {"messaging_product": "whatsapp",
                                               "metadata": {"phone_number_id": phone_number_id}, **value}}

    payload = {"object": "whatsapp_business_account", "entry": [
        {"id": "1", "changes": [
            change("100", messages=[{"from": "79991234567", "id": "wamid.A", "timestamp": "1772442000",
                                     "type": "text", "text": {"body": "Привет"}},
                                    {"from": "79991234567", "id": "wamid.B", "type": "image",
                                     "image": {"id": "media-1", "mime_type": "image/jpeg"}},
                                    {"id": "wamid.no-sender", "type": "text", "text": {"body": "x"}}]),
            change("100", statuses=[{"id": "wamid.out", "status": "read"}]),
            change("200", messages=[{"from": "79990000000", "id": "wamid.C", "type": "text", "text": {"body": "x"}}]),
        ]}]}
    found = list(whatsapp_messages(payload, "100"))
    assert [(m.message_id, m.sender, m.text, m.media) for m in found] == [
        ("wamid.A", "+79991234567", "Привет", None), ("wamid.B", "+79991234567", "", "image")]
    assert found[0].sent_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with pytest.raises(BadRequest):
        list(whatsapp_messages({"object": "page", "entry": []}, "100"))
