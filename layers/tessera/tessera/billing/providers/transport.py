"""Provider settings and the HTTP transport both adapters share.

Base URLs come from the environment so the local cloud's sandbox (which speaks each provider's exact API)
can stand in for the real endpoints. One `httpx.Client` per base URL per process keeps TLS connections
warm between invocations; it is created on first use, after any SnapStart restore."""

from __future__ import annotations

import ipaddress
import json
from functools import cache
from typing import Any

import httpx
from pydantic import Field, SecretStr, field_validator

from tessera.billing.providers.port import ProviderName, ResultUnknown
from tessera.core.settings import CoreSettings


class ProviderSettings(CoreSettings):
    yookassa_api_url: str = Field("https://api.yookassa.ru/v3", alias="YOOKASSA_API_URL")
    tbank_api_url: str = Field("https://securepay.tinkoff.ru/v2", alias="TBANK_API_URL")
    # ЮKassa answers 500 itself when it has no final result within 30 s; we give up earlier and treat the
    # attempt as unknown (repeated with the same key later), so a Lambda never waits out its own timeout.
    read_timeout_seconds: float = Field(20.0, alias="PAYMENT_PROVIDER_READ_TIMEOUT_SECONDS", gt=0)
    connect_timeout_seconds: float = Field(3.0, alias="PAYMENT_PROVIDER_CONNECT_TIMEOUT_SECONDS", gt=0)
    # Comma-separated networks accepted besides ЮKassa's own, e.g. the local sandbox's 127.0.0.1/32.
    yookassa_extra_webhook_networks: str = Field("", alias="YOOKASSA_WEBHOOK_EXTRA_NETWORKS")
    # Where Т-Банк sends notifications (Init's NotificationURL); by default the platform's own route.
    tbank_notification_url: str | None = Field(None, alias="TBANK_NOTIFICATION_URL")

    @field_validator("yookassa_extra_webhook_networks")
    @classmethod
    def _networks(cls, value: str) -> str:
        cls.networks(value)  # a typo fails at cold start, not at the first webhook
        return value

    @staticmethod
    def networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())


@cache
def shared_client(base_url: str, connect_timeout: float, read_timeout: float) -> httpx.Client:
    return httpx.Client(base_url=base_url.rstrip("/") + "/",
                        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
                        headers={"Accept": "application/json"})


def client_from(settings: ProviderSettings, base_url: str) -> httpx.Client:
    return shared_client(base_url, settings.connect_timeout_seconds, settings.read_timeout_seconds)


def send(client: httpx.Client, provider: ProviderName, method: str, path: str, *,
         json_body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
         auth: tuple[str, SecretStr] | None = None) -> httpx.Response:
    """One request; no answer (timeout, connection error) is ResultUnknown. Status codes are the
    adapter's to judge. Nothing here logs the request: it may carry credentials."""
    try:
        return client.request(method, path, json=json_body, headers=headers,
                              auth=(auth[0], auth[1].get_secret_value()) if auth else None)
    except httpx.TimeoutException:
        raise ResultUnknown(provider, f"no answer to {method} {path} in time") from None
    except httpx.TransportError as exc:
        raise ResultUnknown(provider, f"{method} {path} did not complete: {type(exc).__name__}") from None


def json_object(response: httpx.Response, provider: ProviderName) -> dict[str, Any]:
    """The body as a JSON object; anything else from a provider means we do not know what happened."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ResultUnknown(provider, f"HTTP {response.status_code} without a JSON object")
    return body
