"""The way into billing: plans, subscriptions and their plan changes, invoices with gapless numbers,
payments applied exactly once. Every change is written with its audit event in one transaction."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from pynamodb.exceptions import TransactWriteError

from tessera.accounts.models import AmountView
from tessera.accounts.service import matching_organization_ids
from tessera.audit import service as audit
from tessera.billing import access, renewals, repository
from tessera.billing.models import (
    BillingPaymentPage,
    BillingPaymentView,
    BillingPlan,
    DunningRunPage,
    DunningRunState,
    DunningRunStepView,
    DunningRunView,
    InvoiceLineView,
    InvoicePage,
    InvoiceView,
    PendingChange,
    PlanChangePreview,
    PlanChangeResult,
    PurposeKind,
    SavedMethodView,
    SubscriptionPage,
    SubscriptionView,
)
from tessera.billing.plans import default_plans
from tessera.billing.pricing import Line, PlanChangeQuote, add_months, quote_plan_change, totals
from tessera.billing.providers.port import SavedMethod
from tessera.billing.records import (
    DunningRunRecord,
    InvoiceRecord,
    PaymentRecord,
    PlanRecord,
    ProviderEventRecord,
    SubscriptionRecord,
)
from tessera.billing.settings import BillingSettings
from tessera.billing.states import SubscriptionState, can_move, move, move_invoice
from tessera.core import clock
from tessera.core.dynamo import refused
from tessera.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from tessera.core.i18n import register
from tessera.core.ids import new_id
from tessera.core.money import Money
from tessera.core.observability import count
from tessera.core.request import RequestInfo
from tessera.core.settings import get_settings

MOSCOW = ZoneInfo("Europe/Moscow")
PRODUCT_NAMES = {"fastlead": "Fast Lead", "storage": "Хранилище"}
NUMBERING_ATTEMPTS = 40  # concurrent issuers of one seller each take a turn; 20 at once need far fewer
IN_LIMIT = 100  # DynamoDB's IN takes at most 100 values: a search names at most 100 customers
APPLY_ATTEMPTS = 5  # after a lost race the next read finds the winner's payment

register({
    "plan-unknown": {"ru": "Такого тарифа нет.", "en": "No such plan."},
    "subscription-exists": {"ru": "У организации уже есть подписка на этот продукт.",
                            "en": "The organization already subscribes to this product."},
    "plan-change-pending": {"ru": "Уже ждёт оплаты переход на другой тариф: оплатите или отмените его.",
                            "en": "A change to another plan awaits payment: pay it or cancel it first."},
    "plan-unchanged": {"ru": "Подписка уже на этом тарифе.", "en": "The subscription is on this plan already."},
    "plan-other-product": {"ru": "Этот тариф — другого продукта.", "en": "That plan is for another product."},
})


@dataclass(frozen=True)
class Actor:
    """Who makes a change, for its audit event: a person (from their principal) or the platform itself."""

    id: str
    kind: Literal["staff", "customer", "system"]
    display: str | None = None
    roles: tuple[str, ...] = ()
    request: RequestInfo | None = None

    @classmethod
    def of(cls, principal: Any, request: RequestInfo) -> Actor:
        return cls(principal.user_id, principal.kind, principal.display or None, tuple(sorted(principal.roles)),
                   request)


SYSTEM = Actor("billing", "system")


def _commit(writes: Callable[[Any], None], actor: Actor, action: str, entity_type: str, entity_id: str,
            org_id: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
            reason: str | None = None) -> None:
    audit.record_change(writes, action, entity_type, entity_id, actor_id=actor.id, actor_kind=actor.kind,
                        actor_display=actor.display, actor_roles=actor.roles, request=actor.request,
                        org_id=org_id, before=before, after=after, reason=reason)


def _concurrent() -> Conflict:
    return Conflict("Someone changed this at the same time. Reload and try again.", code="concurrent-change")


# --- plans -----------------------------------------------------------------------------------------

def seed_plans() -> None:
    """The default plans, once: prices staff changed later are kept."""
    if not repository.plans():
        repository.save_plans(default_plans())


def _money(kopecks: Any, currency: str = "RUB") -> Money:
    return Money(int(kopecks), currency)


def plan_view(record: PlanRecord) -> BillingPlan:
    return BillingPlan(
        code=record.code, product=record.product, name_ru=record.name_ru, name_en=record.name_en,
        price=AmountView.of(int(record.price), record.currency), period_months=int(record.period_months),
        trial_days=int(record.trial_days), vat_rate=_vat_rate(record),
        limits={name: None if value is None else int(value) for name, value in (record.limits or {}).items()})


def list_plans(product: str | None = None) -> list[BillingPlan]:
    return [plan_view(r) for r in repository.plans() if r.active and (product is None or r.product == product)]


def _plan(code: str, field: str = "body.plan") -> PlanRecord:
    record = repository.find_plan(code)
    if record is None or not record.active:
        raise ValidationFailed("No such plan.", code="plan-unknown", errors=[FieldError(field, "unknown", "unknown")])
    return record


# --- subscriptions ---------------------------------------------------------------------------------

def subscription_view(record: SubscriptionRecord) -> SubscriptionView:
    method = record.saved_method
    return SubscriptionView(
        id=record.subscription_id, org_id=record.org_id, product=record.product, plan=record.plan,
        state=record.state, period_start=record.period_start, period_end=record.period_end,
        cancel_at_period_end=bool(record.cancel_at_period_end),
        pending_change=PendingChange.model_validate(record.pending_change) if record.pending_change else None,
        saved_method=SavedMethodView(provider=method["provider"], title=method["title"]) if method else None,
        created_at=record.created_at, updated_at=record.updated_at)


def _snapshot(record: SubscriptionRecord) -> dict[str, Any]:
    return {"plan": record.plan, "state": record.state, "period_start": record.period_start.isoformat(),
            "period_end": record.period_end.isoformat(), "cancel_at_period_end": bool(record.cancel_at_period_end),
            "pending_change": record.pending_change, "open_invoice_id": record.open_invoice_id}


def _subscription(subscription_id: str, org_id: str | None = None) -> SubscriptionRecord:
    """`org_id`: only that organization's; another's answers as if it did not exist."""
    record = repository.find_subscription(subscription_id)
    if record is None or (org_id is not None and record.org_id != org_id):
        raise NotFound("No such subscription.", code="not-found")
    return record


def get_subscription(subscription_id: str, org_id: str | None = None) -> SubscriptionView:
    return subscription_view(_subscription(subscription_id, org_id))


def start_trial(org_id: str, plan_code: str, actor: Actor) -> SubscriptionView:
    """A new subscription in its trial of the plan's trial days; paying its first invoice makes it active."""
    plan = _plan(plan_code)
    now = clock.now()
    subscription_id = new_id("sub")
    record = SubscriptionRecord(
        pk=repository.subscription_key(subscription_id)[0], sk=repository.subscription_key(subscription_id)[1],
        subscription_id=subscription_id, org_id=org_id, product=plan.product, plan=plan.code, state="trial",
        period_start=now, period_end=now + timedelta(days=int(plan.trial_days)), cancel_at_period_end=False,
        created_at=now, updated_at=now)
    slot = repository.product_slot(org_id, plan.product)
    slot.subscription_id = subscription_id
    try:
        _commit(lambda tx: repository.add_new_subscription(tx, record, slot), actor, "subscription.start_trial",
                "subscription", subscription_id, org_id, None, _snapshot(record))
    except TransactWriteError as exc:
        if refused(exc, slot):
            raise Conflict("The organization already subscribes to this product.",
                           code="subscription-exists") from exc
        raise
    count("subscription_started")
    return subscription_view(record)


def _quote(record: SubscriptionRecord, current: PlanRecord, target: PlanRecord) -> PlanChangeQuote:
    if target.product != record.product:
        raise ValidationFailed("That plan is for another product.", code="plan-other-product",
                               errors=[FieldError("body.plan", "another product", "invalid")])
    return quote_plan_change(current_price=_money(current.price, current.currency),
                             new_price=_money(target.price, target.currency), in_trial=record.state == "trial",
                             period_start=record.period_start, period_end=record.period_end, now=clock.now())


def _preview(target: PlanRecord, quote: PlanChangeQuote) -> PlanChangePreview:
    return PlanChangePreview(plan=target.code, kind=quote.kind,
                             amount_now=AmountView.of(quote.amount_now.kopecks, quote.amount_now.currency),
                             effective_at=quote.effective_at, days_left=quote.days_left,
                             period_days=quote.period_days)


def preview_plan_change(subscription_id: str, plan_code: str, org_id: str | None = None) -> PlanChangePreview:
    """What changing to `plan_code` would cost now and when it would take effect; changes nothing."""
    record = _subscription(subscription_id, org_id)
    move(record.state, record.state)  # a subscription that cannot change answers the same 409 as the change
    target = _plan(plan_code)
    return _preview(target, _quote(record, _plan(record.plan), target))


def _again_after_a_race[**P, R](operation: Callable[P, R]) -> Callable[P, R]:
    """Run once more when a concurrent change won: the same request then finds what the winner did (the
    invoice of a double click) instead of answering 409."""

    @functools.wraps(operation)
    def attempt(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return operation(*args, **kwargs)
        except Conflict as exc:
            if exc.code != "concurrent-change":
                raise
            return operation(*args, **kwargs)

    return attempt


@_again_after_a_race
def change_plan(subscription_id: str, plan_code: str, actor: Actor, org_id: str | None = None) -> PlanChangeResult:
    """Upgrade now (an invoice for the price difference over the days left; the plan switches when it is
    paid), downgrade at the period's end (a pending change), switch at once in a trial or at the same price.
    Asking again for an upgrade that awaits payment answers the same invoice (a double click)."""
    record = _subscription(subscription_id, org_id)
    move(record.state, record.state)
    target = _plan(plan_code)
    pending = record.pending_change
    if target.code == record.plan and not pending:
        raise Conflict("The subscription is on this plan already.", code="plan-unchanged")
    quote = _quote(record, _plan(record.plan), target)
    if pending and pending["kind"] == "upgrade":
        if pending["plan"] == target.code:
            return PlanChangeResult(subscription=subscription_view(record),
                                    invoice=invoice_view(_invoice(pending["invoice_id"])),
                                    preview=_preview(target, quote))
        raise Conflict("A change to another plan awaits payment: pay it or cancel it first.",
                       code="plan-change-pending")
    before = _snapshot(record)
    record.updated_at = clock.now()
    if quote.kind == "upgrade" and quote.amount_now.kopecks > 0:
        end_ru = record.period_end.astimezone(MOSCOW).strftime("%d.%m.%Y")
        line = Line(f"Переход на тариф {PRODUCT_NAMES.get(record.product, record.product)} «{target.name_ru}» "
                    f"до {end_ru}: {quote.days_left} дн. из {quote.period_days}", 1, quote.amount_now,
                    _vat_rate(target))
        invoice = _new_invoice(record.org_id, {"kind": "plan_change", "subscription_id": record.subscription_id,
                                               "plan": target.code, "from_plan": record.plan}, [line])
        record.pending_change = {"kind": "upgrade", "plan": target.code, "invoice_id": invoice.invoice_id}
        _issue(invoice, actor, subscription=(record, before, "subscription.change_plan"))
        return PlanChangeResult(subscription=subscription_view(record), invoice=invoice_view(invoice),
                                preview=_preview(target, quote))
    action = "subscription.change_plan"
    if target.code == record.plan:  # back to the current plan: the scheduled downgrade is dropped
        record.pending_change = None
    elif quote.kind == "downgrade":
        record.pending_change = {"kind": "downgrade", "plan": target.code,
                                 "effective_at": record.period_end.isoformat()}
        action = "subscription.schedule_change"
    else:  # in a trial, at the same price, or an upgrade with nothing left of the period: at once, for free
        record.plan, record.pending_change = target.code, None
    _save_subscription(record, actor, action, before)
    return PlanChangeResult(subscription=subscription_view(record), invoice=None, preview=_preview(target, quote))


def _save_subscription(record: SubscriptionRecord, actor: Actor, action: str, before: dict[str, Any],
                       reason: str | None = None, extra: Callable[[Any], None] | None = None) -> None:
    def writes(tx: Any) -> None:
        repository.add_subscription(tx, record)
        if extra is not None:
            extra(tx)

    try:
        _commit(writes, actor, action, "subscription", record.subscription_id, record.org_id, before,
                _snapshot(record), reason)
    except TransactWriteError as exc:
        raise _concurrent() from exc


def cancel_at_period_end(subscription_id: str, actor: Actor, org_id: str | None = None) -> SubscriptionView:
    """The subscription ends when its period (or trial) does; until then nothing changes. Idempotent."""
    record = _subscription(subscription_id, org_id)
    move(record.state, "canceled")
    if record.cancel_at_period_end:
        return subscription_view(record)
    before = _snapshot(record)
    record.cancel_at_period_end, record.updated_at = True, clock.now()
    _save_subscription(record, actor, "subscription.cancel_at_period_end", before)
    return subscription_view(record)


def set_state(subscription_id: str, target: SubscriptionState, actor: Actor, reason: str) -> SubscriptionView:
    """A move the table allows (dunning: past_due, suspended; the lifecycle: a trial over unpaid), audited
    with its reason. Canceling releases the organization's slot for the product."""
    record = _subscription(subscription_id)
    if record.state == target:
        return subscription_view(record)
    before = _snapshot(record)
    record.state, record.updated_at = move(record.state, target), clock.now()
    extra = None
    if target == "canceled":
        record.canceled_at = record.updated_at
        slot = repository.product_slot(record.org_id, record.product)
        extra = lambda tx: repository.release_product_slot(tx, slot)  # noqa: E731
    _save_subscription(record, actor, f"subscription.{target}", before, reason, extra)
    return subscription_view(record)


def renew(subscription_id: str, actor: Actor = SYSTEM) -> tuple[SubscriptionView, InvoiceView | None]:
    """At the period's end: cancel if asked to, else apply a scheduled downgrade and open the next
    period's invoice (the same one when called again)."""
    record = _subscription(subscription_id)
    if record.cancel_at_period_end and clock.now() >= record.period_end:
        return set_state(subscription_id, "canceled", actor, "canceled at the period's end"), None
    pending = record.pending_change
    if pending and pending["kind"] == "downgrade" and clock.now() >= record.period_end:
        before = _snapshot(record)
        record.plan, record.pending_change, record.updated_at = pending["plan"], None, clock.now()
        _save_subscription(record, actor, "subscription.change_plan", before, "scheduled downgrade")
    return subscription_view(record), period_invoice(subscription_id, actor)


@_again_after_a_race
def period_invoice(subscription_id: str, actor: Actor, org_id: str | None = None) -> InvoiceView:
    """The invoice for the subscription's next period (the first one after a trial): the open one, or a
    new one at the current plan's price. Paying it makes the subscription active for a period."""
    record = _subscription(subscription_id, org_id)
    move(record.state, "active")
    if record.open_invoice_id:
        return invoice_view(_invoice(record.open_invoice_id))
    plan = _plan(record.plan)
    months = int(plan.period_months)
    line = Line(f"Подписка {PRODUCT_NAMES.get(record.product, record.product)}, тариф «{plan.name_ru}», "
                f"{months} мес.", 1, _money(plan.price, plan.currency), _vat_rate(plan))
    invoice = _new_invoice(record.org_id, {"kind": "subscription_period", "subscription_id": subscription_id,
                                           "plan": plan.code, "period_months": months}, [line])
    before = _snapshot(record)
    record.open_invoice_id, record.updated_at = invoice.invoice_id, clock.now()
    _issue(invoice, actor, subscription=(record, before, "subscription.invoice"))
    return invoice_view(invoice)


def _vat_rate(plan: PlanRecord) -> int | None:
    return None if plan.vat_rate is None else int(plan.vat_rate)


# --- invoices --------------------------------------------------------------------------------------

def invoice_view(record: InvoiceRecord) -> InvoiceView:
    currency = record.currency
    return InvoiceView(
        id=record.invoice_id, org_id=record.org_id, seller_id=record.seller_id,
        number=None if record.number is None else int(record.number), status=record.status, purpose=record.purpose,
        lines=[InvoiceLineView(description=line["description"], quantity=line["quantity"],
                               unit_price=AmountView.of(line["unit_price"], currency),
                               amount=AmountView.of(line["amount"], currency), vat_rate=line["vat_rate"],
                               vat=AmountView.of(line["vat"], currency)) for line in record.lines],
        total=AmountView.of(int(record.total), currency), vat_total=AmountView.of(int(record.vat_total), currency),
        created_at=record.created_at, issued_at=record.issued_at, due_at=record.due_at, paid_at=record.paid_at)


def _invoice(invoice_id: str, org_id: str | None = None) -> InvoiceRecord:
    record = repository.find_invoice(invoice_id)
    if record is None or (org_id is not None and record.org_id != org_id):
        raise NotFound("No such invoice.", code="not-found")
    return record


def get_invoice(invoice_id: str, org_id: str | None = None) -> InvoiceView:
    return invoice_view(_invoice(invoice_id, org_id))


def _new_invoice(org_id: str, purpose: dict[str, Any], lines: list[Line]) -> InvoiceRecord:
    """A draft: no number until it is issued."""
    if not lines:
        raise ValueError("an invoice needs lines")
    total, vat = totals(lines)
    now = clock.now()
    invoice_id = new_id("inv")
    pk, sk = repository.invoice_key(invoice_id)
    return InvoiceRecord(
        pk=pk, sk=sk, invoice_id=invoice_id, org_id=org_id, seller_id=get_settings(BillingSettings).seller_id,
        status="draft", purpose=purpose, currency=total.currency, total=total.kopecks, vat_total=vat.kopecks,
        lines=[{"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price.kopecks,
                "amount": line.amount.kopecks, "vat_rate": line.vat_rate, "vat": line.vat.kopecks} for line in lines],
        created_at=now, updated_at=now)


def issue_invoice(org_id: str, purpose_kind: PurposeKind, purpose: dict[str, Any], lines: list[Line],
                  actor: Actor) -> InvoiceView:
    """An invoice issued at once with the seller's next number (a license renewal's, staff's own)."""
    record = _new_invoice(org_id, {**purpose, "kind": purpose_kind}, lines)
    _issue(record, actor)
    return invoice_view(record)


def _issue(record: InvoiceRecord, actor: Actor,
           subscription: tuple[SubscriptionRecord, dict[str, Any], str] | None = None) -> None:
    """Issue the draft under the seller's next number: the counter, the invoice, the subscription that
    refers to it (audited as the subscription's `action`, else as `invoice.issue`) and the audit event in
    one transaction. Another issuer that took the number first fails the counter's condition: read the
    counter again and retry; any other refusal is a concurrent change."""
    now = clock.now()
    record.status = move_invoice(record.status, "issued")
    record.issued_at, record.updated_at = now, now
    record.due_at = now + timedelta(days=get_settings(BillingSettings).invoice_due_days)
    seller = record.seller_id
    for attempt in range(NUMBERING_ATTEMPTS):
        last = repository.last_invoice_number(seller)
        record.number = last + 1
        counter = repository.invoice_counter(seller, last)
        issued = {"id": record.invoice_id, "number": record.number, "total": int(record.total),
                  "purpose": record.purpose}

        def writes(tx: Any, counter: Any = counter, last: int = last) -> None:
            repository.add_invoice_number(tx, counter, last)
            repository.add_new_invoice(tx, record)
            if subscription is not None:
                repository.add_subscription(tx, subscription[0])

        try:
            if subscription is None:
                _commit(writes, actor, "invoice.issue", "invoice", record.invoice_id, record.org_id, None, issued)
            else:
                sub, before, action = subscription
                _commit(writes, actor, action, "subscription", sub.subscription_id, sub.org_id, before,
                        {**_snapshot(sub), "invoice": issued})
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            if not refused(exc, counter):
                raise _concurrent() from exc
            # jitter spreads the issuers that collided (not a secret: S311 does not apply)
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311
            continue
        count("invoice_issued")
        return
    raise _concurrent()


# --- payments --------------------------------------------------------------------------------------

def payment_view(record: PaymentRecord) -> BillingPaymentView:
    return BillingPaymentView(id=record.payment_id, org_id=record.org_id, provider=record.provider,
                              provider_payment_id=record.provider_payment_id, invoice_id=record.invoice_id,
                              attempt=int(record.attempt), amount=AmountView.of(int(record.amount), record.currency),
                              refunded=AmountView.of(int(record.refunded or 0), record.currency),
                              status=record.status, created_at=record.created_at)


def get_payment(provider: str, provider_payment_id: str) -> BillingPaymentView:
    record = repository.find_payment(provider, provider_payment_id)
    if record is None:
        raise NotFound("No such payment.", code="not-found")
    return payment_view(record)


class _CannotApply(Exception):
    """The money came, but what it paid for can no longer be given: it is due back."""


def _paid_subscription(invoice: InvoiceRecord, now: datetime) -> tuple[SubscriptionRecord | None, str | None]:
    """The subscription as the invoice's payment leaves it and the state it was in (None: the invoice pays
    for no subscription)."""
    purpose = invoice.purpose
    if purpose["kind"] not in ("subscription_period", "plan_change"):
        return None, None
    record = _subscription(purpose["subscription_id"])
    was = record.state
    if purpose["kind"] == "plan_change":
        if not can_move(record.state, record.state):
            raise _CannotApply
        record.plan = purpose["plan"]
        if record.pending_change and record.pending_change.get("invoice_id") == invoice.invoice_id:
            record.pending_change = None
    else:
        if not can_move(record.state, "active"):
            raise _CannotApply
        # a running period goes on from its end; after a trial or a suspension a new one starts now
        start = record.period_end if record.state in ("active", "past_due") else now
        record.plan = purpose["plan"]
        # the invoice carries its plan's period (one read less); invoices issued before it did read the plan
        months = int(purpose.get("period_months") or _plan(record.plan).period_months)
        record.period_start, record.period_end = start, add_months(start, months)
        record.state = move(record.state, "active")
        record.cancel_at_period_end = False
        if record.open_invoice_id == invoice.invoice_id:
            record.open_invoice_id = None
    record.updated_at = now
    return record, was


def _saving_method(invoice: InvoiceRecord, subscription: SubscriptionRecord | None, method: SavedMethod,
                   receipt_email: str | None) -> SubscriptionRecord | None:
    """The subscription the invoice names with the card the provider saved while paying it (renewals and
    dunning charge it, their receipts to `receipt_email`); None when the invoice names no subscription."""
    if subscription is None:
        subscription_id = invoice.purpose.get("subscription_id")
        if not subscription_id:
            return None
        subscription = _subscription(subscription_id)
        subscription.updated_at = clock.now()
    subscription.saved_method = {"provider": method.provider, "method_id": method.token,
                                 "title": method.title or "•••", "receipt_email": receipt_email,
                                 "saved_at": clock.now().isoformat()}
    return subscription


def apply_payment(*, provider: str, provider_payment_id: str, invoice_id: str, attempt: int, amount: Money,
                  actor: Actor = SYSTEM, event: ProviderEventRecord | None = None,
                  saved_method: SavedMethod | None = None) -> BillingPaymentView:
    """A provider's succeeded payment, applied exactly once: recorded under (provider, provider payment id),
    the invoice paid, the subscription's period extended or its plan switched (and the card saved while
    paying put on it), the provider's raw `event` and the audit event, in one transaction. Applying it
    again (a repeated webhook, a parallel one) answers the recorded payment.
    Money that cannot pay the invoice is recorded, not lost: `mismatch` (amount or currency differ) or
    `refund_due` (the invoice was paid or voided already, the subscription canceled).

    DynamoDB calls: the invoice (with the paying attempt, for a saved card's receipt e-mail), the
    subscription, the transaction. A repeat learns that it is one from the transaction's refusal."""
    for _ in range(APPLY_ATTEMPTS):
        if saved_method is not None:
            invoice, paying = repository.find_invoice_and_attempt(invoice_id, attempt)
            if invoice is None:
                raise NotFound("No such invoice.", code="not-found")
        else:
            invoice, paying = _invoice(invoice_id), None
        now = clock.now()
        pk, sk = repository.payment_key(provider, provider_payment_id)
        payment = PaymentRecord(pk=pk, sk=sk, payment_id=new_id("pay"), org_id=invoice.org_id, provider=provider,
                                provider_payment_id=provider_payment_id, invoice_id=invoice_id, attempt=attempt,
                                amount=amount.kopecks, currency=amount.currency, status="applied", created_at=now)
        before = {"invoice_status": invoice.status}
        subscription, was = None, None
        if (amount.kopecks, amount.currency) != (int(invoice.total), invoice.currency):
            payment.status = "mismatch"
        elif invoice.status != "issued":
            payment.status = "refund_due"
        else:
            try:
                subscription, was = _paid_subscription(invoice, now)
            except _CannotApply:
                payment.status = "refund_due"
        if payment.status == "applied":
            invoice.status = move_invoice(invoice.status, "paid")
            invoice.paid_at, invoice.updated_at, payment.applied_at = now, now, now
            if saved_method is not None:
                subscription = _saving_method(invoice, subscription, saved_method,
                                              paying.receipt_email if paying else None)

        def writes(tx: Any, payment: PaymentRecord = payment, invoice: InvoiceRecord = invoice,
                   subscription: SubscriptionRecord | None = subscription,
                   event: ProviderEventRecord | None = event) -> None:
            repository.add_new_payment(tx, payment)
            if event is not None:
                repository.add_new_provider_event(tx, event)
            if payment.status == "applied":
                repository.add_invoice(tx, invoice)
                if subscription is not None:
                    repository.add_subscription(tx, subscription)

        method = subscription.saved_method if subscription is not None and saved_method is not None else None
        after = {"provider": provider, "provider_payment_id": provider_payment_id, "invoice_id": invoice_id,
                 "amount": amount.kopecks, "currency": amount.currency, "status": payment.status,
                 "invoice_status": invoice.status,
                 "subscription": _snapshot(subscription) if subscription is not None else None,
                 "saved_method": {"provider": method["provider"], "title": method["title"]} if method else None}
        try:
            _commit(writes, actor, "payment.apply", "payment", payment.payment_id, invoice.org_id, before, after)
        except TransactWriteError as exc:
            if exc.cause_response_code != "TransactionCanceledException":
                raise
            if refused(exc, payment):  # recorded before (a repeat) or by a parallel apply: answer that one
                return _recorded(provider, provider_payment_id, invoice, actor)
            if event is not None and refused(exc, event):
                event = None  # an earlier delivery stored it: the payment is still to be applied
            continue  # the invoice or subscription changed meanwhile: read them again
        count("payment_succeeded" if payment.status == "applied" else "payment_not_applied")
        if payment.status == "applied":
            _after_paid(invoice, actor)
            if was == "suspended" and subscription is not None:  # a payment at any point restores access
                access.restore_access(subscription)
        return payment_view(payment)
    raise _concurrent()


def _recorded(provider: str, provider_payment_id: str, invoice: InvoiceRecord, actor: Actor) -> BillingPaymentView:
    """The payment as recorded first; an applied one gets what follows a payment finished (a first call may
    have failed after its transaction)."""
    existing = repository.find_payment(provider, provider_payment_id)
    if existing is None:  # refused as a duplicate, so it exists: only a deletion could get here
        raise _concurrent()
    if existing.status == "applied":
        _after_paid(invoice if existing.invoice_id == invoice.invoice_id else _invoice(existing.invoice_id), actor)
    return payment_view(existing)


def _after_paid(invoice: InvoiceRecord, actor: Actor) -> None:
    """What a paid invoice sets off outside billing: a license renewal's next version, signed once."""
    if invoice.purpose.get("kind") == "license_renewal":
        renewals.sign_paid_renewal(invoice_view(invoice), actor)


def saved_method_of(invoice: InvoiceRecord) -> dict[str, Any] | None:
    """The saved card of the subscription the invoice pays for (provider, method_id, title, receipt_email)."""
    subscription_id = invoice.purpose.get("subscription_id")
    return _subscription(subscription_id).saved_method if subscription_id else None


def provider_event(provider: str, object_id: str, event: str, body: str, source_ip: str | None
                   ) -> ProviderEventRecord:
    """A provider's notification as received, stored once per (provider, object, event)."""
    return ProviderEventRecord(pk=f"EVT#{provider}#{object_id}", sk=event, provider=provider, object_id=object_id,
                               event=event, body=body, source_ip=source_ip, received_at=clock.now())


def forget_method(record: SubscriptionRecord, actor: Actor) -> None:
    """The customer withdrew consent to automatic payments: the saved method is forgotten, so renewals and
    dunning ask for a payment instead of charging it."""
    before = {**_snapshot(record), "saved_method": (record.saved_method or {}).get("title")}
    record.saved_method, record.updated_at = None, clock.now()
    _save_subscription(record, actor, "subscription.forget_method", before, "autopayment consent withdrawn")


def store_provider_event(provider: str, object_id: str, event: str, body: str, source_ip: str | None) -> bool:
    """A notification that applies no payment, stored alone; False when the same (provider, object, event)
    came before."""
    return repository.save_provider_event(provider_event(provider, object_id, event, body, source_ip))


# --- lists -----------------------------------------------------------------------------------------

def _customers(q: str | None, record: Any) -> Any:
    """The search by a customer's name (part of it) or ИНН as a filter on the records' org_id; None when
    there is no search, False when no customer matches."""
    if not q:
        return None
    org_ids, _ = matching_organization_ids(q, most=IN_LIMIT)
    return record.org_id.is_in(*org_ids) if org_ids else False


def list_subscriptions(*, org_id: str | None = None, q: str | None = None, state: SubscriptionState | None = None,
                       plan: str | None = None, cursor: str | None = None, limit: int | None = None
                       ) -> SubscriptionPage:
    customers = _customers(q, SubscriptionRecord)
    if customers is False:
        return SubscriptionPage(items=[], next_cursor=None)
    condition = _all_of(customers, (SubscriptionRecord.state == state) if state else None,
                        (SubscriptionRecord.plan == plan) if plan else None)
    items, next_cursor = repository.page("SUB", org_id=org_id, condition=condition, cursor=cursor, limit=limit)
    return SubscriptionPage(items=[subscription_view(r) for r in items], next_cursor=next_cursor)


def list_invoices(*, org_id: str | None = None, q: str | None = None, status: str | None = None,
                  number: int | None = None, cursor: str | None = None, limit: int | None = None) -> InvoicePage:
    customers = _customers(q, InvoiceRecord)
    if customers is False:
        return InvoicePage(items=[], next_cursor=None)
    condition = _all_of(customers, (InvoiceRecord.status == status) if status else None,
                        (InvoiceRecord.number == number) if number is not None else None)
    items, next_cursor = repository.page("INV", org_id=org_id, condition=condition, cursor=cursor, limit=limit)
    return InvoicePage(items=[invoice_view(r) for r in items], next_cursor=next_cursor)


def list_payments(*, org_id: str | None = None, q: str | None = None, provider: str | None = None,
                  status: str | None = None, invoice_id: str | None = None, cursor: str | None = None,
                  limit: int | None = None) -> BillingPaymentPage:
    customers = _customers(q, PaymentRecord)
    if customers is False:
        return BillingPaymentPage(items=[], next_cursor=None)
    condition = _all_of(customers, (PaymentRecord.provider == provider) if provider else None,
                        (PaymentRecord.status == status) if status else None,
                        (PaymentRecord.invoice_id == invoice_id) if invoice_id else None)
    items, next_cursor = repository.page("PAY", org_id=org_id, condition=condition, cursor=cursor, limit=limit)
    return BillingPaymentPage(items=[payment_view(r) for r in items], next_cursor=next_cursor)


def _all_of(*conditions: Any) -> Any:
    combined = None
    for condition in conditions:
        if condition is not None:
            combined = condition if combined is None else combined & condition
    return combined


def dunning_run_view(record: DunningRunRecord) -> DunningRunView:
    return DunningRunView(
        id=record.run_id, invoice_id=record.invoice_id,
        invoice_number=None if record.invoice_number is None else int(record.invoice_number),
        subscription_id=record.subscription_id, org_id=record.org_id,
        state=cast(DunningRunState, record.state), tries=int(record.tries),
        max_attempts=int(record.max_attempts), started_at=record.started_at, ended_at=record.ended_at,
        steps=[DunningRunStepView(at=s.at, step=s.step, outcome=s.outcome, detail=s.detail) for s in record.steps])


def list_dunning_runs(*, state: DunningRunState | None = None, org_id: str | None = None, cursor: str | None = None,
                      limit: int | None = None) -> DunningRunPage:
    """The dunning runs as their tasks recorded them, newest first."""
    condition = (DunningRunRecord.state == state) if state else None
    items, next_cursor = repository.page("RUN", org_id=org_id, condition=condition, cursor=cursor, limit=limit)
    return DunningRunPage(items=[dunning_run_view(r) for r in items], next_cursor=next_cursor)


def get_dunning_run(run_id: str) -> DunningRunView:
    record = repository.find_run(run_id)
    if record is None:
        raise NotFound("No such dunning run.", code="not-found")
    return dunning_run_view(record)
