"""Dunning and the trial lifecycle: the steps the two state machines (statemachines/dunning.asl.json,
statemachines/trial_lifecycle.asl.json) call through BillingDunningFunction, and the daily job that
starts them. The machines hold the order and the waits; every step here reads the invoice or the
subscription first and is idempotent, so a retried task never charges, mails or moves anything twice.

A payment at any point ends a run: `apply_payment` (webhook, checkout, 1С) makes the subscription active,
and the run's next step finds the invoice paid, says so to the customer and ends (see billing.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tessera.billing import repository, service
from tessera.billing.providers.port import (
    ChargeRequest,
    DeclineAction,
    PaymentProvider,
    PaymentStatus,
    Receipt,
    ReceiptItem,
    SavedMethod,
    VatRate,
)
from tessera.billing.records import InvoiceRecord, SubscriptionRecord
from tessera.billing.service import SYSTEM
from tessera.billing.settings import DunningSettings
from tessera.core import aws, clock
from tessera.core.money import Money
from tessera.core.observability import count, logger
from tessera.core.settings import get_settings, web_url
from tessera.identity.team import owner_emails
from tessera.notify.service import Notice, dispatch

states = aws.client("stepfunctions")

# What a dunning run does after a charge: end (paid), try again after the interval, go to grace (tries
# used up), or stop charging this method and ask for another (`new_card`; `stop`: never charge it again).
Next = Literal["paid", "retry", "grace", "new_card", "stop"]


def decide(status: PaymentStatus, decline: DeclineAction | None, tries: int, max_attempts: int) -> Next:
    """The provider's answer to try number `tries` (1-based) → the run's next move."""
    if status == "succeeded":
        return "paid"
    if decline in ("new_card", "stop"):
        return decline
    return "retry" if tries < max_attempts else "grace"


# --- providers -------------------------------------------------------------------------------------

_providers: dict[str, PaymentProvider] = {}


def use_provider(provider: PaymentProvider) -> None:
    """Register the adapter that charges methods saved with `provider.name` (checkout registers the real
    ones with their credentials; tests and the local cloud a fake or the sandbox)."""
    _providers[provider.name] = provider


class ProviderUnavailable(RuntimeError):
    """No adapter is registered for the saved method's provider: the run fails and its alarm pages."""


def provider_for(name: str) -> PaymentProvider:
    if name not in _providers:
        raise ProviderUnavailable(f"no payment provider registered as {name!r}")
    return _providers[name]


# --- access hooks ----------------------------------------------------------------------------------

def suspend_access(subscription: SubscriptionRecord) -> None:
    """Everything outside billing that a suspension closes. Not wired yet: licenses' payment status
    (licensing) and the Fast Lead workspaces (blocked, data kept); storage later."""
    logger.info("access suspended", extra={"subscription_id": subscription.subscription_id,
                                           "org_id": subscription.org_id})


def restore_access(subscription: SubscriptionRecord) -> None:
    """The reverse of `suspend_access` after a payment (the subscription itself is active already)."""
    logger.info("access restored", extra={"subscription_id": subscription.subscription_id,
                                          "org_id": subscription.org_id})


# --- steps of a dunning run ------------------------------------------------------------------------

def _invoice(invoice_id: str) -> InvoiceRecord:
    record = repository.find_invoice(invoice_id)
    if record is None:
        raise LookupError(f"no invoice {invoice_id}")
    return record


def _subscription(subscription_id: str) -> SubscriptionRecord:
    record = repository.find_subscription(subscription_id)
    if record is None:
        raise LookupError(f"no subscription {subscription_id}")
    return record


def _subscription_of(invoice: InvoiceRecord) -> SubscriptionRecord:
    return _subscription(invoice.purpose["subscription_id"])


def settled(invoice: InvoiceRecord) -> bool:
    """Paid (the run ends and access comes back) or void (nothing is owed any more)."""
    return invoice.status in ("paid", "void")


def check(invoice_id: str) -> dict[str, Any]:
    invoice = _invoice(invoice_id)
    return {"settled": settled(invoice), "status": invoice.status}


def take_attempt(invoice_id: str, tries: int) -> dict[str, Any]:
    """A new provider attempt for the next try. Its own state, so that the charge task, retried by the
    machine after `ResultUnknown`, repeats the SAME attempt (same key: never a second charge)."""
    return {"tries": tries + 1, "attempt": repository.take_payment_attempt(invoice_id)}


def _receipt(invoice: InvoiceRecord, email: str) -> Receipt:
    vat = {None: VatRate.NONE, 22: VatRate.VAT22, 20: VatRate.VAT20, 10: VatRate.VAT10, 0: VatRate.VAT0}
    return Receipt(email=email, tax_system=get_settings(DunningSettings).tax_system, items=[
        ReceiptItem(description=line["description"][:128], quantity=int(line["quantity"]),
                    unit_price=Money(int(line["unit_price"]), invoice.currency),
                    vat=vat[None if line["vat_rate"] is None else int(line["vat_rate"])])
        for line in invoice.lines])


def charge(invoice_id: str, attempt: int, tries: int, max_attempts: int) -> dict[str, Any]:
    """Charge the saved method for the invoice as `attempt`; a success is applied to the invoice at once
    (exactly once, whoever else applies it). `ResultUnknown` propagates: the machine retries this same
    attempt. A first decline makes an active subscription past_due."""
    invoice = _invoice(invoice_id)
    if settled(invoice):
        return {"next": "paid", "decline": None}  # void: nothing owed; restore does nothing then
    subscription = _subscription_of(invoice)
    method = subscription.saved_method
    owners = owner_emails(invoice.org_id)
    if not method or not owners:  # nothing to charge, or nobody to send the receipt to: the customer pays
        _past_due(subscription)
        return {"next": "new_card", "decline": "no_saved_method" if not method else "no_receipt_contact"}
    amount = Money(int(invoice.total), invoice.currency)
    request = ChargeRequest(
        invoice_id=invoice_id, attempt=attempt, amount=amount, description=f"Оплата счёта № {invoice.number}",
        customer_key=invoice.org_id, receipt=_receipt(invoice, owners[0]), return_url=web_url("/app/billing"),
        saved_method=SavedMethod(provider=method["provider"], token=method["method_id"], title=method.get("title")))
    payment = provider_for(method["provider"]).charge_saved(request)
    if payment.status == "succeeded":
        service.apply_payment(provider=payment.provider, provider_payment_id=payment.provider_payment_id,
                              invoice_id=invoice_id, attempt=attempt, amount=payment.amount)
    elif payment.status == "pending":
        raise ChargePending(f"attempt {attempt} of {invoice_id} is still pending at the provider")
    else:
        _past_due(subscription)
    decline = payment.decline
    next_move = decide(payment.status, decline.action if decline else None, tries, max_attempts)
    count(f"dunning_{next_move}")
    return {"next": next_move, "decline": decline.code if decline else None}


class ChargePending(RuntimeError):
    """The provider has not decided yet: the machine asks again (the same attempt) after a while."""


def _past_due(subscription: SubscriptionRecord) -> None:
    if subscription.state == "active":
        service.set_state(subscription.subscription_id, "past_due", SYSTEM, "the period's invoice is unpaid")


def suspend(invoice_id: str) -> dict[str, Any]:
    """Grace is over: suspend, unless a payment came meanwhile."""
    invoice = _invoice(invoice_id)
    if settled(invoice):
        return {"settled": True}
    subscription = _subscription_of(invoice)
    if subscription.state != "suspended":
        service.set_state(subscription.subscription_id, "suspended", SYSTEM, "unpaid after the grace period")
        count("subscription_suspended")
    suspend_access(subscription)
    return {"settled": False}


def restore(invoice_id: str, tries: int, max_attempts: int) -> dict[str, Any]:
    """The invoice was paid during the run: access back everywhere (billing did its part in apply_payment)
    and an e-mail saying so."""
    invoice = _invoice(invoice_id)
    if invoice.status == "paid":
        restore_access(_subscription_of(invoice))
        notify(invoice_id, "restored", tries, max_attempts)
    return {"settled": settled(invoice)}


# --- e-mails ---------------------------------------------------------------------------------------

DunningStep = Literal["declined", "new_card", "grace", "suspended", "restored"]
TrialStep = Literal["offer", "blocked"]


def _mail(event: str, template: str, org_id: str, step: str, once: str, context: dict[str, Any]) -> int:
    """One e-mail to the organization's owners, once per `once` (a retried task sends nothing new)."""
    owners = owner_emails(org_id)
    if not owners:
        return 0
    return len(dispatch(Notice(event=event, org_id=org_id, template=template, context={"step": step, **context},
                               emails=owners, once_key=once, staff=False)))


def _amount(invoice: InvoiceRecord) -> str:
    return f"{Money(int(invoice.total), invoice.currency).kopecks / 100:,.2f}".replace(",", " ")


def notify(invoice_id: str, step: DunningStep, tries: int, max_attempts: int, retry_in: int = 0,
           grace: int = 0, decline: str | None = None) -> dict[str, Any]:
    invoice = _invoice(invoice_id)
    now = clock.now()
    context = {"invoice_number": invoice.number, "amount": _amount(invoice), "currency": invoice.currency,
               "tries": tries, "max_attempts": max_attempts, "decline": decline,
               "next_try_on": (now + timedelta(seconds=retry_in)).date().isoformat(),
               "grace_until": (now + timedelta(seconds=grace)).date().isoformat(),
               "pay_link": web_url("/app/billing")}
    sent = _mail("billing.dunning", "billing_dunning", invoice.org_id, step,
                 f"dunning:{invoice_id}:{step}:{tries}", context)
    return {"sent": sent}


# --- the trial lifecycle ---------------------------------------------------------------------------

def trial_check(subscription_id: str) -> dict[str, Any]:
    """Whether the lifecycle is over: paid (active) or gone (canceled)."""
    state = _subscription(subscription_id).state
    return {"over": state in ("active", "canceled"), "state": state}


def trial_read_only(subscription_id: str, read_only: int) -> dict[str, Any]:
    """The trial ended unpaid: the first invoice, the subscription read-only (past_due) and an e-mail
    offering to pay; nothing when it was paid meanwhile."""
    subscription = _subscription(subscription_id)
    if subscription.state != "trial":
        return {"over": subscription.state in ("active", "canceled")}
    invoice = service.period_invoice(subscription_id, SYSTEM)
    service.set_state(subscription_id, "past_due", SYSTEM, "trial over unpaid: read-only until paid")
    _mail("billing.trial", "billing_trial", subscription.org_id, "offer", f"trial:{subscription_id}:offer",
          {"invoice_number": invoice.number, "amount": f"{invoice.total.kopecks / 100:,.2f}".replace(",", " "),
           "currency": invoice.total.currency, "plan": subscription.plan,
           "blocked_on": (clock.now() + timedelta(seconds=read_only)).date().isoformat(),
           "pay_link": web_url("/app/billing")})
    return {"over": False}


def trial_block(subscription_id: str) -> dict[str, Any]:
    """Read-only time is over unpaid: blocked (suspended), data kept."""
    subscription = _subscription(subscription_id)
    if subscription.state != "past_due":
        return {"over": True}
    service.set_state(subscription_id, "suspended", SYSTEM, "trial over, unpaid after the read-only period")
    suspend_access(subscription)
    _mail("billing.trial", "billing_trial", subscription.org_id, "blocked", f"trial:{subscription_id}:blocked",
          {"plan": subscription.plan, "pay_link": web_url("/app/billing")})
    return {"over": False}


# --- the task function's input ---------------------------------------------------------------------

class Step(BaseModel):
    """What a state passes to BillingDunningFunction."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["check", "take_attempt", "charge", "notify", "suspend", "restore", "trial_check",
                    "trial_read_only", "trial_block"]
    invoice_id: str | None = Field(None, pattern=r"^inv_[0-9A-Za-z]+$")
    subscription_id: str | None = Field(None, pattern=r"^sub_[0-9A-Za-z]+$")
    step: DunningStep | None = None
    tries: int = Field(0, ge=0, le=10)
    attempt: int | None = Field(None, ge=1)
    max_attempts: int = Field(3, ge=1, le=10)
    retry_interval: int = Field(0, ge=0)
    grace_period: int = Field(0, ge=0)
    read_only_period: int = Field(0, ge=0)
    decline: str | None = None
    headers: dict[str, str] | None = None  # the trace context (traceparent) the invocation carries


def run(event: dict[str, Any]) -> dict[str, Any]:
    step = Step.model_validate(event)
    invoice, subscription = step.invoice_id or "", step.subscription_id or ""
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "check": lambda: check(invoice),
        "take_attempt": lambda: take_attempt(invoice, step.tries),
        "charge": lambda: charge(invoice, step.attempt or 0, step.tries, step.max_attempts),
        "notify": lambda: notify(invoice, step.step or "declined", step.tries, step.max_attempts,
                                 step.retry_interval, step.grace_period, step.decline),
        "suspend": lambda: suspend(invoice),
        "restore": lambda: restore(invoice, step.tries, step.max_attempts),
        "trial_check": lambda: trial_check(subscription),
        "trial_read_only": lambda: trial_read_only(subscription, step.read_only_period),
        "trial_block": lambda: trial_block(subscription),
    }
    return actions[step.action]()


# --- what starts the runs --------------------------------------------------------------------------

def _start(machine_arn: str, name: str, payload: dict[str, Any]) -> bool:
    """One execution per name (an invoice, a subscription's trial): a second start is a no-op."""
    try:
        states.start_execution(stateMachineArn=machine_arn, name=name, input=json.dumps(payload))
    except states.exceptions.ExecutionAlreadyExists:
        return False
    return True


def start_due() -> dict[str, int]:
    """The daily job: every active subscription whose period ended gets renewed (its invoice opened) and
    one dunning run per unpaid invoice; every trial gets one lifecycle run that waits until its end."""
    settings = get_settings(DunningSettings)
    now = clock.now()
    started = {"dunning": 0, "trial": 0}
    for record in repository.subscriptions_in(("active", "trial")):
        if record.state == "trial":
            wait = max(0, int((record.period_end - now).total_seconds()))
            started["trial"] += _start(settings.trial_machine_arn, f"trial-{record.subscription_id}", {
                "subscription_id": record.subscription_id, "trial_period": wait,
                "read_only_period": settings.read_only_seconds})
        elif record.period_end <= now:
            _, invoice = service.renew(record.subscription_id)
            if invoice is not None and invoice.status == "issued":
                started["dunning"] += _start(settings.dunning_machine_arn, invoice.id, {
                    "invoice_id": invoice.id, "max_attempts": settings.max_attempts,
                    "retry_interval": settings.retry_interval_seconds,
                    "grace_period": settings.grace_period_seconds})
    return started
