"""The channel port and its adapters: e-mail (SES, through the mail port), Telegram Bot API
(`sendMessage`) and Slack incoming webhooks; an in-memory fake for tests.

A `Target` carries the address and, for Telegram and Slack, the secret in clear — only in memory,
only for the send. Errors never carry a bot token or a webhook URL: adapters build their own messages
from the provider's answer, and the HTTP port logs nothing."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Literal, Protocol

from tessera.notify.mail import Attachment, Email, Mailer, mailer

ChannelName = Literal["email", "telegram", "slack"]
CHANNELS: tuple[ChannelName, ...] = ("email", "telegram", "slack")

TELEGRAM_TOKEN = re.compile(r"^\d{5,15}:[A-Za-z0-9_-]{30,60}$")
TELEGRAM_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
SLACK_WEBHOOK = re.compile(r"^https://hooks\.slack\.com/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+$")
TELEGRAM_MAX_TEXT = 4096
SLACK_MAX_TEXT = 3000


class DeliveryError(Exception):
    """A send that did not go through; `detail` is safe to store and show (no secrets)."""

    def __init__(self, detail: str, *, retryable: bool = True) -> None:
        super().__init__(detail)
        self.detail = detail[:500]
        self.retryable = retryable


@dataclass(frozen=True)
class Outgoing:
    """One rendered message: the e-mail uses subject/html/text, chats use `chat_text`."""

    subject: str
    html: str
    text: str
    chat_text: str
    template: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Target:
    channel: ChannelName
    address: str  # e-mail address | Telegram chat id | Slack webhook URL
    secret: str | None = field(default=None, repr=False)  # the Telegram bot token

    def __repr__(self) -> str:  # never a secret or a webhook URL in a traceback or a log line
        return f"Target(channel={self.channel!r})"


class Channel(Protocol):
    name: ChannelName

    def send(self, message: Outgoing, target: Target) -> str | None:
        """Deliver; answer the provider's message id (None when the provider gives none).
        Raise DeliveryError when it did not go through."""
        ...


# --- HTTP ------------------------------------------------------------------------------------------

class HttpPort(Protocol):
    def post_json(self, url: str, body: dict[str, object], timeout: float) -> tuple[int, str]: ...


class UrllibHttp:
    """JSON POST with the standard library: no extra import cost, and no request logging that could
    print a token-bearing URL."""

    def post_json(self, url: str, body: dict[str, object], timeout: float) -> tuple[int, str]:
        if not url.startswith(("https://", "http://")):
            raise DeliveryError("the channel address is not an http(s) URL", retryable=False)
        request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(),  # noqa: S310
                                         headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  (scheme checked above)
                return int(answer.status), answer.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return int(exc.code), exc.read(65536).decode("utf-8", "replace")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"network error: {type(reason).__name__}") from None


# --- adapters ------------------------------------------------------------------------------------

class EmailChannel:
    name: ChannelName = "email"

    def __init__(self, mail: Mailer | None = None) -> None:
        self._mail = mail

    def send(self, message: Outgoing, target: Target) -> str | None:
        port = self._mail or mailer()
        try:
            return port.send(Email(to=target.address, subject=message.subject, html=message.html, text=message.text,
                                   tags={"template": message.template}, attachments=message.attachments))
        except Exception as exc:
            if type(exc).__name__ == "ClientError":
                code = getattr(exc, "response", {}).get("Error", {}).get("Code", "ClientError")
                raise DeliveryError(f"SES refused the message: {code}",
                                    retryable=code not in ("MessageRejected", "InvalidParameterValue")) from None
            raise DeliveryError(f"SES error: {type(exc).__name__}") from None


class TelegramChannel:
    """Bot API `sendMessage` (POST JSON to {base}/bot<token>/sendMessage; the answer is {ok, result|description})."""

    name: ChannelName = "telegram"

    def __init__(self, http: HttpPort | None = None, api_base: str | None = None, timeout: float = 5.0) -> None:
        self.http = http or UrllibHttp()
        self.api_base = (api_base or os.environ.get("TELEGRAM_API_BASE") or "https://api.telegram.org").rstrip("/")
        self.timeout = timeout

    @staticmethod
    def request(message: Outgoing, target: Target) -> dict[str, object]:
        text = message.chat_text if len(message.chat_text) <= TELEGRAM_MAX_TEXT \
            else message.chat_text[:TELEGRAM_MAX_TEXT - 1] + "…"
        chat: object = int(target.address) if target.address.lstrip("-").isdigit() else target.address
        return {"chat_id": chat, "text": text, "disable_web_page_preview": True}

    def send(self, message: Outgoing, target: Target) -> str | None:
        if not target.secret:
            raise DeliveryError("no bot token is configured", retryable=False)
        status, body = self.http.post_json(f"{self.api_base}/bot{target.secret}/sendMessage",
                                           self.request(message, target), self.timeout)
        try:
            answer = json.loads(body)
        except ValueError:
            answer = {}
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            result = answer.get("result") or {}
            return str(result.get("message_id")) if isinstance(result, dict) and "message_id" in result else None
        description = answer.get("description") if isinstance(answer, dict) else None
        # 4xx other than 429 will not heal by retrying (wrong token, unknown chat, bot blocked).
        raise DeliveryError(f"Telegram answered {status}: {str(description or 'no description')[:200]}",
                            retryable=status == 429 or status >= 500)


class SlackChannel:
    """Incoming webhook: POST {"text": …} to the hooks.slack.com URL; Slack answers 200 "ok" or an error word."""

    name: ChannelName = "slack"

    def __init__(self, http: HttpPort | None = None, webhook_base: str | None = None, timeout: float = 5.0) -> None:
        self.http = http or UrllibHttp()
        # Locally the hooks.slack.com host is replaced by the local cloud's recorder (no internet there).
        self.webhook_base = (webhook_base if webhook_base is not None
                             else os.environ.get("SLACK_WEBHOOK_BASE", "")).rstrip("/")
        self.timeout = timeout

    @staticmethod
    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    @classmethod
    def request(cls, message: Outgoing) -> dict[str, object]:
        text = cls.escape(message.chat_text)
        if len(text) > SLACK_MAX_TEXT:
            text = text[:SLACK_MAX_TEXT - 1] + "…"
        return {"text": text, "unfurl_links": False}

    def url(self, target: Target) -> str:
        if not SLACK_WEBHOOK.match(target.address):
            raise DeliveryError("the webhook is not a hooks.slack.com URL", retryable=False)
        if self.webhook_base:
            return self.webhook_base + target.address[len("https://hooks.slack.com"):]
        return target.address

    def send(self, message: Outgoing, target: Target) -> str | None:
        status, body = self.http.post_json(self.url(target), self.request(message), self.timeout)
        if status == 200:
            return None  # incoming webhooks give no message id
        word = body.strip().split()[0][:80] if body.strip() else "no answer"
        raise DeliveryError(f"Slack answered {status}: {word}", retryable=status == 429 or status >= 500)


class MemoryChannel:
    """The fake: records what it would send; `fail_with` makes the next sends fail."""

    def __init__(self, name: ChannelName) -> None:
        self.name: ChannelName = name
        self.sent: list[tuple[Outgoing, Target]] = []
        self.fail_with: DeliveryError | None = None

    def send(self, message: Outgoing, target: Target) -> str | None:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append((message, target))
        return f"{self.name}-{len(self.sent)}"


# --- the process's channels ------------------------------------------------------------------------

_channels: dict[str, Channel] | None = None


def channels() -> dict[str, Channel]:
    global _channels
    if _channels is None:
        _channels = {"email": EmailChannel(), "telegram": TelegramChannel(), "slack": SlackChannel()}
    return _channels


def use_channels(replacement: dict[str, Channel] | None) -> None:
    """Tests: install fakes (None: back to the real adapters)."""
    global _channels
    _channels = replacement
