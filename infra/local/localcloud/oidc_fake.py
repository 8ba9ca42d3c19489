"""A fake Google / Яндекс ID for the local cloud: the authorization page (pick who signs in), the
token endpoint (checks the code, redirect URI and PKCE verifier) and the userinfo endpoint, each in
the provider's own response shape, so the product's real adapter runs unchanged. It expects the
client secret infra/local/parameters.json gives the template: `local-<provider>-secret`."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import parse_qs, urlencode

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class _Grant:
    provider: str
    client_id: str
    redirect_uri: str
    challenge: str
    email: str
    name: str


class FakeOidcProvider:
    def __init__(self) -> None:
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Answer:
        parts = path.strip("/").split("/")  # _local / oidc / <provider> / <endpoint>
        if len(parts) != 4 or parts[2] not in ("google", "yandex"):
            return _text(404, "no such provider endpoint")
        provider, endpoint = parts[2], parts[3]
        params = {k: v[-1] for k, v in parse_qs(query).items()}
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()} if body else {}
        if endpoint == "authorize":
            return self._authorize_page(provider, params) if method == "GET" else self._authorize(provider, form)
        if endpoint == "token" and method == "POST":
            return self._token(form)
        if endpoint == "userinfo" and method == "GET":
            return self._userinfo(provider, headers.get("authorization", ""))
        return _text(405, "method not allowed")

    def _authorize_page(self, provider: str, params: dict[str, str]) -> Answer:
        missing = [p for p in ("client_id", "redirect_uri", "state", "code_challenge") if not params.get(p)]
        if missing or params.get("code_challenge_method") != "S256" or params.get("response_type") != "code":
            return _text(400, f"bad authorization request: missing {missing} or not code + S256")
        title = "Google" if provider == "google" else "Яндекс ID"
        hidden = "".join(f"<input type=hidden name='{escape(k)}' value='{escape(v)}'>" for k, v in params.items())
        page = (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title} (local)</title></head>"
                f"<body style='font-family:sans-serif;max-width:420px;margin:40px auto'>"
                f"<h1>{title} <small style='color:#888'>(local fake)</small></h1>"
                f"<p>Приложение <b>{escape(params['client_id'])}</b> просит войти. Who signs in?</p>"
                f"<form method=post>{hidden}<p><label>E-mail <input name=email type=email required "
                f"value='person@example.com'></label></p><p><label>Имя <input name=name value='Пётр Гугл'>"
                f"</label></p><button name=decision value=allow>Разрешить</button> "
                f"<button name=decision value=deny formnovalidate>Отказать</button></form></body></html>")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def _authorize(self, provider: str, form: dict[str, str]) -> Answer:
        redirect = form.get("redirect_uri", "")
        if form.get("decision") != "allow":
            denied = urlencode({"error": "access_denied", "state": form.get("state", "")})
            return 302, {"Location": f"{redirect}?{denied}"}, b""
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = _Grant(provider, form.get("client_id", ""), redirect, form.get("code_challenge", ""),
                                       form.get("email", "").strip().lower(), form.get("name", "").strip())
        return 302, {"Location": f"{redirect}?{urlencode({'code': code, 'state': form.get('state', '')})}"}, b""

    def _token(self, form: dict[str, str]) -> Answer:
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if grant is None or form.get("grant_type") != "authorization_code" \
                or form.get("client_secret") != f"local-{grant.provider}-secret" \
                or form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri \
                or challenge != grant.challenge:
            return _json(400, {"error": "invalid_grant"})
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = grant
        return _json(200, {"access_token": token, "token_type": "bearer", "expires_in": 3600})

    def _userinfo(self, provider: str, authorization: str) -> Answer:
        scheme, _, token = authorization.partition(" ")
        with self._lock:
            grant = self._tokens.get(token)
        expected = "OAuth" if provider == "yandex" else "Bearer"
        if grant is None or grant.provider != provider or scheme != expected:
            return _json(401, {"error": "invalid_token"})
        subject = hashlib.sha256(f"{provider}:{grant.email}".encode()).hexdigest()[:20]
        if provider == "yandex":
            return _json(200, {"id": subject, "login": grant.email.split("@")[0], "default_email": grant.email,
                               "emails": [grant.email], "real_name": grant.name, "display_name": grant.name})
        return _json(200, {"sub": subject, "email": grant.email, "email_verified": True, "name": grant.name})


def _json(status: int, data: Any) -> Answer:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


def _text(status: int, text: str) -> Answer:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()
