"""An in-memory provider for the core's tests. It keeps the real providers' contract: one attempt key is
one operation (a repeat answers the first result and charges nothing), a decline is a canceled payment,
and `ResultUnknown` may come after the money was taken (`lost_answer`), which is exactly the case a
retry with the same key must survive.

    fake = FakeProvider()
    fake.will(Outcome.unknown(), Outcome.succeed())   # first call times out, the retry succeeds
    fake.will(Outcome.decline("insufficient_funds"))
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from itertools import count

from tessera.billing.providers.port import (
    ChargeRequest,
    Decline,
    DeclineAction,
    PaymentRequest,
    PaymentStatus,
    ProviderName,
    ProviderPayment,
    ProviderRefund,
    ProviderRejected,
    RefundRequest,
    ResultUnknown,
    SavedMethod,
    WebhookAck,
    WebhookHint,
    WebhookRejected,
    refund_key,
)


@dataclass(frozen=True)
class Outcome:
    status: PaymentStatus | None  # None: no answer
    reason: Decline | None = None  # why it was declined
    lost_answer: bool = False  # the operation happened, but the caller hears ResultUnknown

    @classmethod
    def succeed(cls) -> Outcome:
        return cls("succeeded")

    @classmethod
    def pending(cls) -> Outcome:
        return cls("pending")

    @classmethod
    def decline(cls, code: str, action: DeclineAction = "retry") -> Outcome:
        return cls("canceled", Decline(code=code, action=action))

    @classmethod
    def unknown(cls, *, charged: bool = False) -> Outcome:
        """No answer; with `charged` the money was taken anyway (the retry must find it, not take it again)."""
        return cls("succeeded", lost_answer=True) if charged else cls(None)


@dataclass
class FakeProvider:
    name: ProviderName = "fake"
    payments: dict[str, ProviderPayment] = field(default_factory=dict)
    refunds: dict[str, ProviderRefund] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (operation, idempotence key)
    refunds_pending: bool = False  # refunds answer `pending` until `settle_refund`, as some methods do
    _outcomes: deque[Outcome] = field(default_factory=deque)
    _by_key: dict[str, str] = field(default_factory=dict)
    _ids: count[int] = field(default_factory=lambda: count(1))

    def will(self, *outcomes: Outcome) -> None:
        """Script the next operations' outcomes; unscripted, a checkout is pending and a charge succeeds."""
        self._outcomes.extend(outcomes)

    @property
    def charged(self) -> list[ProviderPayment]:
        return [payment for payment in self.payments.values() if payment.status == "succeeded"]

    def start(self, request: PaymentRequest) -> ProviderPayment:
        return self._operate("start", request, Outcome.pending(), None)

    def charge_saved(self, request: ChargeRequest) -> ProviderPayment:
        if request.saved_method.provider != "fake":
            raise ProviderRejected("fake", "the saved method belongs to another provider", code="wrong-provider")
        return self._operate("charge_saved", request, Outcome.succeed(), request.saved_method)

    def _operate(self, operation: str, request: PaymentRequest, default: Outcome,
                 saved: SavedMethod | None) -> ProviderPayment:
        key = request.idempotence_key
        self.calls.append((operation, key))
        if key in self._by_key:  # a repeat of an attempt: the first result, nothing new
            return self.payments[self._by_key[key]]
        outcome = self._outcomes.popleft() if self._outcomes else default
        if outcome.status is None:
            raise ResultUnknown("fake", "scripted: no answer")
        payment_id = f"fake-{next(self._ids)}"
        payment = ProviderPayment(
            provider="fake", provider_payment_id=payment_id, status=outcome.status, amount=request.amount,
            invoice_id=request.invoice_id, attempt=request.attempt, decline=outcome.reason,
            confirmation_url=f"https://fake.invalid/checkout/{payment_id}" if outcome.status == "pending" else None)
        self.payments[payment_id] = payment
        self._by_key[key] = payment_id
        if outcome.lost_answer:
            raise ResultUnknown("fake", "scripted: the answer was lost")
        return payment

    def complete(self, provider_payment_id: str, *, outcome: Outcome | None = None,
                 save_method: bool = False) -> ProviderPayment:
        """The customer finished the checkout page: the payment moves to the outcome (default success)."""
        outcome = outcome or Outcome.succeed()
        saved = SavedMethod(provider="fake", token=f"method-{provider_payment_id}", title="*4242") \
            if save_method and outcome.status == "succeeded" else None
        payment = self.payments[provider_payment_id].model_copy(update={
            "status": outcome.status, "decline": outcome.reason, "confirmation_url": None, "saved_method": saved})
        self.payments[provider_payment_id] = payment
        return payment

    def fetch(self, provider_payment_id: str) -> ProviderPayment:
        if provider_payment_id not in self.payments:
            raise ProviderRejected("fake", "no such payment", code="not_found")
        return self.payments[provider_payment_id]

    def refund(self, request: RefundRequest) -> ProviderRefund:
        key = refund_key(request.refund_id)
        self.calls.append(("refund", key))
        if key not in self.refunds:
            payment = self.fetch(request.provider_payment_id)
            if payment.status != "succeeded" or request.amount.kopecks > payment.amount.kopecks:
                raise ProviderRejected("fake", "nothing to refund", code="invalid_request")
            self.refunds[key] = ProviderRefund(provider="fake", provider_refund_id=f"refund-{next(self._ids)}",
                                               provider_payment_id=payment.provider_payment_id,
                                               status="pending" if self.refunds_pending else "succeeded",
                                               amount=request.amount)
        return self.refunds[key]

    def _refund_by_id(self, provider_refund_id: str) -> tuple[str, ProviderRefund]:
        for key, refund in self.refunds.items():
            if refund.provider_refund_id == provider_refund_id:
                return key, refund
        raise ProviderRejected("fake", "no such refund", code="not_found")

    def fetch_refund(self, provider_payment_id: str, provider_refund_id: str) -> ProviderRefund:
        self.calls.append(("fetch_refund", provider_refund_id))
        return self._refund_by_id(provider_refund_id)[1]

    def settle_refund(self, provider_refund_id: str, status: PaymentStatus = "succeeded") -> ProviderRefund:
        """The provider finished a pending refund."""
        key, refund = self._refund_by_id(provider_refund_id)
        self.refunds[key] = refund.model_copy(update={"status": status})
        return self.refunds[key]

    def authenticate_webhook(self, source_ip: str, headers: dict[str, str], body: bytes) -> WebhookHint:
        """A fake notification is `{"object_id": …, "event": …}` about a payment this fake holds, or
        `{"refund_id": …, "event": "refund.succeeded"}` about one of its refunds."""
        try:
            notification = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise WebhookRejected("the body is not JSON") from None
        if isinstance(notification, dict) and "refund_id" in notification:
            try:
                _, refund = self._refund_by_id(str(notification["refund_id"]))
            except ProviderRejected:
                raise WebhookRejected("no such refund") from None
            return WebhookHint(provider="fake", object_type="refund", object_id=refund.provider_refund_id,
                               event=str(notification.get("event", "refund.succeeded")),
                               payment_id=refund.provider_payment_id)
        if not isinstance(notification, dict) or notification.get("object_id") not in self.payments:
            raise WebhookRejected("no such payment")
        return WebhookHint(provider="fake", object_type="payment", object_id=notification["object_id"],
                           event=str(notification.get("event", "payment.updated")),
                           saved_method=self.payments[notification["object_id"]].saved_method)

    def webhook_ack(self) -> WebhookAck:
        return WebhookAck()
