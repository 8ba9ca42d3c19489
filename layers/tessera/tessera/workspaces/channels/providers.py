"""One adapter per provider, each speaking the provider's documented API over httpx (SES through boto3):
Telegram Bot API, SMSC.ru, Twilio Messages, Amazon SES, WhatsApp Business Cloud API, MAX bot API.

Every adapter can `send(connection, to, text)`; those whose API has a read-only call also `check` the
credentials without sending (Telegram `getMe`, WhatsApp the phone number's fields, MAX `GET /me`).
A provider's refusal becomes a `ProviderError` with a stable `reason` and the provider's own words,
never a secret: URLs with a token are not logged (httpx's request log is silenced below) and error
texts are built from the answer's fields only."""

from __future__ import annotations

import email.utils
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import httpx

from tessera.core import aws
from tessera.core.settings import CoreSettings, get_settings
from tessera.workspaces.channels.settings import ChannelsSettings

# httpx logs every request's URL at INFO; a Telegram URL carries the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)

ChannelKind = Literal["telegram", "smsc", "twilio", "email", "whatsapp", "max"]
KINDS: tuple[ChannelKind, ...] = ("telegram", "smsc", "twilio", "email", "whatsapp", "max")
PROVIDER_NAMES: dict[str, str] = {"telegram": "Telegram", "smsc": "SMSC.ru", "twilio": "Twilio",
                                  "email": "Amazon SES", "whatsapp": "WhatsApp", "max": "MAX"}
Reason = Literal["unauthorized", "bad_address", "rejected", "unavailable"]


class ProviderError(Exception):
    """A call the provider refused or never answered; `detail` is the provider's own words (no secrets)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason: Reason = reason
        self.detail = detail[:300]


@dataclass(frozen=True)
class Connection:
    """A channel as an adapter needs it, credentials in clear: only in memory, only for the call."""

    kind: ChannelKind
    credentials: Mapping[str, str] = field(repr=False)
    settings: Mapping[str, str] = field(default_factory=dict)


class Provider(Protocol):
    kind: ChannelKind

    def check(self, connection: Connection) -> str | None:
        """Validate the credentials without sending; the account's name when the API gives one."""
        ...

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        """Deliver `text` to `to` (chat id, E.164 phone or e-mail); the provider's message id."""
        ...


def _status_reason(status: int) -> Reason:
    if status in (401, 403):
        return "unauthorized"
    if status == 429 or status >= 500:
        return "unavailable"
    return "rejected"


class HttpProvider:
    kind: ChannelKind

    def __init__(self, base_url: str | None = None, transport: httpx.BaseTransport | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings(ChannelsSettings)
        self.base_url = (base_url or getattr(settings, f"{self.kind}_api_base")).rstrip("/")
        self._client = httpx.Client(transport=transport, timeout=timeout or settings.timeout_seconds,
                                    headers={"User-Agent": "Tessera-FastLead/1"})

    def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        try:
            answer = self._client.request(method, self.base_url + path, **kwargs)
        except httpx.TransportError as exc:
            raise ProviderError("unavailable", f"network error: {type(exc).__name__}") from None
        try:
            body = answer.json()
        except ValueError:
            body = None
        return answer.status_code, body

    def check(self, connection: Connection) -> str | None:
        return None


class TelegramProvider(HttpProvider):
    """`https://api.telegram.org/bot<token>/METHOD`; answers `{ok, result}` or `{ok: false, error_code,
    description}`."""

    kind: ChannelKind = "telegram"

    def _method(self, connection: Connection, name: str, body: dict[str, Any] | None = None) -> Any:
        status, answer = self.call("POST", f"/bot{connection.credentials['bot_token']}/{name}", json=body or {})
        if status == 200 and isinstance(answer, dict) and answer.get("ok"):
            return answer.get("result")
        description = str(answer.get("description") if isinstance(answer, dict) else "") or f"HTTP {status}"
        # 404 is Telegram's answer to a token it does not know; 400 and 403 are about the chat
        if status in (401, 404):
            raise ProviderError("unauthorized", description)
        if status in (400, 403):
            raise ProviderError("bad_address", description)
        raise ProviderError(_status_reason(status), description)

    def check(self, connection: Connection) -> str | None:
        me = self._method(connection, "getMe")
        return f"@{me.get('username')}" if isinstance(me, dict) and me.get("username") else None

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        chat: int | str = int(to) if to.lstrip("-").isdigit() else to
        result = self._method(connection, "sendMessage", {"chat_id": chat, "text": text[:4096],
                                                          "disable_web_page_preview": True})
        return str(result["message_id"]) if isinstance(result, dict) and "message_id" in result else None


# SMSC.ru's error_code (the send.php reference): what a customer can act on
SMSC_REASONS: dict[int, Reason] = {1: "rejected", 2: "unauthorized", 3: "rejected", 4: "unavailable",
                                   5: "rejected", 6: "rejected", 7: "bad_address", 8: "bad_address",
                                   9: "unavailable"}


class SmscProvider(HttpProvider):
    """`POST /sys/send.php` form-encoded with `fmt=3` (JSON) and `charset=utf-8`; answers `{id, cnt}` or
    `{error, error_code}` (with HTTP 200)."""

    kind: ChannelKind = "smsc"

    @staticmethod
    def form(connection: Connection, to: str, text: str) -> dict[str, str]:
        form = {"login": connection.credentials["login"], "psw": connection.credentials["password"],
                "phones": to, "mes": text, "fmt": "3", "charset": "utf-8"}
        if connection.settings.get("sender"):
            form["sender"] = connection.settings["sender"]
        return form

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        status, answer = self.call("POST", "/sys/send.php", data=self.form(connection, to, text))
        if status == 200 and isinstance(answer, dict) and "error_code" not in answer and "id" in answer:
            return str(answer["id"])
        if isinstance(answer, dict) and "error_code" in answer:
            code = int(answer.get("error_code") or 0)
            raise ProviderError(SMSC_REASONS.get(code, "rejected"), f"{answer.get('error')} (code {code})")
        raise ProviderError(_status_reason(status), f"HTTP {status}")


# Twilio's error codes about the recipient (21211 invalid To, 21614 not a mobile number, 21610 unsubscribed)
TWILIO_ADDRESS_CODES = {21211, 21214, 21610, 21612, 21614}


class TwilioProvider(HttpProvider):
    """`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, Basic auth AccountSid:AuthToken, form
    `To`, `From` or `MessagingServiceSid`, `Body`; 201 with `{sid, status}`, else `{code, message}`."""

    kind: ChannelKind = "twilio"

    @staticmethod
    def form(connection: Connection, to: str, text: str) -> dict[str, str]:
        sender = connection.settings.get("from_number", "")
        key = "MessagingServiceSid" if sender.startswith("MG") else "From"
        return {"To": to, key: sender, "Body": text}

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        sid = connection.credentials["account_sid"]
        status, answer = self.call("POST", f"/2010-04-01/Accounts/{sid}/Messages.json",
                                   data=self.form(connection, to, text),
                                   auth=(sid, connection.credentials["auth_token"]))
        if status in (200, 201) and isinstance(answer, dict) and answer.get("sid"):
            return str(answer["sid"])
        code = answer.get("code") if isinstance(answer, dict) else None
        detail = f"{answer.get('message') if isinstance(answer, dict) else ''} (code {code})".strip()
        if code in TWILIO_ADDRESS_CODES:
            raise ProviderError("bad_address", detail)
        raise ProviderError("unauthorized" if status in (401, 403) or code == 20003 else _status_reason(status),
                            detail)


# Graph API error codes (WhatsApp Cloud API's error reference)
WHATSAPP_REASONS: dict[int, Reason] = {190: "unauthorized", 10: "unauthorized", 200: "unauthorized",
                                       131030: "bad_address", 131026: "bad_address", 131047: "rejected",
                                       4: "unavailable", 80007: "unavailable", 130429: "unavailable",
                                       131056: "unavailable"}


class WhatsAppProvider(HttpProvider):
    """`POST /{phone-number-id}/messages` with `Authorization: Bearer` and
    `{"messaging_product": "whatsapp", "to", "type": "text", "text": {"body"}}`; errors are
    `{"error": {message, type, code}}`. Free text reaches a person only inside the 24-hour window after
    their last message (code 131047 otherwise)."""

    kind: ChannelKind = "whatsapp"

    def _raise(self, status: int, answer: Any) -> None:
        error = answer.get("error") if isinstance(answer, dict) else None
        if not isinstance(error, dict):
            raise ProviderError(_status_reason(status), f"HTTP {status}")
        code = int(error.get("code") or 0)
        raise ProviderError(WHATSAPP_REASONS.get(code, _status_reason(status)),
                            f"{error.get('message') or 'error'} (code {code})")

    def _headers(self, connection: Connection) -> dict[str, str]:
        return {"Authorization": f"Bearer {connection.credentials['access_token']}"}

    def check(self, connection: Connection) -> str | None:
        status, answer = self.call("GET", f"/{connection.settings['phone_number_id']}",
                                   params={"fields": "display_phone_number,verified_name"},
                                   headers=self._headers(connection))
        if status != 200 or not isinstance(answer, dict):
            self._raise(status, answer)
        return str(answer.get("display_phone_number") or "") or None

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to.lstrip("+"),
                "type": "text", "text": {"preview_url": False, "body": text[:4096]}}
        status, answer = self.call("POST", f"/{connection.settings['phone_number_id']}/messages", json=body,
                                   headers=self._headers(connection))
        if status == 200 and isinstance(answer, dict) and answer.get("messages"):
            return str(answer["messages"][0].get("id"))
        self._raise(status, answer)
        return None


class MaxProvider(HttpProvider):
    """MAX bot API (dev.max.ru/docs-api): the token in the `Authorization` header (no longer as a query
    parameter), `GET /me`, `POST /messages?chat_id=…` (or `user_id=…`) with `{"text"}`; errors are
    `{"code", "message"}`."""

    kind: ChannelKind = "max"

    def _call(self, connection: Connection, method: str, path: str, **kwargs: Any) -> Any:
        status, answer = self.call(method, path, headers={"Authorization": connection.credentials["bot_token"]},
                                   **kwargs)
        if status == 200 and isinstance(answer, dict):
            return answer
        detail = str(answer.get("message") or answer.get("code")) if isinstance(answer, dict) else f"HTTP {status}"
        raise ProviderError("bad_address" if status == 404 else _status_reason(status), detail)

    def check(self, connection: Connection) -> str | None:
        me = self._call(connection, "GET", "/me")
        return f"@{me['username']}" if me.get("username") else me.get("name")

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        target = "user_id" if connection.settings.get("recipient") == "user" else "chat_id"
        answer = self._call(connection, "POST", "/messages", params={target: to}, json={"text": text[:4000]})
        message = answer.get("message") or {}
        return str((message.get("body") or {}).get("mid") or "") or None


class SesProvider:
    """Amazon SES `SendEmail` from the platform's verified sender, with the workspace's sender name."""

    kind: ChannelKind = "email"

    def __init__(self, client: Any = None) -> None:
        self._client = client

    def check(self, connection: Connection) -> str | None:
        return None

    def send(self, connection: Connection, to: str, text: str) -> str | None:
        sender = get_settings(CoreSettings).ses_sender
        name = connection.settings.get("sender_name") or "Fast Lead"
        subject = connection.settings.get("subject") or name
        client = self._client or aws.client("ses")
        try:
            answer = client.send_email(Source=email.utils.formataddr((name, sender)),
                                       Destination={"ToAddresses": [to]},
                                       Message={"Subject": {"Data": subject[:200], "Charset": "UTF-8"},
                                                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}}})
        except Exception as exc:
            if type(exc).__name__ != "ClientError":
                raise ProviderError("unavailable", f"SES: {type(exc).__name__}") from None
            error = getattr(exc, "response", {}).get("Error", {})
            code = str(error.get("Code", "ClientError"))
            reason: Reason = ("bad_address" if code == "InvalidParameterValue" else
                              "unavailable" if code in ("Throttling", "ServiceUnavailable") else "rejected")
            raise ProviderError(reason, f"{code}: {str(error.get('Message', ''))[:200]}") from None
        return str(answer["MessageId"])


ADAPTERS: dict[str, type[Any]] = {"telegram": TelegramProvider, "smsc": SmscProvider, "twilio": TwilioProvider,
                                  "whatsapp": WhatsAppProvider, "max": MaxProvider, "email": SesProvider}
_providers: dict[str, Provider] = {}


def provider(kind: str) -> Provider:
    if kind not in _providers:
        _providers[kind] = ADAPTERS[kind]()
    return _providers[kind]


def use_providers(replacement: dict[str, Provider] | None) -> None:
    """Tests: adapters on another transport (None: the defaults, built again from the environment)."""
    _providers.clear()
    _providers.update(replacement or {})
