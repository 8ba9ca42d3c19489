"""POST /api/public/leads as the widget sends it (docs/design/widget.md): the Origin allow-list with CORS,
rate limits, bots dropped silently, consent and contacts checked, a stale config, idempotent retries, the
plan's monthly limit (kept locked, the owners told once) and the budget of 3 DynamoDB calls."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tessera.core.dynamo import dynamodb
from tessera.core.observability import logger
from tessera.core.settings import get_settings
from tessera.workspaces import repository
from tests.integration.stack import Answer, Client
from tests.integration.workspaces.conftest import SITE, T0
from tests.integration.workspaces.test_widget import SETTINGS

PATH = "/api/public/leads"


@pytest.fixture
def live(world: dict[str, Any]) -> dict[str, Any]:
    """The world's widget saved (consent v2) and published as version 2."""
    saved = world["owner"].call("PUT", f"{world['path']}/widget", {**SETTINGS, "version": 1})
    assert saved.status == 200, saved.body
    assert world["owner"].post(f"{world['path']}/widget/publish", {"version": 2}).status == 200
    return {**world, "widget_id": world["workspace"]["widget_id"], "workspace_id": world["workspace"]["id"]}


def lead(live: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {"widget_id": live["widget_id"], "config_version": 2, "client_lead_id": str(uuid.uuid4()),
            "name": "Иван", "phone": "+79991234567", "email": None, "message": "Нужен замер",
            "consent": {"accepted": True, "text_version": "v2"},
            "page_url": "https://okna.example.ru/catalog?utm_source=yandex", "referrer": "https://ya.ru/",
            "utm_source": "yandex", "utm_medium": None, "utm_campaign": None, "utm_term": None, "utm_content": None,
            "honeypot": "", "elapsed_ms": 7500, "locale": "ru"}
    return {**body, **changes}


def send(body: Any, origin: str | None = SITE, ip: str = "198.51.100.10", language: str = "ru") -> Answer:
    headers = {"origin": origin} if origin else {}
    return Client(ip=ip, language=language).post(PATH, body, headers=headers)


def stored(live: dict[str, Any]) -> list[Any]:
    items, _ = repository.lead_page(live["workspace_id"], status=None, id_range=("lead_0", "lead_Z"),
                                    filter_condition=None, cursor=None, limit=100)
    return items


def test_a_lead_is_stored_with_its_consent_and_answered_with_cors(live: dict[str, Any],
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    body = lead(live, phone="8 (999) 123-45-67", email="Ivan@Example.ru")
    answer = send(body)
    assert answer.status == 201, answer.body
    assert answer.body == {"lead_id": answer.body["lead_id"], "client_lead_id": body["client_lead_id"]}
    assert answer.headers["access-control-allow-origin"] == SITE
    assert answer.headers["vary"] == "Origin" and answer.headers["access-control-expose-headers"] == "Retry-After"
    (record,) = stored(live)
    assert (record.lead_id, record.status, record.locked, record.channel) == (answer.body["lead_id"], "new", False,
                                                                              "widget")
    assert (record.phone, record.email, record.name) == ("+79991234567", "ivan@example.ru", "Иван")
    assert record.consent == {"accepted": True, "text_version": "v2", "at": T0.isoformat(), "ip": "198.51.100.10"}
    assert record.utm == {"utm_source": "yandex"}
    logged = "\n".join(logger.registered_formatter.format(r) for r in caplog.records)  # the lines as shipped
    assert "lead received" in logged
    for personal in ("Иван", "79991234567", "ivan@example.ru", "Нужен замер"):
        assert personal not in logged


def test_a_retry_answers_the_first_result_and_stores_nothing_new(live: dict[str, Any]) -> None:
    body = lead(live)
    first = send(body)
    again = send({**body, "elapsed_ms": 9000})
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    assert len(stored(live)) == 1


def test_the_preflight_allows_only_allowed_origins(live: dict[str, Any]) -> None:
    client = Client(ip="198.51.100.10")
    allowed = client.call("OPTIONS", PATH, headers={"origin": SITE, "access-control-request-method": "POST",
                                                    "access-control-request-headers": "content-type"})
    assert allowed.status == 204
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert allowed.headers["access-control-allow-methods"] == "POST"
    assert allowed.headers["access-control-allow-headers"] == "Content-Type, Accept-Language"
    assert allowed.headers["vary"] == "Origin"
    foreign = client.call("OPTIONS", PATH, headers={"origin": "https://evil.example",
                                                    "access-control-request-method": "POST"})
    assert foreign.status == 403 and foreign.code == "origin-not-allowed"
    assert "access-control-allow-origin" not in foreign.headers


def test_a_foreign_origin_is_refused_and_nothing_is_stored(live: dict[str, Any]) -> None:
    for origin in ("https://evil.example", None):
        answer = send(lead(live), origin=origin)
        assert answer.status == 403 and answer.code == "origin-not-allowed"
        assert answer.body["detail"] == "Этот сайт не может отправлять заявки в этот виджет."
        assert "access-control-allow-origin" not in answer.headers
    assert stored(live) == []


def test_a_removed_origin_stops_both_the_preflight_and_the_post(live: dict[str, Any]) -> None:
    live["owner"].patch(live["path"], {"allowed_origins": ["https://new.example.ru"]})
    assert send(lead(live)).status == 403
    preflight = Client().call("OPTIONS", PATH, headers={"origin": SITE, "access-control-request-method": "POST"})
    assert preflight.status == 403
    assert send(lead(live), origin="https://new.example.ru").status == 201


@contextmanager
def limits(**variables: str) -> Iterator[None]:
    os.environ.update(variables)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name in variables:
            os.environ.pop(name)
        get_settings.cache_clear()


def test_one_ip_is_limited_with_retry_after(live: dict[str, Any]) -> None:
    with limits(LEADS_PER_IP_LIMIT="3"):
        answers = [send(lead(live)) for _ in range(4)]
    assert [a.status for a in answers] == [201, 201, 201, 429]
    refused = answers[-1]
    assert refused.code == "lead-rate-limited" and refused.body["detail"] == "Слишком часто, попробуйте позже."
    assert refused.headers["retry-after"] == "600"  # T0 is on a window's start
    assert refused.headers["access-control-allow-origin"] == SITE  # the widget must read Retry-After
    assert send(lead(live), ip="198.51.100.99").status == 201  # another visitor is not affected
    assert len(stored(live)) == 4


def test_one_widget_is_limited_across_ips(live: dict[str, Any]) -> None:
    with limits(LEADS_PER_WIDGET_LIMIT="2"):
        answers = [send(lead(live), ip=f"198.51.100.{n}") for n in range(3)]
    assert [a.status for a in answers] == [201, 201, 429]
    assert answers[-1].headers["retry-after"] == "60"


@pytest.mark.parametrize("bot", [{"honeypot": "http://spam.example"}, {"elapsed_ms": 300}])
def test_bots_get_the_thank_you_answer_and_are_counted_not_stored(live: dict[str, Any], bot: dict[str, Any]) -> None:
    answer = send(lead(live, **bot, phone="not a phone"))
    assert answer.status == 201 and answer.body["lead_id"].startswith("lead_")
    assert stored(live) == []
    counted = repository.bots_of(live["widget_id"], "2026-03")
    assert counted is not None
    assert (counted.honeypot, counted.too_fast) == ((1, None) if "honeypot" in bot else (None, 1))


def test_consent_is_required_as_configured(live: dict[str, Any]) -> None:
    refused = send(lead(live, consent={"accepted": False, "text_version": "v2"}))
    assert refused.status == 422 and refused.code == "validation-failed"
    assert refused.body["errors"] == [{"loc": "body.consent.accepted", "code": "consent_required",
                                       "msg": "Нужно согласие на обработку персональных данных."}]
    old_text = send(lead(live, consent={"accepted": True, "text_version": "v1"}), language="en")
    assert [e["loc"] for e in old_text.body["errors"]] == ["body.consent.text_version"]
    assert old_text.body["errors"][0]["msg"] == "The consent text has changed: agree to it again."
    assert stored(live) == []


def test_invalid_contacts_are_named_for_the_widget(live: dict[str, Any]) -> None:
    answer = send(lead(live, phone="12-34", email="ivan@"))
    assert answer.status == 422
    assert {e["loc"]: e["code"] for e in answer.body["errors"]} == {"body.phone": "lead_phone_invalid",
                                                                    "body.email": "email_invalid"}
    assert answer.headers["access-control-allow-origin"] == SITE
    missing = send(lead(live, phone=None))
    assert [(e["loc"], e["code"]) for e in missing.body["errors"]] == [("body.phone", "missing")]
    assert stored(live) == []


def test_a_stale_config_is_answered_with_the_current_version(live: dict[str, Any]) -> None:
    body = lead(live, config_version=1)
    stale = send(body)
    assert stale.status == 409 and stale.code == "widget-config-stale"
    assert stale.body["current_version"] == 2
    assert send({**body, "config_version": 2}).status == 201  # the widget's resend with the same client id


def test_unknown_archived_or_unpublished_widgets_answer_404(live: dict[str, Any]) -> None:
    assert send(lead(live, widget_id="wgt_01JC0000000000000000000000")).status == 404
    live["owner"].post(f"{live['path']}/archive")
    answer = send(lead(live))
    assert answer.status == 404 and answer.code == "widget-not-found"


def test_malformed_bodies_are_refused(live: dict[str, Any]) -> None:
    client = Client(ip="198.51.100.10")
    assert client.post(PATH, raw_body="{not json", headers={"origin": SITE}).status == 400
    assert client.post(PATH, raw_body="{}", headers={"origin": SITE, "content-type": "text/plain"}).status == 415
    assert client.post(PATH, raw_body="x" * 20_000, headers={"origin": SITE}).status == 413
    answer = send({"widget_id": 5})
    assert answer.status == 422 and answer.body["errors"][0]["loc"] == "body.widget_id"


def test_over_the_monthly_limit_a_lead_is_kept_locked_and_the_owners_are_told_once(live: dict[str, Any]) -> None:
    counter = repository.month_counter(live["org_id"], "2026-03")
    counter.update(actions=[type(counter).value.set(500)])  # the Старт plan's 500 leads are in
    first, second = send(lead(live)), send(lead(live), ip="198.51.100.11")
    assert (first.status, second.status) == (201, 201)  # the visitor is not told
    assert [r.locked for r in stored(live)] == [True, True]
    month = repository.leads_of_month(live["org_id"], "2026-03")
    assert month is not None and (month.value, month.locked) == (502, 2)
    mails = [m for m in live["stack"].mailer.sent if "Лимит заявок" in m.subject]
    assert [m.to for m in mails] == ["owner@okna.example.ru"]


def test_without_a_subscription_leads_are_kept_locked(live: dict[str, Any]) -> None:
    from tessera.billing import service as billing
    from tessera.workspaces import service

    subscription = billing.list_subscriptions(org_id=live["org_id"]).items[0]
    billing.set_state(subscription.id, "suspended", billing.SYSTEM, "test")
    service.forget_plans()
    assert send(lead(live)).status == 201
    assert [r.locked for r in stored(live)] == [True]


@contextmanager
def dynamodb_calls() -> Iterator[list[str]]:
    calls: list[str] = []

    def seen(model: Any, **_: Any) -> None:
        calls.append(model.name)

    dynamodb.meta.events.register("before-call.dynamodb", seen)
    try:
        yield calls
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb", seen)


def test_an_accepted_lead_costs_at_most_three_dynamodb_calls(live: dict[str, Any]) -> None:
    assert send(lead(live)).status == 201  # a warm function: the plan is cached
    with dynamodb_calls() as calls:
        assert send(lead(live), ip="198.51.100.20").status == 201
    assert calls == ["GetItem", "TransactWriteItems", "TransactWriteItems"]
    assert len(stored(live)) == 2
