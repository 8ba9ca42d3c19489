"""Channels on moto with the local cloud's fake providers behind the real adapters: connect with a live
test (credentials encrypted, never returned), a failing test disabling the channel, operators' replies
from the lead card, new leads to the chosen channels, Cal.com's key, event types and signed booking
webhooks; tenant and role checks on every new route."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import boto3
import httpx
import pytest

from localcloud.channel_fakes import FakeProviders, sign
from localcloud.chat_fake import FakeChats
from tessera.core import clock
from tests.integration.notify.conftest import as_customer
from tests.integration.stack import Answer, Client
from tests.integration.workspaces.conftest import T0, org_with_plan
from tests.integration.workspaces.test_ingest import lead, live, send  # noqa: F401  (the fixture)

BOT = "987654321:AAFakeTokenForTestsOnly_abcdefghijk12"
SMSC = {"type": "smsc", "credentials": {"login": "okna", "password": "sms-secret-1"},
        "settings": {"notify_phone": "+79160000001", "sender": "OKNA"}}
TELEGRAM = {"type": "telegram", "credentials": {"bot_token": BOT}, "settings": {"chat_id": "-100777"}}
TWILIO = {"type": "twilio", "credentials": {"account_sid": "AC" + "1" * 32, "auth_token": "f" * 32},
          "settings": {"from_number": "+15557654321", "notify_phone": "+79160000002"}}
CAL_KEY = "cal_live_0123456789abcdef"


class Outside:
    """The fake providers, reached by the real adapters through an httpx transport."""

    def __init__(self) -> None:
        self.providers = FakeProviders(clock.now)
        self.chats = FakeChats(clock.now)
        self.outage: set[str] = set()

    def route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        provider = path.split("/")[2]
        if provider in self.outage:
            return httpx.Response(503, json={"error": "maintenance"})
        if provider == "telegram":
            status, headers, body = self.chats.handle(request.method, path, request.content)
        else:
            status, headers, body = self.providers.handle(request.method, path, request.url.query.decode(),
                                                          dict(request.headers), request.content)
        return httpx.Response(status, headers=headers, content=body)

    def telegram(self) -> list[dict[str, Any]]:
        return [m for m in self.chats.messages if m["channel"] == "telegram"]


@pytest.fixture
def outside() -> Iterator[Outside]:
    from tessera.workspaces.channels import calcom, providers

    fake = Outside()
    transport = httpx.MockTransport(fake.route)
    base = "http://cloud.local/_local"
    providers.use_providers({
        "telegram": providers.TelegramProvider(f"{base}/telegram", transport),
        "smsc": providers.SmscProvider(f"{base}/smsc", transport),
        "twilio": providers.TwilioProvider(f"{base}/twilio", transport),
        "whatsapp": providers.WhatsAppProvider(f"{base}/whatsapp/v21.0", transport),
        "max": providers.MaxProvider(f"{base}/max", transport),
        "email": providers.SesProvider(),
    })
    calcom.use_client(calcom.CalcomClient(f"{base}/calcom", transport))
    yield fake
    providers.use_providers(None)
    calcom.use_client(None)


def _connect(world: dict[str, Any], body: dict[str, Any], language: str = "en") -> Answer:
    return world["owner"].call("POST", f"{world['path']}/channels", body, headers={"accept-language": language})


def _raw_item(world: dict[str, Any], sk: str) -> dict[str, Any] | None:
    table = boto3.resource("dynamodb").Table(world["stack"].ids["WorkspacesTable"])
    return table.get_item(Key={"pk": f"WS#{world['workspace']['id']}", "sk": sk}).get("Item")


def test_connecting_tests_live_encrypts_and_never_returns_the_credentials(world: dict[str, Any],
                                                                           outside: Outside) -> None:
    answer = _connect(world, TELEGRAM)
    assert answer.status == 201, answer.body
    assert answer.body["status"] == "active" and answer.body["account"] == "@tessera_local_bot"
    assert answer.body["credentials_hint"] == {"bot_token": "••••jk12"} and BOT not in json.dumps(answer.body)
    (test_message,) = outside.telegram()
    assert test_message["to"] == "-100777" and "проверка канала" in test_message["text"]
    item = _raw_item(world, "CHANNEL#telegram")
    assert item is not None and BOT not in json.dumps(item, default=str) and item["credentials_sealed"]
    listed = as_customer(world["org_id"], "operator").get(f"{world['path']}/channels")
    assert listed.status == 200 and [c["type"] for c in listed.body["items"]] == ["telegram"]
    assert BOT not in json.dumps(listed.body)
    again = _connect(world, TELEGRAM)
    assert again.status == 409 and again.code == "channel-already-connected"


def test_bad_input_names_the_field_and_a_refused_key_stores_nothing(world: dict[str, Any], outside: Outside) -> None:
    missing = _connect(world, {"type": "telegram", "credentials": {}, "settings": {"chat_id": "-1", "x": "y"}})
    assert missing.status == 422
    assert {e["loc"] for e in missing.body["errors"]} == {"body.credentials.bot_token", "body.settings.x"}
    bad_phone = _connect(world, {**SMSC, "settings": {"notify_phone": "12"}})
    assert bad_phone.status == 422 and bad_phone.body["errors"][0]["loc"] == "body.settings.notify_phone"
    assert _connect(world, {"type": "fax"}).status == 422
    refused = _connect(world, {**SMSC, "credentials": {"login": "wrong", "password": "x"}}, language="ru")
    assert refused.status == 400 and refused.code == "channel-test-failed"
    assert refused.body["reason"] == "unauthorized"
    assert refused.body["detail"] == ("Проверка канала не прошла: SMSC.ru не принял ключ доступа: проверьте его и "
                                      "подключите канал заново.")
    assert world["owner"].get(f"{world['path']}/channels").body["items"] == []
    assert outside.providers.messages() == []


def test_a_failing_test_disables_the_channel_until_a_test_passes(live: dict[str, Any],  # noqa: F811
                                                                 outside: Outside) -> None:
    assert _connect(live, TWILIO).status == 201
    outside.outage.add("twilio")
    failed = live["owner"].call("POST", f"{live['path']}/channels/twilio/test", {},
                                headers={"accept-language": "ru"})
    assert failed.status == 200 and failed.body["status"] == "failed"
    assert failed.body["last_error"]["reason"] == "unavailable"
    assert failed.body["last_error"]["message"] == "Twilio сейчас недоступен. Попробуйте ещё раз через минуту."
    outside.outage.clear()
    lead_id = _lead_id(live)
    reply = {"channel": "twilio", "text": "Здравствуйте", "client_id": str(uuid.uuid4())}
    off = live["owner"].post(f"{live['path']}/leads/{lead_id}/messages", reply)
    assert off.status == 409 and off.code == "channel-failed"
    _stream_insert(live, lead_id)  # a failed channel is not told of new leads either
    assert len(outside.providers.messages("twilio")) == 1  # its first test only
    passed = live["owner"].post(f"{live['path']}/channels/twilio/test", {"text": "Проверка"})
    assert passed.status == 200 and passed.body["status"] == "active" and passed.body["last_error"] is None
    assert outside.providers.messages("twilio")[-1]["text"] == "Проверка"
    assert live["owner"].post(f"{live['path']}/leads/{lead_id}/messages", reply).status == 201
    assert live["owner"].call("DELETE", f"{live['path']}/channels/twilio").status == 204
    assert _raw_item(live, "CHANNEL#twilio") is None


def _lead_id(live: dict[str, Any], **changes: Any) -> str:  # noqa: F811
    answer = send(lead(live, **changes))
    assert answer.status == 201, answer.body
    return str(answer.body["lead_id"])


def test_a_reply_goes_to_the_lead_once_and_marks_it_contacted(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    lead_id = _lead_id(live)
    assert _connect(live, SMSC).status == 201
    operator = as_customer(live["org_id"], "operator")
    path = f"{live['path']}/leads/{lead_id}/messages"
    body = {"channel": "smsc", "text": "Здравствуйте! Когда удобно приехать на замер?", "client_id": str(uuid.uuid4())}
    with clock.frozen(T0 + timedelta(minutes=5)):
        first = operator.post(path, body)
        again = operator.post(path, body)
    assert first.status == 201, first.body
    assert first.body["to"] == "+79991234567" and first.body["lead_status"] == "contacted"
    assert again.status == 200 and again.body["provider_message_id"] == first.body["provider_message_id"]
    assert [m["to"] for m in outside.providers.messages("smsc")] == ["+79160000001", "+79991234567"]
    detail = live["owner"].get(f"{live['path']}/leads/{lead_id}").body
    assert detail["status"] == "contacted" and detail["first_contact_at"].startswith("2026-03-02T09:05:00")
    assert [(e["kind"], e["data"].get("to")) for e in detail["timeline"]] == [
        ("form", None), ("message", "+79991234567"), ("status", "contacted")]
    from tessera.workspaces import repository

    record = repository.find_lead(live["workspace_id"], lead_id)
    assert record is not None and record.first_contact_seconds == 300
    no_channel = operator.post(path, {**body, "channel": "whatsapp", "client_id": str(uuid.uuid4())})
    assert no_channel.status == 409 and no_channel.code == "channel-not-connected"
    no_email = operator.post(path, {**body, "channel": "email", "client_id": str(uuid.uuid4())})
    assert no_email.status == 409 and no_email.code in ("channel-not-connected", "lead-no-address")
    analyst = as_customer(live["org_id"], "analyst")
    assert analyst.post(path, {**body, "client_id": str(uuid.uuid4())}).status == 403


def test_a_refused_reply_sends_nothing_and_can_be_retried(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    lead_id = _lead_id(live, phone="+79990000000")
    assert _connect(live, SMSC).status == 201
    body = {"channel": "smsc", "text": "Добрый день", "client_id": str(uuid.uuid4())}
    refused = live["owner"].post(f"{live['path']}/leads/{lead_id}/messages", body)
    assert refused.status == 400 and refused.code == "channel-send-failed" and refused.body["reason"] == "bad_address"
    detail = live["owner"].get(f"{live['path']}/leads/{lead_id}").body
    assert detail["status"] == "new" and [e["kind"] for e in detail["timeline"]] == ["form"]
    assert _raw_item(live, f"MSG#{body['client_id']}") is None  # the client id is free for a retry


def _stream_insert(live: dict[str, Any], lead_id: str) -> None:  # noqa: F811
    """What the table's stream hands LeadsChannelsFunction for a new lead."""
    from tessera.workspaces.channels.stream import on_stream

    client = boto3.client("dynamodb")
    keys = {"pk": {"S": f"WS#{live['workspace_id']}"}, "sk": {"S": f"LEAD#{lead_id}"}}
    item = client.get_item(TableName=live["stack"].ids["WorkspacesTable"], Key=keys)["Item"]
    on_stream([{"eventName": "INSERT", "dynamodb": {"Keys": keys, "NewImage": item}}])


def test_a_new_lead_goes_to_the_chosen_channels(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    assert _connect(live, TELEGRAM).status == 201
    assert _connect(live, {**SMSC, "notify_new_leads": False}).status == 201
    lead_id = _lead_id(live, name="Мария", email="maria@example.ru")
    _stream_insert(live, lead_id)
    notice = outside.telegram()[-1]
    assert notice["to"] == "-100777" and "Мария" in notice["text"] and lead_id in notice["text"]
    assert len(outside.providers.messages("smsc")) == 1  # only its connection test
    live["owner"].patch(f"{live['path']}/channels/telegram", {"notify_new_leads": False})
    _stream_insert(live, _lead_id(live))
    assert len(outside.telegram()) == 2


def _deliver(workspace_id: str, delivery: dict[str, Any], secret: str) -> Answer:
    raw = json.dumps(delivery).encode()
    return Client().call("POST", f"/api/webhooks/calcom/{workspace_id}", raw_body=raw,
                         headers={"x-cal-signature-256": sign(secret, raw)})


def _booking(uid: str, trigger: str = "BOOKING_CREATED", **payload: Any) -> dict[str, Any]:
    return {"triggerEvent": trigger, "createdAt": "2026-03-02T10:00:00Z",
            "payload": {"uid": uid, "title": "Замер", "startTime": "2026-03-03T09:00:00Z",
                        "endTime": "2026-03-03T10:00:00Z", "status": "ACCEPTED",
                        "attendees": [{"name": "Мария", "email": "maria@example.ru", "timeZone": "Europe/Moscow"}],
                        **payload}}


def test_calcom_bookings_mark_the_lead_booked_once_and_forgeries_change_nothing(live: dict[str, Any],  # noqa: F811
                                                                                 outside: Outside) -> None:
    refused = live["owner"].call("PUT", f"{live['path']}/calcom", {"api_key": "cal_live_revoked123"})
    assert refused.status == 400 and refused.code == "calcom-key-refused"
    connected = live["owner"].call("PUT", f"{live['path']}/calcom", {"api_key": CAL_KEY})
    assert connected.status == 200 and connected.body["connected"] is True
    secret = connected.body["webhook_secret"]
    assert secret and connected.body["webhook_url"].endswith(f"/api/webhooks/calcom/{live['workspace_id']}")
    shown = live["owner"].get(f"{live['path']}/calcom").body
    assert shown["webhook_secret"] is None and shown["api_key_hint"] == "••••cdef"
    types = as_customer(live["org_id"], "operator").get(f"{live['path']}/calcom/event-types")
    assert [t["slug"] for t in types.body["items"]] == ["konsultaciya", "zamer"]

    lead_id = _lead_id(live, name="Мария", email="maria@example.ru")
    _stream_insert(live, lead_id)  # remembers the lead's e-mail
    forged = _deliver(live["workspace_id"], _booking("b-1"), "not-the-secret")
    assert forged.status == 401 and forged.code == "calcom-signature-invalid"
    unsigned = Client().call("POST", f"/api/webhooks/calcom/{live['workspace_id']}",
                             raw_body=json.dumps(_booking("b-1")).encode())
    assert unsigned.status == 401
    assert live["owner"].get(f"{live['path']}/leads/{lead_id}").body["status"] == "new"

    no_uid = _deliver(live["workspace_id"], {"triggerEvent": "BOOKING_CREATED", "payload": {"title": "x"}}, secret)
    assert no_uid.status == 400 and no_uid.code == "calcom-payload-invalid"
    ping = _deliver(live["workspace_id"], {"triggerEvent": "PING", "payload": {}}, secret)
    assert ping.status == 200 and ping.body["lead_id"] is None
    booked = _deliver(live["workspace_id"], _booking("b-1"), secret)
    assert booked.status == 200 and booked.body == {"received": True, "lead_id": lead_id, "duplicate": False}
    replayed = _deliver(live["workspace_id"], _booking("b-1"), secret)
    assert replayed.status == 200 and replayed.body["duplicate"] is True
    moved = _deliver(live["workspace_id"], _booking("b-2", "BOOKING_RESCHEDULED", rescheduledFromUid="b-1"), secret)
    assert moved.status == 200 and moved.body["lead_id"] == lead_id
    detail = live["owner"].get(f"{live['path']}/leads/{lead_id}").body
    assert detail["status"] == "booked"
    kinds = [(e["kind"], e["data"].get("trigger") or e["data"].get("to")) for e in detail["timeline"]]
    assert kinds == [("form", None), ("booking", "BOOKING_CREATED"), ("status", "booked"),
                     ("booking", "BOOKING_RESCHEDULED")]

    by_metadata = _lead_id(live, name="Пётр", phone="+79997654321")
    answer = _deliver(live["workspace_id"], _booking("b-3", attendees=[{"email": "other@example.ru"}],
                                                     metadata={"lead_id": by_metadata}), secret)
    assert answer.body["lead_id"] == by_metadata
    unmatched = _deliver(live["workspace_id"], _booking("b-4", attendees=[{"email": "nobody@example.ru"}]), secret)
    assert unmatched.status == 200 and unmatched.body["lead_id"] is None
    assert live["owner"].call("DELETE", f"{live['path']}/calcom").status == 204
    assert _deliver(live["workspace_id"], _booking("b-5"), secret).status == 401


ROUTES = [("GET", "/channels", None), ("POST", "/channels", TELEGRAM), ("PATCH", "/channels/telegram",
                                                                        {"notify_new_leads": False}),
          ("POST", "/channels/telegram/test", {}), ("DELETE", "/channels/telegram", None),
          ("GET", "/calcom", None), ("PUT", "/calcom", {"api_key": CAL_KEY}), ("GET", "/calcom/event-types", None),
          ("DELETE", "/calcom", None)]
MANAGE = {("POST", "/channels"), ("PATCH", "/channels/telegram"), ("POST", "/channels/telegram/test"),
          ("DELETE", "/channels/telegram"), ("PUT", "/calcom"), ("DELETE", "/calcom")}


def test_every_route_checks_the_tenant_and_the_role(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    stranger, stranger_org = org_with_plan(live["stack"], "owner@stranger.example.ru")
    lead_id = _lead_id(live)
    message = ("POST", f"/leads/{lead_id}/messages", {"channel": "smsc", "text": "x", "client_id": str(uuid.uuid4())})
    # the other organization's owner, through their own organization's path: the workspace is not found
    theirs = f"/api/app/orgs/{stranger_org}/workspaces/{live['workspace_id']}"
    for method, suffix, body in [*ROUTES, message]:
        other = stranger.call(method, f"{theirs}{suffix}", body)
        assert other.status == 404 and other.code == "workspace-not-found", (method, suffix, other.status)
        assert stranger.call(method, f"{live['path']}{suffix}", body).status == 404  # not their organization
        analyst = as_customer(live["org_id"], "analyst").call(method, f"{live['path']}{suffix}", body)
        operator = as_customer(live["org_id"], "operator").call(method, f"{live['path']}{suffix}", body)
        if (method, suffix) in MANAGE:
            assert (analyst.status, operator.status) == (403, 403), (method, suffix)
        elif suffix.endswith("/messages"):
            assert analyst.status == 403 and operator.status != 403
        else:
            assert analyst.status != 403 and operator.status != 403
    assert outside.telegram() == [] and outside.providers.messages() == []


def test_an_email_channel_sends_through_ses(live: dict[str, Any], outside: Outside) -> None:  # noqa: F811
    from moto.ses.models import ses_backends

    email = {"type": "email", "settings": {"notify_email": "manager@okna.example.ru", "sender_name": "Окна Москва",
                                           "subject": "Заявка с сайта"}}
    connected = _connect(live, email)
    assert connected.status == 201, connected.body
    assert connected.body["credentials_hint"] == {}
    lead_id = _lead_id(live, email="client@example.ru")
    body = {"channel": "email", "text": "Здравствуйте! Пришлём расчёт сегодня.", "client_id": str(uuid.uuid4())}
    assert live["owner"].post(f"{live['path']}/leads/{lead_id}/messages", body).status == 201
    sent = ses_backends["123456789012"]["eu-central-1"].sent_messages
    assert [list(m.destinations["ToAddresses"]) for m in sent[-2:]] == [["manager@okna.example.ru"],
                                                                        ["client@example.ru"]]
    assert sent[-1].body == "Здравствуйте! Пришлём расчёт сегодня." and sent[-1].subject == "Заявка с сайта"
