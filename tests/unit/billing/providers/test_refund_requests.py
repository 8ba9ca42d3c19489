"""Refunds as each provider documents them, request by request: ЮKassa `POST /v3/refunds` (Basic auth,
`Idempotence-Key` from the refund, payment_id, amount, 54-ФЗ receipt) and Т-Банк `Cancel` (TerminalKey,
PaymentId, Amount, Receipt, ExternalRequestId, Token); partial refunds; answers that say nothing final."""

from __future__ import annotations

import base64

import httpx
import pytest

from tessera.billing.providers.port import ProviderRejected, RefundRequest, ResultUnknown, refund_key
from tessera.billing.providers.tbank import TBank, TBankCredentials, token
from tessera.billing.providers.transport import ProviderSettings
from tessera.billing.providers.yookassa import YooKassa, YooKassaCredentials
from tessera.core.money import Money
from tests.unit.billing.providers.conftest import Recorder, make_receipt

YOOKASSA = YooKassaCredentials(shop_id="100500", secret_key="test_secret_key_0001")
TBANK = TBankCredentials(terminal_key="1321054611234DEMO", password="Dfsfh56dgKl-secret")
PAYMENT = "2f4d5a6e-000f-5000-8000-18db351245c7"


def refund(amount: int = 999_000) -> RefundRequest:
    return RefundRequest(refund_id="yookassa:pay:1", provider_payment_id=PAYMENT, amount=Money(amount),
                         receipt=make_receipt(), description="Двойная оплата счёта № 17")


def yookassa(recorder: Recorder, settings: ProviderSettings) -> YooKassa:
    return YooKassa(YOOKASSA, settings=settings, client=recorder.client("https://api.yookassa.ru/v3/"))


def tbank(recorder: Recorder, settings: ProviderSettings) -> TBank:
    return TBank(TBANK, settings=settings, client=recorder.client("https://securepay.tinkoff.ru/v2/"))


def test_yookassa_refund_is_exactly_the_documented_request(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json={
        "id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": PAYMENT, "status": "succeeded",
        "amount": {"value": "9990.00", "currency": "RUB"}, "created_at": "2026-03-02T10:00:00.000Z"}))
    answer = yookassa(recorder, settings).refund(refund())
    sent = recorder.requests[0]
    assert (sent.method, str(sent.url)) == ("POST", "https://api.yookassa.ru/v3/refunds")
    assert sent.headers["Idempotence-Key"] == refund_key("yookassa:pay:1")
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(b"100500:test_secret_key_0001").decode()
    assert sent.headers["Content-Type"] == "application/json"
    assert recorder.body() == {
        "payment_id": PAYMENT, "amount": {"value": "9990.00", "currency": "RUB"},
        "description": "Двойная оплата счёта № 17",
        "receipt": {"customer": {"email": "owner@demo.tessera.local"}, "tax_system_code": 1,
                    "items": [{"description": "Fast Lead «Про», 1 месяц", "quantity": 1,
                               "amount": {"value": "9990.00", "currency": "RUB"}, "vat_code": 4,
                               "payment_mode": "full_payment", "payment_subject": "service"}]}}
    assert (answer.provider_refund_id, answer.status, answer.amount) == (
        "216749f7-0016-50be-b000-078d43a63ae4", "succeeded", Money(999_000))


@pytest.mark.parametrize(("status_code", "raised"), [(500, ResultUnknown), (202, ResultUnknown),
                                                     (429, ResultUnknown), (400, ProviderRejected)])
def test_yookassa_refund_without_a_final_answer(settings: ProviderSettings, status_code: int,
                                                raised: type[Exception]) -> None:
    recorder = Recorder(httpx.Response(status_code, json={"type": "error", "code": "invalid_request",
                                                          "parameter": "amount"}))
    with pytest.raises(raised):
        yookassa(recorder, settings).refund(refund())


def test_tbank_refund_is_a_signed_cancel_with_the_receipt(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json={
        "TerminalKey": TBANK.terminal_key, "OrderId": "inv-1", "Success": True, "Status": "PARTIAL_REFUNDED",
        "PaymentId": "13660", "ErrorCode": "0", "OriginalAmount": 999_000, "NewAmount": 699_000,
        "ExternalRequestId": refund_key("tbank:13660:2")}))
    request = RefundRequest(refund_id="tbank:13660:2", provider_payment_id="13660", amount=Money(300_000),
                            receipt=make_receipt().model_copy(update={"items": [
                                make_receipt().items[0].model_copy(update={"unit_price": Money(300_000)})]}))
    answer = tbank(recorder, settings).refund(request)
    sent = recorder.requests[0]
    assert (sent.method, str(sent.url)) == ("POST", "https://securepay.tinkoff.ru/v2/Cancel")
    body = recorder.body()
    assert body == {
        "TerminalKey": TBANK.terminal_key, "PaymentId": "13660", "Amount": 300_000,
        "ExternalRequestId": refund_key("tbank:13660:2"),
        "Receipt": {"Taxation": "osn", "Email": "owner@demo.tessera.local",
                    "Items": [{"Name": "Fast Lead «Про», 1 месяц", "Price": 300_000, "Quantity": 1,
                               "Amount": 300_000, "Tax": "vat20", "PaymentMethod": "full_payment",
                               "PaymentObject": "service"}]},
        "Token": token(body, TBANK.password.get_secret_value())}
    assert (answer.status, answer.amount) == ("succeeded", Money(300_000))  # OriginalAmount − NewAmount


def test_tbank_refund_in_progress_is_pending_and_a_refusal_is_rejected(settings: ProviderSettings) -> None:
    recorder = Recorder(
        httpx.Response(200, json={"Success": True, "ErrorCode": "0", "Status": "ASYNC_REFUNDING",
                                  "PaymentId": "13660", "OriginalAmount": 999_000, "NewAmount": 0}),
        httpx.Response(200, json={"Success": False, "ErrorCode": "14", "PaymentId": "13660",
                                  "Message": "Сумма отмены превышает сумму платежа"}),
        httpx.Response(503, text="busy"))
    adapter = tbank(recorder, settings)
    request = RefundRequest(refund_id="tbank:13660:1", provider_payment_id="13660", amount=Money(999_000),
                            receipt=make_receipt())
    assert adapter.refund(request).status == "pending"
    with pytest.raises(ProviderRejected):
        adapter.refund(request)
    with pytest.raises(ResultUnknown):
        adapter.refund(request)


def test_yookassa_fetch_refund_is_a_get_of_the_refund(settings: ProviderSettings) -> None:
    recorder = Recorder(httpx.Response(200, json={
        "id": "216749f7-0016-50be-b000-078d43a63ae4", "payment_id": PAYMENT, "status": "canceled",
        "amount": {"value": "3000.00", "currency": "RUB"}, "created_at": "2026-03-02T10:00:00.000Z"}))
    answer = yookassa(recorder, settings).fetch_refund(PAYMENT, "216749f7-0016-50be-b000-078d43a63ae4")
    sent = recorder.requests[0]
    assert (sent.method, str(sent.url)) == ("GET", "https://api.yookassa.ru/v3/refunds/216749f7-0016-50be-b000-078d43a63ae4")
    assert "Idempotence-Key" not in sent.headers and sent.content == b""
    assert (answer.status, answer.provider_payment_id, answer.amount) == ("canceled", PAYMENT, Money(300_000))
    with pytest.raises(ProviderRejected):  # never a path of someone else's choosing
        yookassa(Recorder(), settings).fetch_refund(PAYMENT, "../payments/x")


@pytest.mark.parametrize(("state", "status"), [("REFUNDED", "succeeded"), ("PARTIAL_REFUNDED", "succeeded"),
                                               ("ASYNC_REFUNDING", "pending"), ("REFUNDING", "pending"),
                                               ("CONFIRMED", "canceled")])
def test_tbank_fetch_refund_reads_the_payments_state(settings: ProviderSettings, state: str, status: str) -> None:
    recorder = Recorder(httpx.Response(200, json={"TerminalKey": TBANK.terminal_key, "Success": True,
                                                  "ErrorCode": "0", "Status": state, "PaymentId": "13660",
                                                  "OrderId": "inv-1", "Amount": 999_000}))
    answer = tbank(recorder, settings).fetch_refund("13660", refund_key("tbank:13660:1"))
    assert str(recorder.requests[0].url) == "https://securepay.tinkoff.ru/v2/GetState"
    body = recorder.body()
    assert body == {"TerminalKey": TBANK.terminal_key, "PaymentId": "13660",
                    "Token": token(body, TBANK.password.get_secret_value())}
    assert (answer.status, answer.provider_refund_id, answer.amount) == (status, refund_key("tbank:13660:1"), None)
