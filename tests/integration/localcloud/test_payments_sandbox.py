"""The local cloud's sandbox provider answers the product's real ЮKassa and Т-Банк adapters (their exact
requests, through httpx, into the sandbox's handler): checkout with a test card, the provider's own
notification (ЮKassa's shape; Т-Банк's with a Token the adapter accepts), saved-card charges that succeed
or decline as the card saved, refunds (in parts, once per key, never beyond the payment; pending, then
notified, for a payment made with the 3-D Secure card)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from localcloud import payments_sandbox
from localcloud.payments_sandbox import PaymentsSandbox
from tessera.billing.providers.port import (
    ChargeRequest,
    PaymentRequest,
    ProviderRejected,
    Receipt,
    ReceiptItem,
    RefundRequest,
    SavedMethod,
    TaxSystem,
    VatRate,
)
from tessera.billing.providers.tbank import TBank, TBankCredentials
from tessera.billing.providers.transport import ProviderSettings
from tessera.billing.providers.yookassa import YooKassa, YooKassaCredentials
from tessera.core.money import Money

GATEWAY = "http://127.0.0.1:8080"


class Posted:
    """The sandbox's outgoing notifications, recorded instead of sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, *, json: dict[str, Any], timeout: float) -> httpx.Response:
        self.sent.append((url, json))
        return httpx.Response(200, text="OK")


@pytest.fixture
def sandbox() -> tuple[PaymentsSandbox, Posted, httpx.Client]:
    box, posted = PaymentsSandbox(), Posted()
    box.send = posted  # type: ignore[assignment]

    def handle(request: httpx.Request) -> httpx.Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        status, out, body = box.handle(request.method, request.url.path, headers, request.content)
        return httpx.Response(status, headers=out, content=body)

    return box, posted, httpx.Client(transport=httpx.MockTransport(handle), base_url=GATEWAY)


def _request(attempt: int = 1, vat: VatRate = VatRate.VAT22, save: bool = True) -> dict[str, Any]:
    receipt = Receipt(email="buh@romashka.ru", tax_system=TaxSystem.OSN if vat != VatRate.NONE else
                      TaxSystem.USN_INCOME, items=[ReceiptItem(description="Fast Lead «Про»", quantity=1,
                                                               unit_price=Money(999_000), vat=vat)])
    return {"invoice_id": "inv_01JFAKE0000000000000000000", "attempt": attempt, "amount": Money(999_000),
            "description": "Оплата счёта № 7", "customer_key": "org_1", "receipt": receipt,
            "return_url": f"{GATEWAY}/app/billing/invoices/inv_01JFAKE0000000000000000000", "save_method": save}


def _settings() -> ProviderSettings:
    return ProviderSettings.model_validate({
        "YOOKASSA_API_URL": f"{GATEWAY}/_local/yookassa/v3", "TBANK_API_URL": f"{GATEWAY}/_local/tbank/v2",
        "TBANK_NOTIFICATION_URL": f"{GATEWAY}/api/webhooks/tbank", "YOOKASSA_WEBHOOK_EXTRA_NETWORKS": "127.0.0.1/32"})


def _client(client: httpx.Client, path: str) -> httpx.Client:
    return httpx.Client(transport=client._transport, base_url=f"{GATEWAY}{path}/")


def test_yookassa_checkout_notification_and_saved_card_charges(sandbox: Any) -> None:
    _, posted, client = sandbox
    adapter = YooKassa(YooKassaCredentials(shop_id=payments_sandbox.SHOP_ID, secret_key=payments_sandbox.SECRET_KEY),
                       settings=_settings(), client=_client(client, "/_local/yookassa/v3"))
    started = adapter.start(PaymentRequest(**_request()))
    assert started.status == "pending" and started.confirmation_url
    assert adapter.start(PaymentRequest(**_request())).provider_payment_id == started.provider_payment_id

    page = client.get(started.confirmation_url)
    assert page.status_code == 200 and "4111 1111 1111 1111" in page.text and "9990.00" in page.text
    paid = client.post(started.confirmation_url, data={"card": "4000000000000341"})
    assert paid.status_code == 303 and paid.headers["location"].endswith("/app/billing/invoices/"
                                                                          "inv_01JFAKE0000000000000000000")
    url, notification = posted.sent[-1]
    assert url == f"{GATEWAY}/api/webhooks/yookassa"
    hint = adapter.authenticate_webhook("127.0.0.1", {}, json.dumps(notification).encode())
    assert (hint.object_id, hint.event) == (started.provider_payment_id, "payment.succeeded")
    fetched = adapter.fetch(hint.object_id)
    assert fetched.status == "succeeded" and fetched.saved_method is not None
    assert fetched.saved_method.title == "Bank card *0341"

    # this test card pays at checkout and declines the later charges with insufficient funds
    declined = adapter.charge_saved(ChargeRequest(**_request(2), saved_method=fetched.saved_method))
    assert declined.status == "canceled" and declined.decline is not None
    assert (declined.decline.code, declined.decline.action) == ("insufficient_funds", "retry")

    wrong = YooKassa(YooKassaCredentials(shop_id=payments_sandbox.SHOP_ID, secret_key="not-the-key"),
                     settings=_settings(), client=_client(client, "/_local/yookassa/v3"))
    with pytest.raises(ProviderRejected):
        wrong.fetch(started.provider_payment_id)


def test_yookassa_3ds_card_asks_for_confirmation_and_a_declining_card_is_canceled(sandbox: Any) -> None:
    _, posted, client = sandbox
    adapter = YooKassa(YooKassaCredentials(shop_id=payments_sandbox.SHOP_ID, secret_key=payments_sandbox.SECRET_KEY),
                       settings=_settings(), client=_client(client, "/_local/yookassa/v3"))
    three_ds = adapter.start(PaymentRequest(**_request()))
    asked = client.post(three_ds.confirmation_url, data={"card": "4000000000003220"})
    assert asked.status_code == 200 and "Подтвердить" in asked.text and not posted.sent
    confirmed = client.post(three_ds.confirmation_url, data={"card": "4000000000003220", "confirmed": "1"})
    assert confirmed.status_code == 303
    assert adapter.fetch(three_ds.provider_payment_id).status == "succeeded"

    expired = adapter.start(PaymentRequest(**_request(2)))
    client.post(expired.confirmation_url, data={"card": "4000000000000069"})
    assert posted.sent[-1][1]["event"] == "payment.canceled"
    answer = adapter.fetch(expired.provider_payment_id)
    assert answer.decline is not None and (answer.decline.code, answer.decline.action) == ("card_expired", "new_card")


def test_tbank_checkout_signed_notification_rebill_and_charge(sandbox: Any) -> None:
    box, posted, client = sandbox
    credentials = TBankCredentials(terminal_key=payments_sandbox.TERMINAL_KEY,
                                   password=payments_sandbox.TERMINAL_PASSWORD)
    adapter = TBank(credentials, settings=_settings(), client=_client(client, "/_local/tbank/v2"))
    started = adapter.start(PaymentRequest(**_request(vat=VatRate.NONE)))
    assert started.status == "pending" and started.confirmation_url
    again = adapter.start(PaymentRequest(**_request(vat=VatRate.NONE)))  # the old link is cancelled first
    assert box.tbank[started.provider_payment_id]["Status"] == "CANCELED"

    assert client.post(again.confirmation_url, data={"card": "4111111111111111"}).status_code == 303
    url, notification = posted.sent[-1]
    assert url == f"{GATEWAY}/api/webhooks/tbank" and notification["Status"] == "CONFIRMED"
    hint = adapter.authenticate_webhook("91.194.226.1", {}, json.dumps(notification).encode())
    assert hint.object_id == again.provider_payment_id and hint.saved_method is not None
    assert hint.saved_method.title == "*1111"
    assert adapter.fetch(hint.object_id).status == "succeeded"

    charged = adapter.charge_saved(ChargeRequest(**_request(2, vat=VatRate.NONE), saved_method=hint.saved_method))
    assert charged.status == "succeeded"
    repeat = adapter.charge_saved(ChargeRequest(**_request(2, vat=VatRate.NONE), saved_method=hint.saved_method))
    assert repeat.provider_payment_id == charged.provider_payment_id  # the same attempt is never charged twice

    forged = TBank(TBankCredentials(terminal_key=payments_sandbox.TERMINAL_KEY, password="guessed"),
                   settings=_settings(), client=_client(client, "/_local/tbank/v2"))
    with pytest.raises(ProviderRejected):
        forged.fetch(charged.provider_payment_id)


def test_tbank_saved_card_that_declines(sandbox: Any) -> None:
    _, posted, client = sandbox
    credentials = TBankCredentials(terminal_key=payments_sandbox.TERMINAL_KEY,
                                   password=payments_sandbox.TERMINAL_PASSWORD)
    adapter = TBank(credentials, settings=_settings(), client=_client(client, "/_local/tbank/v2"))
    started = adapter.start(PaymentRequest(**_request(vat=VatRate.NONE)))
    client.post(started.confirmation_url, data={"card": "4000000000000341"})
    hint = adapter.authenticate_webhook("91.194.226.1", {}, json.dumps(posted.sent[-1][1]).encode())
    assert hint.saved_method is not None
    declined = adapter.charge_saved(ChargeRequest(**_request(2, vat=VatRate.NONE),
                                                  saved_method=SavedMethod(provider="tbank",
                                                                           token=hint.saved_method.token)))
    assert declined.status == "canceled" and declined.decline is not None
    assert (declined.decline.code, declined.decline.action) == ("1051", "retry")


def _refund(refund_id: str, payment_id: str, kopecks: int, vat: VatRate) -> RefundRequest:
    receipt = Receipt(email="buh@romashka.ru", tax_system=TaxSystem.OSN if vat != VatRate.NONE else
                      TaxSystem.USN_INCOME, items=[ReceiptItem(description="Fast Lead «Про»", quantity=1,
                                                               unit_price=Money(kopecks), vat=vat)])
    return RefundRequest(refund_id=refund_id, provider_payment_id=payment_id, amount=Money(kopecks),
                         receipt=receipt, description="Оплачен дважды")


def test_yookassa_refunds_in_parts_once_per_key(sandbox: Any) -> None:
    box, _, client = sandbox
    adapter = YooKassa(YooKassaCredentials(shop_id=payments_sandbox.SHOP_ID, secret_key=payments_sandbox.SECRET_KEY),
                       settings=_settings(), client=_client(client, "/_local/yookassa/v3"))
    started = adapter.start(PaymentRequest(**_request()))
    client.post(started.confirmation_url, data={"card": "4111111111111111"})
    first = adapter.refund(_refund("p:1", started.provider_payment_id, 300_000, VatRate.VAT22))
    assert (first.status, first.amount, first.provider_payment_id) == ("succeeded", Money(300_000),
                                                                       started.provider_payment_id)
    assert adapter.refund(_refund("p:1", started.provider_payment_id, 300_000, VatRate.VAT22)) == first
    with pytest.raises(ProviderRejected):  # 7 000 ₽ more than the 6 990 ₽ left
        adapter.refund(_refund("p:2", started.provider_payment_id, 700_000, VatRate.VAT22))
    rest = adapter.refund(_refund("p:3", started.provider_payment_id, 699_000, VatRate.VAT22))
    assert rest.provider_refund_id != first.provider_refund_id and len(box.refunds) == 2
    assert box.payments[started.provider_payment_id]["refundable"] is False


def test_tbank_cancel_of_a_paid_payment_refunds_once_per_request_id(sandbox: Any) -> None:
    box, _, client = sandbox
    credentials = TBankCredentials(terminal_key=payments_sandbox.TERMINAL_KEY,
                                   password=payments_sandbox.TERMINAL_PASSWORD)
    adapter = TBank(credentials, settings=_settings(), client=_client(client, "/_local/tbank/v2"))
    started = adapter.start(PaymentRequest(**_request(vat=VatRate.NONE)))
    client.post(started.confirmation_url, data={"card": "4111111111111111"})
    first = adapter.refund(_refund("p:1", started.provider_payment_id, 300_000, VatRate.NONE))
    assert (first.status, first.amount) == ("succeeded", Money(300_000))
    assert box.tbank[started.provider_payment_id]["Status"] == "PARTIAL_REFUNDED"
    assert adapter.refund(_refund("p:1", started.provider_payment_id, 300_000, VatRate.NONE)) == first
    with pytest.raises(ProviderRejected):
        adapter.refund(_refund("p:2", started.provider_payment_id, 700_000, VatRate.NONE))
    rest = adapter.refund(_refund("p:3", started.provider_payment_id, 699_000, VatRate.NONE))
    assert (rest.status, rest.amount) == ("succeeded", Money(699_000))
    assert box.tbank[started.provider_payment_id]["Status"] == "REFUNDED"
    assert adapter.fetch(started.provider_payment_id).status == "succeeded"  # the money was taken, then returned


class Later:
    """What the sandbox would do a moment later (a pending refund settling), done when the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.actions: list[tuple[Any, tuple[Any, ...]]] = []
        monkeypatch.setattr(PaymentsSandbox, "_later", staticmethod(lambda action, *args: self.actions.append(
            (action, args))))

    def run(self) -> None:
        while self.actions:
            action, args = self.actions.pop(0)
            action(*args)


def test_yookassa_refund_of_a_3ds_payment_is_pending_then_notified_and_fetched_succeeded(
        sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _, posted, client = sandbox
    later = Later(monkeypatch)
    adapter = YooKassa(YooKassaCredentials(shop_id=payments_sandbox.SHOP_ID, secret_key=payments_sandbox.SECRET_KEY),
                       settings=_settings(), client=_client(client, "/_local/yookassa/v3"))
    started = adapter.start(PaymentRequest(**_request()))
    client.post(started.confirmation_url, data={"card": "4000000000003220", "confirmed": "1"})
    refund = adapter.refund(_refund("p:1", started.provider_payment_id, 300_000, VatRate.VAT22))
    assert refund.status == "pending"
    assert adapter.fetch_refund(started.provider_payment_id, refund.provider_refund_id).status == "pending"
    later.run()
    notification = posted.sent[-1][1]
    assert (notification["event"], notification["object"]["id"]) == ("refund.succeeded", refund.provider_refund_id)
    hint = adapter.authenticate_webhook("127.0.0.1", {}, json.dumps(notification).encode())
    assert (hint.object_type, hint.object_id, hint.payment_id) == ("refund", refund.provider_refund_id,
                                                                   started.provider_payment_id)
    fetched = adapter.fetch_refund(started.provider_payment_id, refund.provider_refund_id)
    assert (fetched.status, fetched.amount) == ("succeeded", Money(300_000))


def test_tbank_refund_of_a_3ds_payment_is_refunding_then_notified_refunded(
        sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _, posted, client = sandbox
    later = Later(monkeypatch)
    credentials = TBankCredentials(terminal_key=payments_sandbox.TERMINAL_KEY,
                                   password=payments_sandbox.TERMINAL_PASSWORD)
    adapter = TBank(credentials, settings=_settings(), client=_client(client, "/_local/tbank/v2"))
    started = adapter.start(PaymentRequest(**_request(vat=VatRate.NONE)))
    client.post(started.confirmation_url, data={"card": "4000000000003220", "confirmed": "1"})
    refund = adapter.refund(_refund("p:1", started.provider_payment_id, 999_000, VatRate.NONE))
    assert refund.status == "pending"
    assert adapter.fetch_refund(started.provider_payment_id, refund.provider_refund_id).status == "pending"
    later.run()
    notification = posted.sent[-1][1]
    assert notification["Status"] == "REFUNDED"
    hint = adapter.authenticate_webhook("91.194.226.1", {}, json.dumps(notification).encode())
    assert (hint.object_type, hint.payment_id) == ("refund", started.provider_payment_id)
    settled = adapter.fetch_refund(started.provider_payment_id, refund.provider_refund_id)
    assert (settled.status, settled.provider_refund_id, settled.amount) == ("succeeded", refund.provider_refund_id,
                                                                            None)
