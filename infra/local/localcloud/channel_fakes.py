"""Fakes of the Fast Lead channels' providers and Cal.com for the local cloud (no internet there): each
answers in the provider's own format, so the product's adapters run unchanged, and records what was
sent (`sent`, and `/_local/providers?format=json`). Telegram is chat_fake's. Credentials are never
recorded.

- SMSC.ru `POST /_local/smsc/sys/send.php`: login `wrong` → error_code 2; a phone ending 0000000 → 8.
- Twilio `POST /_local/twilio/2010-04-01/Accounts/<sid>/Messages.json`: an auth token of zeros → 401
  (code 20003); To `+15005550001` → 400 (code 21211, Twilio's own magic number).
- WhatsApp `GET|POST /_local/whatsapp/<version>/<phone-number-id>[/messages]`: a token containing
  `expired` → 401 (code 190); To ending 0000000 → 400 (code 131026).
- MAX `GET /_local/max/me`, `POST /_local/max/messages?chat_id=…`: a token starting `invalid` → 401;
  chat 404 → 404.
- Cal.com `GET /_local/calcom/v2/event-types`: `Bearer cal_…`, a key containing `revoked` → 401; two event
  types otherwise. `sign(secret, body)` makes a delivery's `X-Cal-Signature-256`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

Answer = tuple[int, dict[str, str], bytes]
PREFIXES = ("/_local/smsc/", "/_local/twilio/", "/_local/whatsapp/", "/_local/max/", "/_local/calcom/")
EVENT_TYPES = [{"id": 101, "slug": "konsultaciya", "title": "Консультация", "lengthInMinutes": 30},
               {"id": 102, "slug": "zamer", "title": "Замер на объекте", "lengthInMinutes": 60}]


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class FakeProviders:
    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self.now = now or (lambda: datetime.now(UTC))
        self.sent: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []  # method, path, query: what the adapters called
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        headers = {k.lower(): v for k, v in headers.items()}
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        parts = path.strip("/").split("/")[1:]  # provider / …
        with self._lock:
            self.requests.append({"method": method, "path": path, "query": params})
        provider, rest = parts[0], parts[1:]
        handler = getattr(self, f"_{provider}")
        result: Answer = handler(method, rest, params, headers, body)
        return result

    def _record(self, provider: str, to: str, text: str) -> str:
        with self._lock:
            message_id = f"{provider}-{next(self._ids)}"
            self.sent.append({"provider": provider, "id": message_id, "to": to, "text": text,
                              "at": self.now().isoformat()})
        return message_id

    def messages(self, provider: str | None = None) -> list[dict[str, Any]]:
        return [m for m in self.sent if provider is None or m["provider"] == provider]

    # --- SMSC.ru ---------------------------------------------------------------------------------

    def _smsc(self, method: str, rest: list[str], params: dict[str, str], headers: dict[str, str],
              body: bytes) -> Answer:
        if rest != ["sys", "send.php"]:
            return _json(404, {"error": "not found"})
        form = {**params, **_form(body)}
        if form.get("fmt") != "3":
            return 200, {"Content-Type": "text/plain"}, b"ERROR = 1 (fmt=3 expected by this fake)"
        if not form.get("login") or not form.get("psw") or not form.get("phones") or not form.get("mes"):
            return _json(200, {"error": "parameters error", "error_code": 1})
        if form["login"] == "wrong":
            return _json(200, {"error": "authorise error", "error_code": 2})
        if form["phones"].endswith("0000000"):
            return _json(200, {"error": "message is denied", "error_code": 8})
        message_id = self._record("smsc", form["phones"], form["mes"])
        return _json(200, {"id": int(message_id.split("-")[1]), "cnt": 1})

    # --- Twilio ----------------------------------------------------------------------------------

    def _twilio(self, method: str, rest: list[str], params: dict[str, str], headers: dict[str, str],
                body: bytes) -> Answer:
        if method != "POST" or len(rest) != 4 or rest[3] != "Messages.json":
            return _json(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        user, _, password = _basic(headers.get("authorization", ""))
        if user != rest[2] or not password or set(password) == {"0"}:
            return _json(401, {"code": 20003, "message": "Authenticate", "status": 401})
        form = _form(body)
        if not form.get("Body") or not (form.get("From") or form.get("MessagingServiceSid")):
            return _json(400, {"code": 21602, "message": "Message body is required.", "status": 400})
        if form.get("To") == "+15005550001":
            return _json(400, {"code": 21211, "message": f"The 'To' number {form['To']} is not a valid phone number.",
                               "status": 400})
        sid = "SM" + hashlib.md5(str(next(self._ids)).encode(), usedforsecurity=False).hexdigest()
        self._record("twilio", form.get("To", ""), form["Body"])
        return _json(201, {"sid": sid, "status": "queued", "to": form.get("To"), "num_segments": "1"})

    # --- WhatsApp Cloud API ------------------------------------------------------------------------

    def _whatsapp(self, method: str, rest: list[str], params: dict[str, str], headers: dict[str, str],
                  body: bytes) -> Answer:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if not token or "expired" in token:
            return _json(401, {"error": {"message": "Error validating access token: Session has expired",
                                         "type": "OAuthException", "code": 190, "fbtrace_id": "Afake"}})
        if len(rest) == 2 and method == "GET":
            return _json(200, {"display_phone_number": "+7 495 000-00-00", "verified_name": "Local",
                               "id": rest[1]})
        if len(rest) != 3 or rest[2] != "messages" or method != "POST":
            return _json(400, {"error": {"message": "Unsupported request", "type": "GraphMethodException",
                                         "code": 100}})
        payload = json.loads(body or b"{}")
        if payload.get("messaging_product") != "whatsapp" or payload.get("type") != "text":
            return _json(400, {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}})
        to = str(payload.get("to") or "")
        if to.endswith("0000000"):
            return _json(400, {"error": {"message": "Message Undeliverable.", "type": "OAuthException",
                                         "code": 131026}})
        message_id = self._record("whatsapp", to, str((payload.get("text") or {}).get("body") or ""))
        return _json(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                           "messages": [{"id": f"wamid.{message_id}"}]})

    # --- MAX bot API -------------------------------------------------------------------------------

    def _max(self, method: str, rest: list[str], params: dict[str, str], headers: dict[str, str],
             body: bytes) -> Answer:
        token = headers.get("authorization", "")
        if not token or token.startswith("invalid") or "access_token" in params:
            return _json(401, {"code": "verify.token", "message": "Invalid access_token"})
        if rest == ["me"] and method == "GET":
            return _json(200, {"user_id": 1001, "name": "Tessera local", "username": "tessera_local_bot",
                               "is_bot": True})
        if rest != ["messages"] or method != "POST":
            return _json(404, {"code": "not.found", "message": "Path not found"})
        chat = params.get("chat_id") or params.get("user_id")
        if not chat:
            return _json(400, {"code": "proto.payload", "message": "chat_id or user_id is required"})
        if chat == "404":
            return _json(404, {"code": "chat.not.found", "message": f"Chat {chat} not found"})
        text = str(json.loads(body or b"{}").get("text") or "")
        message_id = self._record("max", chat, text)
        return _json(200, {"message": {"recipient": {"chat_id": int(chat)}, "body": {"mid": f"mid.{message_id}",
                                                                                    "text": text}}})

    # --- Cal.com -----------------------------------------------------------------------------------

    def _calcom(self, method: str, rest: list[str], params: dict[str, str], headers: dict[str, str],
                body: bytes) -> Answer:
        key = headers.get("authorization", "").removeprefix("Bearer ")
        if not key.startswith("cal_") or "revoked" in key:
            return _json(401, {"status": "error", "error": {"code": "UnauthorizedException",
                                                            "message": "Invalid API Key"}})
        if rest != ["v2", "event-types"] or method != "GET":
            return _json(404, {"status": "error", "error": {"code": "NotFoundException", "message": "Not found"}})
        if headers.get("cal-api-version") != "2024-06-14":
            return _json(400, {"status": "error", "error": {"code": "BadRequestException",
                                                            "message": "cal-api-version 2024-06-14 expected"}})
        return _json(200, {"status": "success", "data": EVENT_TYPES})


def _form(body: bytes) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}


def _basic(header: str) -> tuple[str, str, str]:
    if not header.startswith("Basic "):
        return "", "", ""
    try:
        return base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return "", "", ""


def _json(status: int, data: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(data, ensure_ascii=False).encode()
