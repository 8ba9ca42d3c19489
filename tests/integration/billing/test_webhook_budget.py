"""Issue 10's budget for a payment webhook: 1 provider GET and at most 3 DynamoDB calls, counted where they
leave (botocore's before-call event on the shared DynamoDB client), with everything the webhook must do
still done: the payment applied once with its raw event and audit event, the card saved."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tessera.billing import checkout, repository, service
from tessera.core.dynamo import dynamodb
from tests.integration.billing import test_checkout as paying
from tests.integration.billing.test_checkout import FakeYooKassaApi, _notify
from tests.integration.stack import Client

provider_api, world = paying.provider_api, paying.world  # the same fixtures: a customer with an invoice to pay
BUDGET = 3


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


def _started(world: dict[str, Any], save_method: bool = True) -> str:
    owner: Client = world["owner"]
    path = f"{world['base']}/invoices/{world['invoice']['id']}/pay"
    return str(owner.post(path, {"save_method": save_method}).body["confirmation_url"].rsplit("/", 1)[1])


def test_a_succeeded_webhook_fits_the_budget_and_does_everything(world: dict[str, Any],
                                                                 provider_api: FakeYooKassaApi) -> None:
    payment_id = _started(world)
    provider_api.pay(payment_id, save_card=True)
    checkout.provider("yookassa")  # a warm function has read the settings already
    gets = provider_api.gets
    with dynamodb_calls() as calls:
        assert _notify(payment_id).status == 200
    assert provider_api.gets == gets + 1
    assert len(calls) <= BUDGET, calls
    assert calls == ["TransactGetItems", "GetItem", "TransactWriteItems"]
    invoice = service.get_invoice(world["invoice"]["id"])
    assert invoice.status == "paid"
    subscription = repository.find_subscription(world["subscription"]["id"])
    assert subscription is not None and subscription.state == "active"
    assert subscription.saved_method is not None and subscription.saved_method["method_id"] == payment_id
    assert subscription.saved_method["receipt_email"] == "owner@romashka.ru"  # the attempt's, read in budget
    stored = repository.save_provider_event(service.provider_event("yookassa", payment_id, "payment.succeeded",
                                                                   "{}", None))
    assert stored is False  # the raw event went in with the payment


def test_a_repeated_webhook_fits_the_budget_and_applies_nothing(world: dict[str, Any],
                                                                provider_api: FakeYooKassaApi) -> None:
    payment_id = _started(world, save_method=False)
    provider_api.pay(payment_id)
    assert _notify(payment_id).status == 200
    with dynamodb_calls() as calls:
        assert _notify(payment_id).status == 200
    assert len(calls) <= BUDGET, calls
    payments = service.list_payments(org_id=world["invoice"]["org_id"]).items
    assert [p.status for p in payments] == ["applied"]


def test_a_canceled_payment_webhook_fits_the_budget(world: dict[str, Any], provider_api: FakeYooKassaApi) -> None:
    payment_id = _started(world)
    provider_api.decline(payment_id, "insufficient_funds")
    with dynamodb_calls() as calls:
        assert _notify(payment_id, "payment.canceled").status == 200
    assert len(calls) <= BUDGET, calls
    attempt = repository.find_attempt(world["invoice"]["id"], 1)
    assert attempt is not None and attempt.status == "canceled"


def test_the_settings_cache_follows_this_process_s_changes_at_once(world: dict[str, Any]) -> None:
    staff: Client = world["staff"]
    assert checkout.provider("yookassa") is not None
    changed = staff.call("PUT", "/api/console/billing/providers/yookassa",
                         {"shop_id": "654321", "secret_key": "test_OtherSecretKey_0002"})
    assert changed.status == 200
    with dynamodb_calls() as calls:
        adapter = checkout.provider("yookassa")
    assert calls == []  # from the cache, yet the new credentials
    assert adapter is checkout._adapter("yookassa", "654321", repository.provider_settings().yookassa_secret_sealed)
