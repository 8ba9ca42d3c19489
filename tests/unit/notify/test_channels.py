"""The channel adapters' requests and answers: Telegram Bot API sendMessage, Slack incoming webhooks,
e-mail through the mail port (SendRawEmail with the .lic attachment); never a secret in an error."""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

import pytest

from tessera.notify.channels import (
    DeliveryError,
    EmailChannel,
    MemoryChannel,
    Outgoing,
    SlackChannel,
    Target,
    TelegramChannel,
)
from tessera.notify.mail import Attachment, MemoryMailer, SesMailer

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"
MESSAGE = Outgoing(subject="Лицензия истекает", html="<p>x</p>", text="текст", chat_text="Лицензия <b> & co",
                   template="license_expiry")


class RecordingHttp:
    def __init__(self, status: int = 200, body: str = "") -> None:
        self.status, self.body = status, body
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def post_json(self, url: str, body: dict[str, Any], timeout: float) -> tuple[int, str]:
        self.calls.append((url, body))
        return self.status, self.body


def test_telegram_send_message_request_and_message_id() -> None:
    http = RecordingHttp(200, json.dumps({"ok": True, "result": {"message_id": 42, "chat": {"id": -100}}}))
    channel = TelegramChannel(http, api_base="https://api.telegram.org")
    assert channel.send(MESSAGE, Target("telegram", "-1001234567890", TOKEN)) == "42"
    url, body = http.calls[0]
    assert url == f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    assert body == {"chat_id": -1001234567890, "text": "Лицензия <b> & co", "disable_web_page_preview": True}
    channel.send(MESSAGE, Target("telegram", "@tessera_alerts", TOKEN))
    assert http.calls[1][1]["chat_id"] == "@tessera_alerts"  # a channel name stays a string


def test_telegram_long_text_is_cut_to_the_api_limit() -> None:
    http = RecordingHttp(200, json.dumps({"ok": True, "result": {"message_id": 1}}))
    long = Outgoing("s", "h", "t", "я" * 5000, "t")
    TelegramChannel(http, api_base="https://x").send(long, Target("telegram", "1", TOKEN))
    assert len(http.calls[0][1]["text"]) == 4096


@pytest.mark.parametrize(("status", "retryable"), [(400, False), (403, False), (429, True), (502, True)])
def test_telegram_errors_carry_the_description_and_never_the_token(status: int, retryable: bool) -> None:
    http = RecordingHttp(status, json.dumps({"ok": False, "error_code": status,
                                             "description": "Forbidden: bot was blocked by the user"}))
    with pytest.raises(DeliveryError) as failure:
        TelegramChannel(http, api_base="https://api.telegram.org").send(MESSAGE, Target("telegram", "1", TOKEN))
    assert f"Telegram answered {status}" in failure.value.detail
    assert failure.value.retryable is retryable
    assert TOKEN not in str(failure.value) and TOKEN.split(":")[1] not in failure.value.detail


def test_telegram_without_a_token_fails_without_a_call() -> None:
    http = RecordingHttp()
    with pytest.raises(DeliveryError) as failure:
        TelegramChannel(http, api_base="https://x").send(MESSAGE, Target("telegram", "1", None))
    assert not failure.value.retryable and http.calls == []


def test_slack_webhook_request_escapes_the_text() -> None:
    http = RecordingHttp(200, "ok")
    assert SlackChannel(http, webhook_base="").send(MESSAGE, Target("slack", WEBHOOK)) is None
    url, body = http.calls[0]
    assert url == WEBHOOK
    assert body == {"text": "Лицензия &lt;b&gt; &amp; co", "unfurl_links": False}


def test_slack_base_override_keeps_the_path() -> None:
    http = RecordingHttp(200, "ok")
    SlackChannel(http, webhook_base="http://127.0.0.1:8080/_local/slack").send(MESSAGE, Target("slack", WEBHOOK))
    assert http.calls[0][0] == "http://127.0.0.1:8080/_local/slack/services/T00000000/B00000000/" + "X" * 24


def test_slack_refuses_anything_but_hooks_slack_com() -> None:
    http = RecordingHttp(200, "ok")
    with pytest.raises(DeliveryError) as failure:
        SlackChannel(http, webhook_base="").send(MESSAGE, Target("slack", "http://169.254.169.254/latest/meta-data"))
    assert not failure.value.retryable and http.calls == []


def test_slack_error_word_without_the_url() -> None:
    http = RecordingHttp(403, "invalid_token")
    with pytest.raises(DeliveryError) as failure:
        SlackChannel(http, webhook_base="").send(MESSAGE, Target("slack", WEBHOOK))
    assert failure.value.detail == "Slack answered 403: invalid_token"
    assert not failure.value.retryable and "hooks.slack.com" not in failure.value.detail


def test_a_target_never_shows_its_secret() -> None:
    shown = repr(Target("telegram", "-100", TOKEN)) + str(Target("slack", WEBHOOK))
    assert TOKEN not in shown and WEBHOOK not in shown


def test_email_goes_through_the_mail_port_with_its_attachment() -> None:
    mailer = MemoryMailer()
    attached = Outgoing("s", "<p>h</p>", "t", "c", "license_file", (Attachment("lic.lic", b"{}", "application/json"),))
    assert EmailChannel(mailer).send(attached, Target("email", "a@example.com")) == "memory-1"
    sent = mailer.sent[0]
    assert (sent.to, sent.subject, sent.tags, sent.attachments[0].filename) == (
        "a@example.com", "s", {"template": "license_file"}, "lic.lic")


class FakeSes:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def send_email(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(("send_email", kwargs))
        return {"MessageId": "m-1"}

    def send_raw_email(self, **kwargs: Any) -> dict[str, str]:
        self.calls.append(("send_raw_email", kwargs))
        return {"MessageId": "m-2"}


def test_ses_mailer_sends_raw_mime_when_there_is_an_attachment() -> None:
    ses = FakeSes()
    mailer = SesMailer("no-reply@tessera.local", "tessera-test", client=ses)
    channel = EmailChannel(mailer)
    plain = Outgoing("Тема", "<p>h</p>", "t", "c", "license_expiry")
    assert channel.send(plain, Target("email", "a@example.com")) == "m-1"
    attached = Outgoing("Файл лицензии", "<p>h</p>", "текст", "c", "license_file",
                        (Attachment("lic_1-v1.lic", b'{"format": "tessera-license/1"}', "application/json"),))
    assert channel.send(attached, Target("email", "a@example.com")) == "m-2"
    kind, args = ses.calls[1]
    assert kind == "send_raw_email" and args["Destinations"] == ["a@example.com"]
    assert args["ConfigurationSetName"] == "tessera-test"
    parsed = email.message_from_bytes(args["RawMessage"]["Data"], policy=email.policy.default)
    assert parsed["Subject"] == "Файл лицензии" and parsed["From"] == "no-reply@tessera.local"
    files = list(parsed.iter_attachments())
    assert [a.get_filename() for a in files] == ["lic_1-v1.lic"]
    assert files[0].get_content() == b'{"format": "tessera-license/1"}'
    assert parsed.get_body(("plain",)).get_content().strip() == "текст"


def test_ses_refusal_becomes_a_delivery_error() -> None:
    class Refusing:
        def send_email(self, **kwargs: Any) -> dict[str, str]:
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "MessageRejected", "Message": "Email address is not verified."}},
                              "SendEmail")

    with pytest.raises(DeliveryError) as failure:
        EmailChannel(SesMailer("x@y.z", client=Refusing())).send(MESSAGE, Target("email", "a@example.com"))
    assert failure.value.detail == "SES refused the message: MessageRejected" and not failure.value.retryable


def test_memory_channel_records_and_fails_on_demand() -> None:
    fake = MemoryChannel("slack")
    assert fake.send(MESSAGE, Target("slack", WEBHOOK)) == "slack-1"
    fake.fail_with = DeliveryError("down")
    with pytest.raises(DeliveryError):
        fake.send(MESSAGE, Target("slack", WEBHOOK))
    assert len(fake.sent) == 1
