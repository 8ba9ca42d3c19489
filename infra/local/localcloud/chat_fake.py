"""Fake Telegram Bot API and Slack incoming webhooks for the local cloud (no internet there): they
answer in the providers' own shapes, so the product's real adapters run unchanged, and record every
message for the /_local/chats page. Bot tokens are kept only as a masked hint, even here.

- `POST /_local/telegram/bot<token>/sendMessage` (JSON or form): `{"ok": true, "result": {message}}`;
  a chat id `@blocked_chat` answers 403 like a bot the user blocked.
- `POST /_local/slack/services/<T>/<B>/<secret>`: `ok`; the secret `revoked` answers 403 `invalid_token`."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

Answer = tuple[int, dict[str, str], bytes]
TOKEN = re.compile(r"^\d{5,15}:[A-Za-z0-9_-]{30,60}$")


class FakeChats:
    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(UTC))  # the platform clock, when the cloud passes it
        self.messages: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._next_id = 1

    def handle(self, method: str, path: str, body: bytes) -> Answer:
        parts = path.strip("/").split("/")  # _local / telegram|slack / …
        if parts[1] == "telegram":
            return self._telegram(method, parts[2:], body)
        return self._slack(method, parts[2:], body)

    def _telegram(self, method: str, parts: list[str], body: bytes) -> Answer:
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return _json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, api_method = parts[0][3:], parts[1]
        if not TOKEN.match(token):
            return _json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        if api_method == "getMe":
            return _json(200, {"ok": True, "result": {"id": int(token.split(":")[0]), "is_bot": True,
                                                      "first_name": "Tessera local", "username": "tessera_local_bot"}})
        if api_method != "sendMessage" or method != "POST":
            return _json(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})
        params = _params(body)
        chat, text = params.get("chat_id"), str(params.get("text") or "")
        if chat in (None, ""):
            return _json(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"})
        if not text.strip():
            return _json(400, {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"})
        if str(chat) == "@blocked_chat":
            return _json(403, {"ok": False, "error_code": 403,
                               "description": "Forbidden: bot was blocked by the user"})
        with self._lock:
            message_id = self._next_id
            self._next_id += 1
            self.messages.append({"channel": "telegram", "id": str(message_id), "to": str(chat), "text": text,
                                  "bot": f"{token.split(':')[0]}:••••{token[-4:]}", "at": self.now().isoformat()})
        return _json(200, {"ok": True, "result": {"message_id": message_id, "date": int(time.time()),
                                                  "chat": {"id": chat}, "text": text}})

    def _slack(self, method: str, parts: list[str], body: bytes) -> Answer:
        if method != "POST" or len(parts) != 4 or parts[0] != "services":
            return _text(404, "no_service")
        if parts[3] == "revoked":
            return _text(403, "invalid_token")
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return _text(400, "invalid_payload")
        text = payload.get("text") if isinstance(payload, dict) else None
        if not text:
            return _text(400, "no_text")
        with self._lock:
            self.messages.append({"channel": "slack", "id": f"slack-{len(self.messages) + 1}",
                                  "to": f"{parts[1]}/{parts[2]}", "text": str(text), "at": self.now().isoformat()})
        return _text(200, "ok")


def _params(body: bytes) -> dict[str, Any]:
    text = body.decode("utf-8", "replace")
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else {}
    except ValueError:
        return {k: v[-1] for k, v in parse_qs(text).items()}


def _json(status: int, data: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False).encode()


def _text(status: int, text: str) -> Answer:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()
