"""Paying an invoice through the real ЮKassa and Т-Банк adapters against an in-test provider (httpx
MockTransport that keeps ЮKassa's contract: one Idempotence-Key is one payment): credentials sealed and
never echoed, «Оплатить» and its double click, a provider that does not answer, the webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tessera.billing import checkout, repository, service
from tessera.billing.pricing import Line
from tessera.billing.providers import tbank, yookassa
from tessera.billing.providers.port import ResultUnknown
from tessera.billing.providers.transport import ProviderSettings
from tessera.core.errors import Conflict
from tessera.core.money import Money
from tessera.core.settings import get_settings
from tests.integration.identity.flows import admin, customer
from tests.integration.stack import Client, Platform

YOOKASSA_IP = "185.71.76.10"  # inside ЮKassa's 185.71.76.0/27


class FakeYooKassaApi:
    """ЮKassa's /v3/payments as the adapter calls it: a repeated Idempotence-Key answers the first payment;
    `outage` makes the next POSTs time out (after creating the payment when `charged_anyway`)."""

    def __init__(self) -> None:
        self.payments: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, str] = {}
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.keys: list[str] = []  # every POST's Idempotence-Key
        self.outage = 0
        self.saved_card_declines: str | None = None  # a saved card's charge is declined with this reason
        self.lock = threading.Lock()

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        with self.lock:
            self.requests.append((request.method, request.url.path, body))
            if request.method == "POST" and request.url.path == "/v3/payments":
                key = request.headers["Idempotence-Key"]
                self.keys.append(key)
                if self.outage:
                    self.outage -= 1
                    raise httpx.ReadTimeout("no answer", request=request)
                if key not in self.by_key:
                    payment_id = f"2f{len(self.payments):06d}-000f-5000-8000-18db351245c7"
                    self.payments[payment_id] = {
                        "id": payment_id, "status": "pending", "paid": False, "amount": body["amount"],
                        "metadata": body["metadata"], "test": True,
                        "confirmation": {"type": "redirect",
                                         "confirmation_url": f"https://yoomoney.ru/checkout/{payment_id}"}}
                    self.by_key[key] = payment_id
                    if "payment_method_id" in body:  # a saved card's charge: decided at once
                        if self.saved_card_declines:
                            self.decline(payment_id, self.saved_card_declines)
                        else:
                            self.pay(payment_id)
                return httpx.Response(200, json=self.payments[self.by_key[key]])
            if request.method == "GET" and request.url.path.startswith("/v3/payments/"):
                payment = self.payments.get(request.url.path.rsplit("/", 1)[1])
                if payment is None:
                    return httpx.Response(404, json={"type": "error", "code": "not_found"})
                return httpx.Response(200, json=payment)
        return httpx.Response(404, json={"type": "error", "code": "not_found"})

    def pay(self, payment_id: str, *, save_card: bool = False) -> None:
        """The customer paid on ЮKassa's page."""
        payment = self.payments[payment_id]
        payment.update(status="succeeded", paid=True)
        payment.pop("confirmation", None)
        payment["payment_method"] = {"type": "bank_card", "id": payment_id, "saved": save_card,
                                     "card": {"last4": "4444", "card_type": "MasterCard"}}

    def decline(self, payment_id: str, reason: str) -> None:
        payment = self.payments[payment_id]
        payment.update(status="canceled", cancellation_details={"party": "payment_network", "reason": reason})
        payment.pop("confirmation", None)

    @property
    def posts(self) -> int:
        return sum(1 for method, _, _ in self.requests if method == "POST")

    @property
    def gets(self) -> int:
        return sum(1 for method, _, _ in self.requests if method == "GET")


@pytest.fixture
def provider_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeYooKassaApi]:
    api = FakeYooKassaApi()
    settings = get_settings(ProviderSettings)
    client = httpx.Client(base_url=settings.yookassa_api_url.rstrip("/") + "/",
                          transport=httpx.MockTransport(api.handle))
    monkeypatch.setattr(yookassa, "client_from", lambda _settings, _url: client)
    checkout._adapter.cache_clear()
    yield api
    checkout._adapter.cache_clear()


@pytest.fixture
def world(billing: Platform, provider_api: FakeYooKassaApi) -> dict[str, Any]:
    staff = admin(billing)
    saved = staff.call("PUT", "/api/console/billing/providers/yookassa",
                       {"shop_id": "123456", "secret_key": "test_SuperSecretKey_0001"})
    assert saved.status == 200, saved.body
    assert staff.call("PUT", "/api/console/billing/providers/active", {"provider": "yookassa"}).status == 200
    owner, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    org = me["current"]["org_id"]
    base = f"/api/app/orgs/{org}/billing"
    subscription = owner.post(f"{base}/subscriptions", {"plan": "fastlead_pro"}).body
    invoice = owner.post(f"{base}/subscriptions/{subscription['id']}/invoice").body
    return {"staff": staff, "owner": owner, "base": base, "subscription": subscription, "invoice": invoice,
            "saved": saved.body}


def _notify(payment_id: str, event: str = "payment.succeeded", ip: str = YOOKASSA_IP) -> Any:
    body = {"type": "notification", "event": event, "object": {"id": payment_id, "status": "succeeded"}}
    return Client(ip=ip).post("/api/webhooks/yookassa", body)


def test_credentials_are_sealed_masked_and_never_echoed(world: dict[str, Any]) -> None:
    staff: Client = world["staff"]
    shown = staff.get("/api/console/billing/providers")
    assert shown.status == 200 and shown.body == world["saved"] | {"active": "yookassa"}
    assert shown.body["yookassa"] == {"configured": True, "public_id": "123456", "secret_hint": "••••0001"}
    assert "SuperSecret" not in json.dumps(shown.body)
    stored = repository.provider_settings()
    assert stored.yookassa_secret_sealed and "SuperSecret" not in stored.yookassa_secret_sealed
    refused = staff.call("PUT", "/api/console/billing/providers/active", {"provider": "tbank"})
    assert (refused.status, refused.code) == (409, "provider-not-configured")
    malformed = staff.call("PUT", "/api/console/billing/providers/tbank", {"terminal_key": "x y", "password": "Zq7"})
    assert (malformed.status, malformed.code) == (422, "validation-failed")
    assert "Zq7" not in json.dumps(malformed.body)  # a refused secret is not echoed either
    assert not repository.provider_settings().tbank_terminal_key
    customer_tries = world["owner"].call("PUT", "/api/console/billing/providers/active", {"provider": "yookassa"})
    assert customer_tries.status in (401, 403)


def test_pay_answers_the_confirmation_url_and_a_double_click_the_same_attempt(
        world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    first = owner.post(path, {})
    assert first.status == 200, first.body
    assert (first.body["attempt"], first.body["status"], first.body["provider"]) == (1, "pending", "yookassa")
    assert first.body["confirmation_url"].startswith("https://yoomoney.ru/checkout/")
    method, _, sent = provider_api.requests[0]
    assert sent is not None and method == "POST"
    assert sent["amount"] == {"value": "9990.00", "currency": "RUB"} and sent["capture"] is True
    assert sent["metadata"] == {"invoice_id": world["invoice"]["id"], "attempt": "1"}
    assert sent["receipt"]["customer"] == {"email": "owner@romashka.ru"}
    assert sent["receipt"]["items"][0]["vat_code"] == 11  # 22 %
    second = owner.post(path, {})
    assert second.body == first.body
    assert provider_api.posts == 1  # the double click fetched the attempt's payment, it did not start another
    assert repository.find_invoice(world["invoice"]["id"]).payment_attempts == 1


def test_parallel_clicks_start_one_payment(world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: owner.post(path, {}), range(4)))
    assert {a.status for a in answers} == {200}
    assert {a.body["confirmation_url"] for a in answers} == {answers[0].body["confirmation_url"]}
    assert len(provider_api.payments) == 1


def test_no_answer_is_503_and_the_retry_reuses_the_attempt(world: dict[str, Any],
                                                          provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    provider_api.outage = 1
    failed = owner.post(path, {})
    assert (failed.status, failed.code) == (503, "provider-unavailable")
    assert failed.headers["retry-after"] == "5"
    assert failed.headers["content-type"] == "application/problem+json"
    retried = owner.post(path, {})
    assert (retried.status, retried.body["attempt"]) == (200, 1)
    assert len(provider_api.keys) == 2 and len(set(provider_api.keys)) == 1  # the retry sent the same key
    assert len(provider_api.payments) == 1


def test_a_paid_invoice_cannot_be_paid_again(world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {"save_method": True}).body["confirmation_url"].rsplit("/", 1)[1]
    provider_api.pay(payment_id, save_card=True)
    assert _notify(payment_id).status == 200
    again = owner.post(path, {})
    assert (again.status, again.code) == (409, "invoice-not-payable")


def test_the_webhook_re_fetches_applies_once_and_saves_the_card(world: dict[str, Any],
                                                               provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {"save_method": True}).body["confirmation_url"].rsplit("/", 1)[1]
    gets = provider_api.gets
    pending = _notify(payment_id, "payment.waiting_for_capture")  # a hint only: the API still says pending
    assert pending.status == 200
    assert service.list_payments(org_id=world["invoice"]["org_id"]).items == []
    provider_api.pay(payment_id, save_card=True)
    answer = _notify(payment_id)
    assert (answer.status, answer.raw) == (200, b"")
    assert provider_api.gets == gets + 2  # one re-fetch per notification
    subscription = owner.get(f"{world['base']}/subscriptions/{world['subscription']['id']}").body
    assert subscription["state"] == "active"
    assert subscription["saved_method"] == {"provider": "yookassa", "title": "MasterCard *4444"}
    assert owner.get(f"{world['base']}/invoices/{world['invoice']['id']}").body["status"] == "paid"
    assert _notify(payment_id).status == 200  # redelivered: answered, nothing applied twice
    payments = service.list_payments(org_id=world["invoice"]["org_id"]).items
    assert [(p.provider_payment_id, p.status) for p in payments] == [(payment_id, "applied")]


def test_ten_identical_webhooks_in_parallel_apply_one_payment(world: dict[str, Any],
                                                              provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {}).body["confirmation_url"].rsplit("/", 1)[1]
    provider_api.pay(payment_id)
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda _: _notify(payment_id), range(10)))
    assert [a.status for a in answers] == [200] * 10
    payments = service.list_payments(org_id=world["invoice"]["org_id"]).items
    assert [p.status for p in payments] == ["applied"]


def test_forged_webhooks_are_refused_and_change_nothing(world: dict[str, Any],
                                                        provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {}).body["confirmation_url"].rsplit("/", 1)[1]
    provider_api.pay(payment_id)
    gets = provider_api.gets
    forged = _notify(payment_id, ip="203.0.113.9")
    assert (forged.status, forged.code) == (401, "webhook-rejected")
    assert forged.headers["content-type"] == "application/problem+json"
    spoofed = Client(ip="203.0.113.9").post(
        "/api/webhooks/yookassa", {"type": "notification", "event": "payment.succeeded", "object": {"id": payment_id}},
        headers={"x-forwarded-for": YOOKASSA_IP})
    assert (spoofed.status, spoofed.code) == (401, "webhook-rejected")
    garbage = Client(ip=YOOKASSA_IP).post("/api/webhooks/yookassa", raw_body="not json")
    assert (garbage.status, garbage.code) == (401, "webhook-rejected")
    assert provider_api.gets == gets  # nothing was even fetched
    assert owner.get(f"{world['base']}/invoices/{world['invoice']['id']}").body["status"] == "issued"


def test_an_amount_that_differs_is_recorded_as_a_mismatch(world: dict[str, Any],
                                                          provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {}).body["confirmation_url"].rsplit("/", 1)[1]
    provider_api.pay(payment_id)
    provider_api.payments[payment_id]["amount"] = {"value": "1.00", "currency": "RUB"}
    assert _notify(payment_id).status == 200
    payments = service.list_payments(org_id=world["invoice"]["org_id"]).items
    assert [p.status for p in payments] == ["mismatch"]
    assert owner.get(f"{world['base']}/invoices/{world['invoice']['id']}").body["status"] == "issued"


def test_a_declined_attempt_is_closed_and_the_next_click_is_a_new_attempt(
        world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    first = owner.post(path, {}).body
    provider_api.decline(first["confirmation_url"].rsplit("/", 1)[1], "insufficient_funds")
    assert _notify(first["confirmation_url"].rsplit("/", 1)[1], "payment.canceled").status == 200
    second = owner.post(path, {})
    assert second.status == 200 and second.body["attempt"] == 2
    assert second.body["confirmation_url"] != first["confirmation_url"]
    assert len(provider_api.payments) == 2


def test_tbank_notification_with_a_wrong_token_is_refused(billing: Platform) -> None:
    staff = admin(billing)
    assert staff.call("PUT", "/api/console/billing/providers/tbank",
                      {"terminal_key": "TinkoffBankTest", "password": "TinkoffBankTestPassword"}).status == 200
    checkout._adapter.cache_clear()
    notification = {"TerminalKey": "TinkoffBankTest", "OrderId": "inv_x-1", "Success": True, "Status": "REJECTED",
                    "PaymentId": 8742591, "ErrorCode": "1051", "Amount": 100}
    forged = notification | {"Token": tbank.token(notification, "guessed")}
    refused = Client(ip="91.194.226.5").post("/api/webhooks/tbank", forged)
    assert (refused.status, refused.code) == (401, "webhook-rejected")
    assert repository.find_attempt("inv_x", 1) is None


def _paid_with_a_saved_card(world: dict[str, Any], provider_api: FakeYooKassaApi) -> dict[str, Any]:
    """The first invoice paid on the checkout page with the card saved, and the next period's invoice."""
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    payment_id = owner.post(path, {"save_method": True, "receipt_email": "buh@romashka.ru"}).body[
        "confirmation_url"].rsplit("/", 1)[1]
    provider_api.pay(payment_id, save_card=True)
    assert _notify(payment_id).status == 200
    return owner.post(f"{world['base']}/subscriptions/{world['subscription']['id']}/invoice").body


def test_charge_saved_pays_the_next_invoice_with_the_saved_card(world: dict[str, Any],
                                                                provider_api: FakeYooKassaApi) -> None:
    renewal = _paid_with_a_saved_card(world, provider_api)
    charged = checkout.charge_saved(renewal["id"])
    assert (charged.status, charged.attempt, charged.confirmation_url) == ("succeeded", 1, None)
    sent = provider_api.requests[-1][2]
    assert sent is not None and sent["payment_method_id"] == next(iter(provider_api.payments))
    assert "confirmation" not in sent and "save_payment_method" not in sent
    assert sent["receipt"]["customer"] == {"email": "buh@romashka.ru"}  # where the customer asked receipts to go
    assert service.get_invoice(renewal["id"]).status == "paid"
    with pytest.raises(Conflict) as paid:
        checkout.charge_saved(renewal["id"])
    assert paid.value.code == "invoice-not-payable"


def test_charge_saved_after_no_answer_repeats_the_same_attempt(world: dict[str, Any],
                                                              provider_api: FakeYooKassaApi) -> None:
    renewal = _paid_with_a_saved_card(world, provider_api)
    provider_api.outage = 1
    with pytest.raises(ResultUnknown):
        checkout.charge_saved(renewal["id"])
    assert checkout.charge_saved(renewal["id"]).status == "succeeded"
    assert provider_api.keys[-1] == provider_api.keys[-2]  # the same Idempotence-Key both times
    assert [p.status for p in service.list_payments(invoice_id=renewal["id"]).items] == ["applied"]


def test_a_declined_saved_card_says_what_to_do_and_the_next_charge_is_a_new_attempt(
        world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    renewal = _paid_with_a_saved_card(world, provider_api)
    provider_api.saved_card_declines = "insufficient_funds"
    declined = checkout.charge_saved(renewal["id"])
    assert (declined.status, declined.decline_code, declined.decline_action) == (
        "canceled", "insufficient_funds", "retry")
    provider_api.saved_card_declines = "card_expired"
    again = checkout.charge_saved(renewal["id"])
    assert (again.attempt, again.decline_action) == (2, "new_card")
    assert service.get_invoice(renewal["id"]).status == "issued"


def test_charge_saved_without_a_saved_card_is_a_conflict(world: dict[str, Any]) -> None:
    with pytest.raises(Conflict) as refused:
        checkout.charge_saved(world["invoice"]["id"])
    assert refused.value.code == "no-saved-method"


def test_tbank_through_the_sandbox_signed_notification_is_answered_ok_and_applied(
        billing: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """Т-Банк end to end on the real adapter and the local sandbox: «Оплатить», the card page, the bank's
    signed notification into our webhook (answered `OK`), GetState, the invoice paid and the RebillId saved."""
    from localcloud import payments_sandbox

    sandbox = payments_sandbox.PaymentsSandbox()

    def handle(request: httpx.Request) -> httpx.Response:
        headers = {name.lower(): value for name, value in request.headers.items()}
        status, out, body = sandbox.handle(request.method, request.url.path, headers, request.content)
        return httpx.Response(status, headers=out, content=body)

    client = httpx.Client(transport=httpx.MockTransport(handle), base_url="http://127.0.0.1:8080/_local/tbank/v2/")
    monkeypatch.setattr(tbank, "client_from", lambda _settings, _url: client)
    answers: list[Any] = []

    def deliver(url: str, *, json: dict[str, Any], timeout: float) -> httpx.Response:  # the bank's POST
        assert url.endswith("/api/webhooks/tbank")
        answers.append(Client(ip="91.194.226.5").post("/api/webhooks/tbank", json))
        return httpx.Response(answers[-1].status, content=answers[-1].raw)

    sandbox.send = deliver  # type: ignore[assignment]
    checkout._adapter.cache_clear()
    staff = admin(billing)
    assert staff.call("PUT", "/api/console/billing/providers/tbank", {
        "terminal_key": payments_sandbox.TERMINAL_KEY, "password": payments_sandbox.TERMINAL_PASSWORD}).status == 200
    assert staff.call("PUT", "/api/console/billing/providers/active", {"provider": "tbank"}).status == 200
    owner, me = customer(billing, "owner@vasilek.ru", company="ООО «Василёк»")
    org = me["current"]["org_id"]
    subscription = owner.post(f"/api/app/orgs/{org}/billing/subscriptions", {"plan": "fastlead_start"}).body
    invoice = service.issue_invoice(org, "license_renewal", {"subscription_id": subscription["id"]},
                                    [Line("Продление лицензии (УСН, без НДС)", 1, Money(1_500_000), None)],
                                    service.SYSTEM)

    started = owner.post(f"/api/app/orgs/{org}/billing/invoices/{invoice.id}/pay", {"save_method": True})
    assert started.status == 200, started.body
    assert started.body["provider"] == "tbank" and "/_local/tbank/checkout/" in started.body["confirmation_url"]
    paid = client.post(started.body["confirmation_url"], data={"card": "4111111111111111"})
    assert paid.status_code == 303
    assert [(a.status, a.raw) for a in answers] == [(200, b"OK")]
    assert service.get_invoice(invoice.id).status == "paid"
    saved = repository.find_subscription(subscription["id"]).saved_method
    assert saved is not None and saved["provider"] == "tbank" and saved["title"] == "*1111"
    assert saved["receipt_email"] == "owner@vasilek.ru"


def test_bad_pay_requests_get_a_problem_and_start_nothing(world: dict[str, Any], billing: Platform,
                                                          provider_api: FakeYooKassaApi) -> None:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    extra = owner.post(path, {"amount": 1})
    assert (extra.status, extra.code) == (422, "validation-failed")
    bad_email = owner.post(path, {"receipt_email": "not-an-email"})
    assert (bad_email.status, bad_email.code) == (422, "validation-failed")
    stranger, me = customer(billing, "owner@lyutik.ru", company="ООО «Лютик»")
    theirs = stranger.post(f"/api/app/orgs/{me['current']['org_id']}/billing/invoices/{world['invoice']['id']}/pay",
                           {})
    assert (theirs.status, theirs.code) == (404, "not-found")
    assert provider_api.requests == []
    assert repository.find_invoice(world["invoice"]["id"]).payment_attempts == 0
