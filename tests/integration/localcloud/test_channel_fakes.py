"""The Fast Lead channels' adapters against the local cloud's pages, at the endpoints parameters.json
gives the functions: what `make run` uses offline (no cloud started here: the pages are called in
process through an httpx transport)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from localcloud.pages import LocalPages
from tessera.workspaces.channels import calcom, providers
from tessera.workspaces.channels.providers import Connection, ProviderError

GATEWAY = "http://127.0.0.1:8080"
PARAMETERS = json.loads((Path(__file__).resolve().parents[3] / "infra" / "local" / "parameters.json").read_text())


def _base(parameter: str) -> str:
    return str(PARAMETERS[parameter]).replace("{gateway}", GATEWAY)


@pytest.fixture
def pages() -> LocalPages:
    clock = SimpleNamespace(now=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC))
    return LocalPages(None, None, None, clock, "http://127.0.0.1:1")  # type: ignore[arg-type]


@pytest.fixture
def transport(pages: LocalPages) -> httpx.MockTransport:
    def route(request: httpx.Request) -> httpx.Response:
        status, headers, body = pages.handle(request.method, request.url.path, request.url.query.decode(),
                                             dict(request.headers), request.content)
        return httpx.Response(status, headers=headers, content=body)

    return httpx.MockTransport(route)


def test_each_adapter_reaches_its_fake_and_the_page_lists_what_was_sent(pages: LocalPages,
                                                                         transport: httpx.MockTransport) -> None:
    sends = [
        (providers.SmscProvider(_base("SmscApiBase"), transport),
         Connection("smsc", {"login": "okna", "password": "p"}), "+79161234567"),
        (providers.TwilioProvider(_base("TwilioApiBase"), transport),
         Connection("twilio", {"account_sid": "AC" + "1" * 32, "auth_token": "f" * 32}, {"from_number": "+1555"}),
         "+79161234568"),
        (providers.WhatsAppProvider(_base("WhatsAppApiBase"), transport),
         Connection("whatsapp", {"access_token": "EAAGlocal"}, {"phone_number_id": "100200"}), "+79161234569"),
        (providers.MaxProvider(_base("MaxApiBase"), transport), Connection("max", {"bot_token": "maxlocal1"}), "-70"),
    ]
    for adapter, connection, to in sends:
        adapter.check(connection)
        assert adapter.send(connection, to, f"Здравствуйте, {connection.kind}")
    telegram = providers.TelegramProvider(_base("TelegramApiBase"), transport)
    bot = Connection("telegram", {"bot_token": "987654321:AAFakeTokenForTestsOnly_abcdefghijk12"})
    assert telegram.check(bot) == "@tessera_local_bot"
    assert telegram.send(bot, "-100", "Новая заявка")
    listed = json.loads(pages.handle("GET", "/_local/providers", "format=json", {}, b"")[2])["messages"]
    assert [(m["provider"], m["to"]) for m in reversed(listed)] == [
        ("smsc", "+79161234567"), ("twilio", "+79161234568"), ("whatsapp", "79161234569"), ("max", "-70")]
    assert pages.chats.messages[-1]["text"] == "Новая заявка"
    assert "f" * 32 not in json.dumps(listed) and "EAAGlocal" not in json.dumps(listed)


def test_the_fakes_refuse_as_the_providers_do(transport: httpx.MockTransport) -> None:
    with pytest.raises(ProviderError) as smsc:
        providers.SmscProvider(_base("SmscApiBase"), transport).send(
            Connection("smsc", {"login": "wrong", "password": "p"}), "+79161234567", "x")
    assert smsc.value.reason == "unauthorized"
    with pytest.raises(ProviderError) as whatsapp:
        providers.WhatsAppProvider(_base("WhatsAppApiBase"), transport).check(
            Connection("whatsapp", {"access_token": "EAAGexpired"}, {"phone_number_id": "1"}))
    assert whatsapp.value.reason == "unauthorized"
    with pytest.raises(ProviderError) as max_chat:
        providers.MaxProvider(_base("MaxApiBase"), transport).send(Connection("max", {"bot_token": "t" * 10}),
                                                                    "404", "x")
    assert max_chat.value.reason == "bad_address"
    client = calcom.CalcomClient(_base("CalcomApiBase"), transport)
    assert [t["id"] for t in client.event_types("cal_live_local")] == [101, 102]
    with pytest.raises(ProviderError) as revoked:
        client.event_types("cal_live_revoked")
    assert revoked.value.reason == "unauthorized"
