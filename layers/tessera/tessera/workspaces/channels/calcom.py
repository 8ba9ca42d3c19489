"""Cal.com API v2 and its webhooks (the reference's §2): event types with `Authorization: Bearer <key>`
and `cal-api-version: 2024-06-14`, in the `{"status": "success", "data": …}` envelope; deliveries
signed in `X-Cal-Signature-256` with HMAC-SHA256 of the raw body under the webhook's secret."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx

from tessera.core.settings import get_settings
from tessera.workspaces.channels.providers import ProviderError, Reason
from tessera.workspaces.channels.settings import ChannelsSettings

EVENT_TYPES_VERSION = "2024-06-14"
TRIGGERS = ("BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED")


class CalcomClient:
    def __init__(self, base_url: str | None = None, transport: httpx.BaseTransport | None = None) -> None:
        settings = get_settings(ChannelsSettings)
        self.base_url = (base_url or settings.calcom_api_base).rstrip("/")
        self._client = httpx.Client(transport=transport, timeout=settings.timeout_seconds)

    def event_types(self, api_key: str) -> list[dict[str, Any]]:
        """The key's event types as `{id, slug, title, length}`; a refused key is `unauthorized`."""
        try:
            answer = self._client.get(f"{self.base_url}/v2/event-types",
                                      headers={"Authorization": f"Bearer {api_key}",
                                               "cal-api-version": EVENT_TYPES_VERSION})
        except httpx.TransportError as exc:
            raise ProviderError("unavailable", f"network error: {type(exc).__name__}") from None
        try:
            body = answer.json()
        except ValueError:
            body = None
        if answer.status_code != 200 or not isinstance(body, dict) or body.get("status") != "success":
            error = body.get("error") if isinstance(body, dict) else None
            detail = str(error.get("message") if isinstance(error, dict) else "") or f"HTTP {answer.status_code}"
            reason: Reason = ("unauthorized" if answer.status_code in (401, 403) else
                      "unavailable" if answer.status_code == 429 or answer.status_code >= 500 else "rejected")
            raise ProviderError(reason, detail)
        data = body.get("data")
        items = data if isinstance(data, list) else (data or {}).get("eventTypes", []) if isinstance(data, dict) else []
        return [{"id": int(item["id"]), "slug": str(item.get("slug") or ""), "title": str(item.get("title") or ""),
                 "length": item.get("lengthInMinutes") or item.get("length")}
                for item in items if isinstance(item, dict) and "id" in item]


def signature(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, raw_body: bytes, header: str | None) -> bool:
    if not header:
        return False
    given = header.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(signature(secret, raw_body), given)


_client: CalcomClient | None = None


def client() -> CalcomClient:
    global _client
    if _client is None:
        _client = CalcomClient()
    return _client


def use_client(replacement: CalcomClient | None) -> None:
    global _client
    _client = replacement
