"""What a service needs to know about the HTTP request it serves: for audit, throttling, language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tessera.core.i18n import negotiate


@dataclass(frozen=True)
class RequestInfo:
    request_id: str = "local"
    ip: str | None = None
    user_agent: str | None = None
    language: str = "ru"
    cookies: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_event(cls, event: Any) -> RequestInfo:
        """From a Powertools APIGatewayProxyEventV2."""
        context = event.request_context
        headers = event.headers or {}
        cookies: dict[str, str] = {}
        for cookie in event.cookies or []:
            name, _, value = cookie.partition("=")
            cookies.setdefault(name.strip(), value.strip())
        return cls(request_id=context.request_id or "unknown", ip=context.http.source_ip,
                   user_agent=(headers.get("user-agent") or "")[:300] or None,
                   language=negotiate(headers.get("accept-language")), cookies=cookies)
