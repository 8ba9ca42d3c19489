"""Sign-in with Google and Яндекс against the local cloud's fake provider served over HTTP."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse

import boto3
import httpx
import pytest

from localcloud.oidc_fake import FakeOidcProvider
from tests.integration.identity.flows import PASSWORD, customer
from tests.integration.stack import Client, Platform


@pytest.fixture
def provider(stack: Platform) -> Iterator[str]:
    fake = FakeOidcProvider()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlparse(self.path)
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status, headers, payload = fake.handle(self.command, url.path, url.query,
                                                   {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/_local/oidc"
    secret = boto3.client("secretsmanager").create_secret(
        Name="oidc", SecretString=json.dumps({"google": "local-google-secret", "yandex": "local-yandex-secret"}))
    os.environ.update({"OIDC_GOOGLE_CLIENT_ID": "local-google-client", "OIDC_YANDEX_CLIENT_ID": "local-yandex-client",
                       "OIDC_ENDPOINT_OVERRIDE": base, "OIDC_SECRETS_ARN": secret["ARN"]})
    from tessera.identity import oidc

    oidc.providers.cache_clear()
    oidc._client_secrets.cache_clear()
    yield base
    server.shutdown()
    oidc.providers.cache_clear()
    oidc._client_secrets.cache_clear()


def _sign_in_with(client: Client, name: str, email: str, *, return_to: str = "/app/team", decision: str = "allow",
                  tamper: dict[str, str] | None = None) -> Any:
    """What a browser does: start, the provider's page, the decision, back to the callback."""
    start = client.get(f"/api/auth/oidc/{name}/start", query={"return_to": return_to})
    assert start.status == 302
    authorize = start.headers["location"]
    params = dict(parse_qsl(urlparse(authorize).query))
    assert params["code_challenge_method"] == "S256" and params["redirect_uri"].endswith(f"/oidc/{name}/callback")
    page = httpx.get(authorize)
    assert page.status_code == 200 and "local fake" in page.text
    form = {**params, "email": email, "name": "Пётр Гугл", "decision": decision, **(tamper or {})}
    back = httpx.post(authorize.split("?")[0], content=urlencode(form),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert back.status_code == 302
    callback = dict(parse_qsl(urlparse(back.headers["location"]).query))
    return client.get(f"/api/auth/oidc/{name}/callback", query=callback)


@pytest.mark.parametrize("name", ["google", "yandex"])
def test_new_customer_signs_in_with_a_provider(stack: Platform, provider: str, name: str) -> None:
    client = Client()
    answer = _sign_in_with(client, name, f"new.{name}@example.com")
    assert answer.status == 302 and answer.headers["location"] == "/app/team"
    me = client.get("/api/auth/me").body
    assert me["user"]["email"] == f"new.{name}@example.com" and me["memberships"][0]["role"] == "owner"
    again = Client()
    _sign_in_with(again, name, f"new.{name}@example.com")
    assert again.get("/api/auth/me").body["user"]["id"] == me["user"]["id"]  # the same account, linked


def test_existing_customer_is_linked_by_verified_email(stack: Platform, provider: str) -> None:
    _, me = customer(stack, "anna@example.com")
    client = Client()
    _sign_in_with(client, "google", "anna@example.com")
    assert client.get("/api/auth/me").body["user"]["id"] == me["user"]["id"]
    assert Client().post("/api/auth/login", {"email": "anna@example.com", "password": PASSWORD}).status == 200


def test_refusals(stack: Platform, provider: str) -> None:
    cancelled = _sign_in_with(Client(), "yandex", "x@example.com", decision="deny")
    assert cancelled.headers["location"] == "/app/login?error=oidc-cancelled"
    forged_pkce = _sign_in_with(Client(), "google", "x@example.com", tamper={"code_challenge": "A" * 43})
    assert forged_pkce.headers["location"] == "/app/login?error=oidc-failed"
    open_redirect = Client()
    answer = _sign_in_with(open_redirect, "google", "y@example.com", return_to="//evil.example/steal")
    assert answer.headers["location"] == "/app/"
    no_cookie = Client()
    start = no_cookie.get("/api/auth/oidc/google/start")
    no_cookie.cookies.pop("tessera_oidc")
    state = dict(parse_qsl(urlparse(start.headers["location"]).query))["state"]
    stolen = no_cookie.get("/api/auth/oidc/google/callback", query={"code": "x", "state": state})
    assert stolen.headers["location"] == "/app/login?error=oidc-state"
    assert Client().get("/api/auth/oidc/github/start").status == 422  # not a provider we know


def test_staff_cannot_use_a_provider(stack: Platform, provider: str) -> None:
    from tessera.identity import staff

    staff.bootstrap_admin("boss@tessera.local", "Boss", PASSWORD)
    answer = _sign_in_with(Client(), "google", "boss@tessera.local")
    assert answer.headers["location"] == "/app/login?error=oidc-staff"
