"""ЮKassa v3: the exact requests (auth, Idempotence-Key, body field by field), the answers parsed from the
API's documented shapes, result-unknown handling, declines, and the webhook's network allow-list."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tessera.billing.providers.port import (
    ProviderRejected,
    RefundRequest,
    ResultUnknown,
    WebhookRejected,
    attempt_key,
)
from tessera.billing.providers.transport import ProviderSettings
from tessera.billing.providers.yookassa import YooKassa, YooKassaCredentials
from tessera.core.money import Money
from tests.unit.billing.providers.conftest import INVOICE, Recorder, make_charge, make_receipt, make_request

SECRET = "test_Fh8hUAVVBGUGbjmlzba6TB0iyUbos_lueTHE-axOwM0"
CREDENTIALS = YooKassaCredentials(shop_id="100500", secret_key=SECRET)
PAYMENT_ID = "2d8a2f86-000f-5000-9000-1b68e7b15f3f"


def payment_json(status: str = "pending", **extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": PAYMENT_ID, "status": status, "paid": status == "succeeded",
        "amount": {"value": "9990.00", "currency": "RUB"}, "created_at": "2026-03-01T10:00:00.000Z",
        "description": "Счёт 2026-000017: Fast Lead «Про»", "recipient": {"account_id": "100500", "gateway_id": "1"},
        "refundable": False, "test": True, "metadata": {"invoice_id": INVOICE, "attempt": "1"},
    }
    if status == "pending":
        body["confirmation"] = {"type": "redirect", "confirmation_url": "https://yoomoney.ru/checkout/payments/v2/contract?orderId=2d8a2f86"}
    body.update(extra)
    return body


def adapter(recorder: Recorder, settings: ProviderSettings) -> YooKassa:
    return YooKassa(CREDENTIALS, settings=settings, client=recorder.client("https://api.yookassa.ru/v3/"))


def test_start_sends_the_documented_payment_request(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json=payment_json()))
    payment = adapter(recorder, settings).start(make_request())

    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/v3/payments")
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(f"100500:{SECRET}".encode()).decode()
    assert sent.headers["Idempotence-Key"] == attempt_key(INVOICE, 1)
    assert sent.headers["Content-Type"] == "application/json"
    body = recorder.body()
    assert body["amount"] == {"value": "9990.00", "currency": "RUB"}
    assert body["capture"] is True
    assert body["confirmation"] == {"type": "redirect", "return_url": "https://app.tessera.example/app/billing/return"}
    assert body["save_payment_method"] is True
    assert body["description"] == "Счёт 2026-000017: Fast Lead «Про»"
    assert body["metadata"] == {"invoice_id": INVOICE, "attempt": "1"}
    assert body["merchant_customer_id"] == "org-01JH8Z"
    assert body["receipt"] == {
        "customer": {"email": "owner@demo.tessera.local"},
        "tax_system_code": 1,
        "items": [{"description": "Fast Lead «Про», 1 месяц", "quantity": 1,
                   "amount": {"value": "9990.00", "currency": "RUB"}, "vat_code": 4,
                   "payment_mode": "full_payment", "payment_subject": "service"}],
    }
    assert "payment_method_id" not in body
    assert payment.status == "pending"
    assert payment.confirmation_url and payment.confirmation_url.startswith("https://yoomoney.ru/checkout/")
    assert (payment.invoice_id, payment.attempt, payment.amount) == (INVOICE, 1, Money(999_000))


def test_each_attempt_has_its_own_key_and_a_repeat_the_same() -> None:
    assert attempt_key(INVOICE, 1) == attempt_key(INVOICE, 1)
    assert attempt_key(INVOICE, 1) != attempt_key(INVOICE, 2)
    assert attempt_key(INVOICE, 1) != attempt_key(INVOICE + "X", 1)
    assert len(attempt_key(INVOICE, 1)) <= 64


@pytest.mark.parametrize(("vat", "code"), [("none", 1), ("0", 2), ("10", 3), ("20", 4), ("20/120", 6), ("5", 7),
                                           ("22", 11), ("22/122", 12)])
def test_vat_rates_map_to_vat_codes(vat: str, code: int, settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json=payment_json()))
    adapter(recorder, settings).start(make_request(vat=vat))  # type: ignore[arg-type]
    assert recorder.body()["receipt"]["items"][0]["vat_code"] == code


def test_charge_saved_is_merchant_initiated_without_confirmation(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json=payment_json(
        "succeeded", payment_method={"type": "bank_card", "id": "2d8a2f00-000f-5000-9000-1d1d1d1d1d1d", "saved": True,
                                     "title": "Bank card *4444"})))
    saved_id = "2d8a2f00-000f-5000-9000-1d1d1d1d1d1d"
    payment = adapter(recorder, settings).charge_saved(make_charge("yookassa", saved_id, 2))
    body = recorder.body()
    assert body["payment_method_id"] == "2d8a2f00-000f-5000-9000-1d1d1d1d1d1d"
    assert "confirmation" not in body and "save_payment_method" not in body
    assert body["metadata"] == {"invoice_id": INVOICE, "attempt": "2"}
    assert recorder.requests[0].headers["Idempotence-Key"] == attempt_key(INVOICE, 2)
    assert payment.status == "succeeded" and payment.confirmation_url is None and payment.decline is None


@pytest.mark.parametrize(("reason", "action"), [
    ("insufficient_funds", "retry"), ("issuer_unavailable", "retry"), ("internal_timeout", "retry"),
    ("general_decline", "retry"), ("permission_revoked", "stop"), ("fraud_suspected", "stop"),
    ("card_expired", "new_card"), ("invalid_card_number", "new_card"), ("something_new", "retry"),
])
def test_a_canceled_payment_is_a_decline_with_its_action(reason: str, action: str, settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json=payment_json(
        "canceled", cancellation_details={"party": "payment_network", "reason": reason})))
    payment = adapter(recorder, settings).charge_saved(make_charge("yookassa", "pm-1"))
    assert payment.status == "canceled"
    assert payment.decline is not None and (payment.decline.code, payment.decline.action) == (reason, action)


@pytest.mark.parametrize("answer", [httpx.Response(500, json={"type": "error", "code": "internal_server_error"}),
                                    httpx.Response(202, json={"type": "error"}),
                                    httpx.Response(429, json={"type": "error", "code": "too_many_requests"}),
                                    httpx.ReadTimeout("timed out"), httpx.ConnectError("refused")])
def test_no_result_is_unknown_and_the_retry_repeats_the_same_key(answer: object, settings: ProviderSettings) -> None:
    recorder = Recorder(answer, httpx.Response(200, json=payment_json("succeeded")))  # type: ignore[arg-type]
    yookassa = adapter(recorder, settings)
    with pytest.raises(ResultUnknown):
        yookassa.charge_saved(make_charge("yookassa", "pm-1"))
    assert yookassa.charge_saved(make_charge("yookassa", "pm-1")).status == "succeeded"
    first, second = recorder.requests
    assert first.headers["Idempotence-Key"] == second.headers["Idempotence-Key"] == attempt_key(INVOICE, 1)
    assert first.content == second.content


def test_a_4xx_is_rejected_with_the_providers_code_and_no_secret(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(400, json={
        "type": "error", "id": "ab7f4b7e", "code": "invalid_request",
        "description": "Idempotence key duplicated", "parameter": "Idempotence-Key"}))
    with pytest.raises(ProviderRejected) as caught:
        adapter(recorder, settings).start(make_request())
    assert caught.value.code == "invalid_request"
    assert "Idempotence key duplicated" in str(caught.value) and "Idempotence-Key" in str(caught.value)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


def test_credentials_never_show_in_repr() -> None:
    assert SECRET not in repr(CREDENTIALS) and SECRET not in str(CREDENTIALS)
    assert SECRET not in repr(YooKassa(CREDENTIALS, client=httpx.Client()).__dict__)


def test_fetch_reads_the_saved_method(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json=payment_json(
        "succeeded", payment_method={"type": "bank_card", "id": PAYMENT_ID, "saved": True,
                                     "card": {"first6": "555555", "last4": "4477", "expiry_month": "07",
                                              "expiry_year": "2031", "card_type": "MasterCard"}})))
    payment = adapter(recorder, settings).fetch(PAYMENT_ID)
    assert (recorder.requests[0].method, recorder.requests[0].url.path) == ("GET", f"/v3/payments/{PAYMENT_ID}")
    assert "Idempotence-Key" not in recorder.requests[0].headers
    assert payment.saved_method is not None
    assert (payment.saved_method.token, payment.saved_method.title) == (PAYMENT_ID, "MasterCard *4477")


def test_fetch_refuses_an_id_that_is_not_one(settings: ProviderSettings) -> None:
    with pytest.raises(ProviderRejected):
        adapter(Recorder(), settings).fetch("../refunds")


def test_refund_request_and_answer(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json={
        "id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": PAYMENT_ID, "status": "succeeded",
        "amount": {"value": "9990.00", "currency": "RUB"}, "created_at": "2026-03-02T10:00:00.000Z"}))
    refund = adapter(recorder, settings).refund(RefundRequest(
        refund_id="R-1", provider_payment_id=PAYMENT_ID, amount=Money(999_000), receipt=make_receipt()))
    sent = recorder.requests[0]
    assert (sent.method, sent.url.path) == ("POST", "/v3/refunds")
    assert sent.headers["Idempotence-Key"] and sent.headers["Idempotence-Key"] != attempt_key(INVOICE, 1)
    body = recorder.body()
    assert body["payment_id"] == PAYMENT_ID and body["amount"] == {"value": "9990.00", "currency": "RUB"}
    assert body["receipt"]["items"][0]["vat_code"] == 4
    assert (refund.status, refund.amount, refund.provider_payment_id) == ("succeeded", Money(999_000), PAYMENT_ID)


NOTIFICATION = json.dumps({"type": "notification", "event": "payment.succeeded",
                           "object": payment_json("succeeded")}).encode()


@pytest.mark.parametrize("source_ip", ["185.71.76.5", "185.71.77.31", "77.75.156.11", "77.75.154.200",
                                       "2a02:5180:0:1509::17", "2a02:5180:0:2669:ffff::1", "::ffff:185.71.76.1"])
def test_a_notification_from_yookassa_networks_is_a_hint(source_ip: str, settings: ProviderSettings) -> None:
    hint = adapter(Recorder(), settings).authenticate_webhook(source_ip, {}, NOTIFICATION)
    assert (hint.provider, hint.object_type, hint.object_id, hint.event) == ("yookassa", "payment", PAYMENT_ID,
                                                                            "payment.succeeded")


@pytest.mark.parametrize("source_ip", ["185.71.76.32", "77.75.156.12", "8.8.8.8", "127.0.0.1",
                                       "2a02:5180:0:1510::1", "2001:db8::1", "not-an-ip", ""])
def test_a_notification_from_elsewhere_is_rejected(source_ip: str, settings: ProviderSettings) -> None:
    with pytest.raises(WebhookRejected) as caught:
        adapter(Recorder(), settings).authenticate_webhook(source_ip, {}, NOTIFICATION)
    assert caught.value.status == 401 and caught.value.code == "webhook-rejected"


def test_extra_networks_admit_the_local_sandbox() -> None:
    local = ProviderSettings(YOOKASSA_WEBHOOK_EXTRA_NETWORKS="127.0.0.1/32, ::1/128")
    assert adapter(Recorder(), local).authenticate_webhook("127.0.0.1", {}, NOTIFICATION).object_id == PAYMENT_ID
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        ProviderSettings(YOOKASSA_WEBHOOK_EXTRA_NETWORKS="127.0.0.1/33")


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"type":"error"}',
                                  b'{"type":"notification","event":"payment.stolen","object":{"id":"x"}}',
                                  b'{"type":"notification","event":"payment.succeeded","object":{"id":"../x"}}',
                                  b'{"type":"notification","event":"payment.succeeded"}'])
def test_a_malformed_notification_is_rejected(body: bytes, settings: ProviderSettings) -> None:
    with pytest.raises(WebhookRejected):
        adapter(Recorder(), settings).authenticate_webhook("185.71.76.5", {}, body)


def test_a_refund_notification_names_the_refund_and_the_ack_is_200(settings: ProviderSettings) -> None:
    body = json.dumps({"type": "notification", "event": "refund.succeeded",
                       "object": {"id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": PAYMENT_ID,
                                  "status": "succeeded", "amount": {"value": "1.00", "currency": "RUB"}}}).encode()
    yookassa = adapter(Recorder(), settings)
    hint = yookassa.authenticate_webhook("185.71.77.1", {}, body)
    assert (hint.object_type, hint.object_id) == ("refund", "216749f7-0016-50be-b000-078d43a63ae4")
    assert yookassa.webhook_ack().status_code == 200
