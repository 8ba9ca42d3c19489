"""The fake keeps the real providers' contract (one key, one operation), and the port's models refuse
requests a provider would refuse."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from tessera.billing.providers.fake import FakeProvider, Outcome
from tessera.billing.providers.port import (
    PaymentRequest,
    ProviderRejected,
    Receipt,
    RefundRequest,
    ResultUnknown,
    WebhookRejected,
)
from tessera.core.money import Money
from tests.unit.billing.providers.conftest import make_charge, make_receipt, make_request


def test_unknown_then_success_on_retry_with_the_same_key() -> None:
    fake = FakeProvider()
    fake.will(Outcome.unknown(), Outcome.succeed())
    with pytest.raises(ResultUnknown):
        fake.charge_saved(make_charge("fake", "method-1"))
    assert fake.charge_saved(make_charge("fake", "method-1")).status == "succeeded"
    assert len(fake.charged) == 1


def test_a_lost_answer_after_the_charge_is_found_by_the_retry_not_charged_again() -> None:
    fake = FakeProvider()
    fake.will(Outcome.unknown(charged=True))
    with pytest.raises(ResultUnknown):
        fake.charge_saved(make_charge("fake", "method-1"))
    again = fake.charge_saved(make_charge("fake", "method-1"))
    assert again.status == "succeeded" and len(fake.charged) == 1
    assert [call for call, _ in fake.calls] == ["charge_saved", "charge_saved"]


def test_a_decline_is_final_for_its_attempt_and_a_new_attempt_is_new() -> None:
    fake = FakeProvider()
    fake.will(Outcome.decline("insufficient_funds"), Outcome.succeed())
    first = fake.charge_saved(make_charge("fake", "method-1", attempt=1))
    assert first.status == "canceled" and first.decline is not None and first.decline.action == "retry"
    assert fake.charge_saved(make_charge("fake", "method-1", attempt=1)) == first
    assert fake.charge_saved(make_charge("fake", "method-1", attempt=2)).status == "succeeded"


def test_checkout_then_completion_saves_the_method_and_the_webhook_names_it() -> None:
    fake = FakeProvider()
    started = fake.start(make_request())
    assert started.status == "pending" and started.confirmation_url
    fake.complete(started.provider_payment_id, save_method=True)
    hint = fake.authenticate_webhook("127.0.0.1", {}, json.dumps({"object_id": started.provider_payment_id}).encode())
    assert fake.fetch(hint.object_id).status == "succeeded"
    assert hint.saved_method is not None and hint.saved_method.provider == "fake"
    with pytest.raises(WebhookRejected):
        fake.authenticate_webhook("127.0.0.1", {}, b'{"object_id": "fake-999"}')


def test_a_refund_repeated_refunds_once() -> None:
    fake = FakeProvider()
    paid = fake.charge_saved(make_charge("fake", "method-1"))
    request = RefundRequest(refund_id="R-1", provider_payment_id=paid.provider_payment_id, amount=Money(999_000),
                            receipt=make_receipt())
    assert fake.refund(request) == fake.refund(request) and len(fake.refunds) == 1
    with pytest.raises(ProviderRejected):
        fake.charge_saved(make_charge("yookassa", "pm-1"))


def test_the_amount_must_be_the_receipts_total() -> None:
    fields = make_request().model_dump()
    with pytest.raises(ValidationError, match="receipt's total"):
        PaymentRequest(**{**fields, "amount": Money(999_001)})
    assert make_request().model_copy().receipt.total == Money(999_000)
    two = make_receipt(quantity=2)
    assert two.total == Money(1_998_000)


@pytest.mark.parametrize("change", [{"description": "x" * 129}, {"attempt": 0}, {"return_url": "javascript:alert(1)"},
                                    {"invoice_id": "  "}])
def test_requests_a_provider_would_refuse_are_refused_here(change: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PaymentRequest(**{**make_request().model_dump(), **change})


def test_a_receipt_needs_the_buyers_contact_and_a_valid_email() -> None:
    fields = make_receipt().model_dump()
    with pytest.raises(ValidationError, match="e-mail or phone"):
        Receipt(**{**fields, "email": None})
    with pytest.raises(ValidationError):
        Receipt(**{**fields, "email": "not-an-address"})
    assert Receipt(**{**fields, "email": None, "phone": "+79031234567"}).phone == "+79031234567"
