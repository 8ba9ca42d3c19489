"""Refunds of provider payments (console, billing staff), through the provider port.

A payment's refunds are numbered 1, 2, … in its own partition; the provider's idempotency key derives from
(payment, number), so repeating a refund (after no answer, or a double click) never refunds twice. Opening
one raises the payment's refund count and the amount it holds back in the same transaction as the refund
and its audit event, under the condition that neither changed since they were read: refunds can never add
up to more than the payment. Money that came in but paid nothing (`refund_due`) is the main use; refunding
an applied payment leaves its invoice and subscription as they are (staff cancel those themselves)."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pynamodb.exceptions import TransactWriteError

from tessera.accounts.models import AmountView
from tessera.billing import checkout, repository, service
from tessera.billing.models import BillingPaymentView
from tessera.billing.providers.port import (
    PaymentProvider,
    ProviderRefund,
    ProviderRejected,
    Receipt,
    ReceiptItem,
    RefundRequest,
    ResultUnknown,
    WebhookHint,
)
from tessera.billing.records import InvoiceRecord, PaymentRecord, ProviderEventRecord, RefundRecord
from tessera.billing.service import SYSTEM, Actor
from tessera.core import clock
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, FieldError, NotFound, ServiceUnavailable, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.money import Money
from tessera.core.observability import count, logger
from tessera.core.settings import get_settings

REFUNDABLE_PROVIDERS = ("yookassa", "tbank")
# The same refund asked again this soon (same amount and reason) is a double click, answered with the first.
REPEAT_WINDOW = timedelta(minutes=10)
OPEN_ATTEMPTS = 3

register({
    "refund-exceeds-payment": {"ru": "Возвраты не могут превышать сумму платежа: осталось {left}.",
                               "en": "Refunds cannot exceed the payment: {left} is left."},
    "refund-not-through-provider": {"ru": "Этот платёж пришёл не через платёжную систему: верните деньги "
                                          "банковским переводом.",
                                    "en": "This payment did not come through a payment provider: return the "
                                          "money by bank transfer."},
    "refund-in-progress": {"ru": "Предыдущий возврат этого платежа ещё не завершён: повторите его с той же "
                                 "суммой.",
                           "en": "The previous refund of this payment is not finished: repeat it with the same "
                                 "amount."},
    "refund-no-receipt-contact": {"ru": "Неизвестен e-mail покупателя для чека возврата.",
                                  "en": "The buyer's e-mail for the refund receipt is unknown."},
    "refund-provider-unavailable": {"ru": "Платёжная система не ответила. Повторите возврат: второго возврата "
                                          "не будет.",
                                    "en": "The payment provider did not answer. Repeat the refund: it will not "
                                          "be refunded twice."},
})

RefundStatus = Literal["starting", "pending", "succeeded", "canceled"]


class RefundCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(None, gt=0, le=10**12,
                               description="kopecks; default: all that is left of the payment")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=250)]


class RefundView(BaseModel):
    id: str
    number: int = Field(description="the payment's n-th refund")
    amount: AmountView
    reason: str
    status: RefundStatus = Field(description="starting: the provider has not answered yet (repeat the refund); "
                                             "pending: the provider is still refunding (its notification or "
                                             "a check settles it); canceled: the provider refused it "
                                             "(nothing was refunded)")
    provider_refund_id: str | None
    error_code: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime


class PaymentWithRefunds(BillingPaymentView):
    refunds: list[RefundView] = Field(description="oldest first")


def refund_view(record: RefundRecord) -> RefundView:
    return RefundView(id=record.refund_id, number=int(record.number),
                      amount=AmountView.of(int(record.amount), record.currency), reason=record.reason,
                      status=record.status, provider_refund_id=record.provider_refund_id,
                      error_code=record.error_code, created_by=record.created_by, created_at=record.created_at,
                      updated_at=record.updated_at)


def _payment(provider: str, provider_payment_id: str) -> PaymentRecord:
    record = repository.find_payment(provider, provider_payment_id)
    if record is None:
        raise NotFound("No such payment.", code="not-found")
    return record


def payment_with_refunds(provider: str, provider_payment_id: str) -> PaymentWithRefunds:
    """The console's payment card: the payment, how much of it is refunded or held by a refund, its refunds."""
    record = _payment(provider, provider_payment_id)
    return PaymentWithRefunds(**service.payment_view(record).model_dump(),
                              refunds=[refund_view(r) for r in repository.refunds_of(provider, provider_payment_id)])


def provider_refund_key(provider: str, provider_payment_id: str, number: int) -> str:
    """What the provider's idempotency key derives from (`port.refund_key`): the payment and its refund number."""
    return f"{provider}:{provider_payment_id}:{number}"


# --- the 54-ФЗ receipt of a refund -----------------------------------------------------------------

def refund_receipt(invoice: InvoiceRecord, email: str, amount: Money) -> Receipt:
    """The invoice's lines as the refund receipt: as invoiced for a refund of the whole invoice; else the
    amount shared over the lines in proportion to their amounts (half-even, the last line takes the rest), so
    each VAT rate gets its part and the lines add up to the amount, as both providers require."""
    if amount.kopecks == int(invoice.total):
        return checkout.receipt_of(invoice, email)
    lines = invoice.lines
    total = sum(int(line["amount"]) for line in lines)
    items: list[ReceiptItem] = []
    left = amount
    for index, line in enumerate(lines):
        share = left if index == len(lines) - 1 else amount.prorate(int(line["amount"]), total)
        left -= share
        if share.kopecks > 0:
            items.append(ReceiptItem(description=line["description"][:128], quantity=1, unit_price=share,
                                     vat=checkout.VAT_RATES[line["vat_rate"]]))
    return Receipt(email=email, tax_system=get_settings(checkout.CheckoutSettings).tax_system, items=items)


def _receipt_email(payment: PaymentRecord) -> str:
    """Where the payment's own receipt went (its attempt's e-mail): the refund receipt goes there too."""
    attempt = repository.find_attempt(payment.invoice_id, int(payment.attempt)) if int(payment.attempt) else None
    if attempt is None or not attempt.receipt_email:
        raise Conflict("The buyer's e-mail for the refund receipt is unknown.", code="refund-no-receipt-contact")
    return str(attempt.receipt_email)


# --- refunding -------------------------------------------------------------------------------------

def _exceeds(left: int, currency: str) -> ValidationFailed:
    return ValidationFailed("Refunds cannot exceed the payment.", code="refund-exceeds-payment",
                            left=Money(left, currency).format_ru(),
                            errors=[FieldError("body.amount", "exceeds what is left of the payment", "too_large")])


def _snapshot(payment: PaymentRecord, refund: RefundRecord) -> dict[str, Any]:
    return {"provider": payment.provider, "provider_payment_id": payment.provider_payment_id,
            "refund": int(refund.number), "amount": int(refund.amount), "status": refund.status,
            "payment_refunded": int(payment.refunded or 0)}


def _repeat_of(payment: PaymentRecord, amount: int | None, reason: str, actor: Actor) -> RefundRecord | None:
    """The payment's last refund when this request repeats it: one the provider has not answered yet is
    repeated (same key); an answered one asked again within REPEAT_WINDOW with the same amount and reason is a
    double click. A different refund while the last is unanswered is 409."""
    number = int(payment.refund_count or 0)
    last = repository.find_refund(payment.provider, payment.provider_payment_id, number) if number else None
    if last is None:
        return None
    same = (amount is None or amount == int(last.amount))
    if last.status == "starting":
        if not same:
            raise Conflict("The previous refund of this payment is not finished: repeat it with the same amount.",
                           code="refund-in-progress")
        return last
    recent = clock.now() - last.created_at < REPEAT_WINDOW
    if same and recent and last.reason == reason and last.created_by == actor.id and last.status != "canceled":
        return last
    return None


def _open(payment: PaymentRecord, command: RefundCommand, actor: Actor) -> RefundRecord:
    """The refund this request asks for: a repeat of the last one, or a new one held against the payment."""
    for _ in range(OPEN_ATTEMPTS):
        repeated = _repeat_of(payment, command.amount, command.reason, actor)
        if repeated is not None:
            return repeated
        count_before, refunded_before = int(payment.refund_count or 0), int(payment.refunded or 0)
        left = int(payment.amount) - refunded_before
        amount = command.amount if command.amount is not None else left
        if amount <= 0 or amount > left:
            raise _exceeds(left, payment.currency)
        now = clock.now()
        number = count_before + 1
        pk, sk = repository.refund_key(payment.provider, payment.provider_payment_id, number)
        refund = RefundRecord(pk=pk, sk=sk, refund_id=new_id("rfd"), provider=payment.provider,
                              provider_payment_id=payment.provider_payment_id, number=number, org_id=payment.org_id,
                              invoice_id=payment.invoice_id, amount=amount, currency=payment.currency,
                              reason=command.reason, status="starting", created_by=actor.id, created_at=now,
                              updated_at=now)
        payment.refund_count, payment.refunded = number, refunded_before + amount

        def writes(tx: Any, payment: PaymentRecord = payment, refund: RefundRecord = refund,
                   count_before: int = count_before, refunded_before: int = refunded_before) -> None:
            repository.add_payment_refunds(tx, payment, count_before, refunded_before)
            repository.add_new_refund(tx, refund)

        try:
            service._commit(writes, actor, "payment.refund", "payment", payment.payment_id, payment.org_id,
                            {"refunded": refunded_before}, _snapshot(payment, refund), reason=command.reason)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException" or not refused(exc, payment):
                raise service._concurrent() from exc
            payment = _payment(payment.provider, payment.provider_payment_id)  # a parallel refund came first
            continue
        count("refund_opened")
        return refund
    raise service._concurrent()


def _record_answer(payment: PaymentRecord, refund: RefundRecord, status: RefundStatus,
                   provider_refund_id: str | None, error_code: str | None, actor: Actor) -> RefundRecord:
    """The provider's answer on the refund; a refused refund gives its amount back to the payment. A parallel
    retry that recorded first recorded the same answer (same key): its record is answered."""
    was = refund.status
    for _ in range(OPEN_ATTEMPTS):
        refunded_before = int(payment.refunded or 0)
        refund.status, refund.provider_refund_id, refund.error_code = status, provider_refund_id, error_code
        refund.updated_at = clock.now()
        released = status == "canceled"
        if released:
            payment.refunded = refunded_before - int(refund.amount)

        def writes(tx: Any, payment: PaymentRecord = payment, refund: RefundRecord = refund,
                   refunded_before: int = refunded_before, released: bool = released) -> None:
            repository.add_refund(tx, refund)
            if released:
                repository.add_payment_refunds(tx, payment, int(payment.refund_count or 0), refunded_before)

        try:
            service._commit(writes, actor, "payment.refund_answer", "payment", payment.payment_id, payment.org_id,
                            {"refunded": refunded_before}, _snapshot(payment, refund))
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            current = repository.find_refund(refund.provider, refund.provider_payment_id, int(refund.number))
            if current is not None and current.status != was:
                return current  # a parallel retry recorded the answer
            payment = _payment(payment.provider, payment.provider_payment_id)
            refund = current or refund
            continue
        return refund
    raise service._concurrent()


def refund_payment(provider: str, provider_payment_id: str, command: RefundCommand, actor: Actor) -> RefundView:
    """Refund `amount` (default: all that is left) of a provider payment through its provider, with a 54-ФЗ
    refund receipt. 422 when refunds would exceed the payment; 409 for a payment that came from outside the
    providers; 503 when the provider does not answer (the refund stays `starting`: repeating the request repeats
    it with the same key, so nothing is refunded twice); 422 `provider-refused` when the provider refuses it
    (recorded `canceled`, its amount free again)."""
    payment = _payment(provider, provider_payment_id)
    if payment.provider not in REFUNDABLE_PROVIDERS:
        raise Conflict("This payment did not come through a payment provider: return the money by bank transfer.",
                       code="refund-not-through-provider")
    invoice = service._invoice(payment.invoice_id)
    email = _receipt_email(payment)
    refund = _open(payment, command, actor)
    if refund.status != "starting":
        return refund_view(refund)  # a double click: the refund it repeats
    payment = _payment(provider, provider_payment_id)
    amount = Money(int(refund.amount), refund.currency)
    request = RefundRequest(refund_id=provider_refund_key(provider, provider_payment_id, int(refund.number)),
                            provider_payment_id=provider_payment_id, amount=amount,
                            receipt=refund_receipt(invoice, email, amount), description=refund.reason)
    adapter = checkout.provider(provider)
    try:
        answer: ProviderRefund = adapter.refund(request)
    except ResultUnknown as exc:
        logger.warning("payment provider gave no answer to a refund",
                       extra={"provider": exc.provider, "refund_id": refund.refund_id})
        count("refund_result_unknown")
        raise ServiceUnavailable("The payment provider did not answer. Repeat the refund: it will not be refunded "
                                 "twice.", code="refund-provider-unavailable",
                                 retry_after=checkout.RETRY_AFTER_SECONDS) from None
    except ProviderRejected as exc:
        logger.error("payment provider refused a refund",
                     extra={"provider": exc.provider, "code": exc.code, "refund_id": refund.refund_id})
        _record_answer(payment, refund, "canceled", None, exc.code, actor)
        raise ValidationFailed("The payment provider refused the request.", code="provider-refused") from None
    recorded = _record_answer(payment, refund, answer.status, answer.provider_refund_id, None, actor)
    count("refund_" + recorded.status)
    return refund_view(recorded)


# --- refunds the provider answered `pending` -------------------------------------------------------

def _settle(adapter: PaymentProvider, refund: RefundRecord, actor: Actor) -> RefundRecord:
    """Re-fetch a pending refund from its provider and record a final answer (unchanged while still pending).
    A refusal is logged here and raised: the notification path goes on, staff's check answers 422."""
    try:
        answer = adapter.fetch_refund(refund.provider_payment_id, str(refund.provider_refund_id))
    except ProviderRejected as exc:
        logger.error("payment provider refused a refund's re-fetch",
                     extra={"provider": exc.provider, "code": exc.code, "refund_id": refund.refund_id})
        raise
    if answer.status == "pending":
        return refund
    recorded = _record_answer(_payment(refund.provider, refund.provider_payment_id), refund, answer.status,
                              refund.provider_refund_id, None if answer.status == "succeeded" else "provider-canceled",
                              actor)
    count("refund_settled_" + recorded.status)
    return recorded


def settle_notified(adapter: PaymentProvider, hint: WebhookHint, event: ProviderEventRecord) -> None:
    """A provider's refund notification (ЮKassa's `refund.succeeded`; Т-Банк's REFUNDED or PARTIAL_REFUNDED
    payment): the raw event stored once, then our pending refunds of that payment re-fetched (the
    notification is only a hint) and settled; the one it names when it names one of ours. ResultUnknown
    reaches the caller (503): the provider redelivers."""
    repository.save_provider_event(event)
    if hint.payment_id is None:
        return
    pending = [r for r in repository.refunds_of(hint.provider, hint.payment_id) if r.status == "pending"]
    named = [r for r in pending if r.provider_refund_id == hint.object_id]
    for refund in named or pending:
        with contextlib.suppress(ProviderRejected):  # the provider does not know it: staff's check will say so
            _settle(adapter, refund, SYSTEM)


def check_refund(provider: str, provider_payment_id: str, number: int, actor: Actor) -> RefundView:
    """Staff ask the provider about a pending refund (ЮKassa never notifies a canceled one)."""
    refund = repository.find_refund(provider, provider_payment_id, number)
    if refund is None:
        raise NotFound("No such refund.", code="not-found")
    if refund.status != "pending":
        return refund_view(refund)
    try:
        return refund_view(_settle(checkout.provider(provider), refund, actor))
    except ResultUnknown:
        raise ServiceUnavailable("The payment provider did not answer.", code="provider-unavailable",
                                 retry_after=checkout.RETRY_AFTER_SECONDS) from None
    except ProviderRejected:
        raise ValidationFailed("The payment provider refused the request.", code="provider-refused") from None
