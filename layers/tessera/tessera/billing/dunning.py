"""Dunning and the trial lifecycle: the steps the two state machines (statemachines/dunning.asl.json,
statemachines/trial_lifecycle.asl.json) call through BillingDunningFunction, and the daily job that
starts them. The machines hold the order and the waits; every step here reads the invoice or the
subscription first and is idempotent, so a retried task never charges, mails or moves anything twice.

A payment at any point ends a run: `apply_payment` (webhook, checkout, 1С) makes the subscription active,
and the run's next step finds the invoice paid, says so to the customer and ends (see billing.md)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tessera.billing import checkout, repository, service
from tessera.billing.access import restore_access, suspend_access
from tessera.billing.providers.port import DeclineAction, PaymentStatus
from tessera.billing.records import DunningRunRecord, InvoiceRecord, RunStep, SubscriptionRecord
from tessera.billing.service import SYSTEM
from tessera.billing.settings import DunningSettings
from tessera.core import aws, clock
from tessera.core.errors import Conflict
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


# --- the run's record (the console reads it) -------------------------------------------------------

def run_id_of(invoice_id: str) -> str:
    """One run per invoice, as one execution per invoice (named after it)."""
    return "dun_" + invoice_id.removeprefix("inv_")


def _step(invoice_id: str, step: str, outcome: str, detail: str | None = None, **changes: Any) -> None:
    repository.add_run_step(run_id_of(invoice_id), RunStep(at=clock.now(), step=step, outcome=outcome,
                                                           detail=detail), **changes)


def _begin_run(invoice: InvoiceRecord, max_attempts: int) -> None:
    now = clock.now()
    run_id = run_id_of(invoice.invoice_id)
    pk, sk = repository.run_key(run_id)
    repository.save_new_run(DunningRunRecord(
        pk=pk, sk=sk, run_id=run_id, invoice_id=invoice.invoice_id, org_id=invoice.org_id,
        invoice_number=None if invoice.number is None else int(invoice.number),
        subscription_id=invoice.purpose.get("subscription_id"), state="running", tries=0,
        max_attempts=max_attempts, started_at=now, created_at=now, steps=[]))


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


def check(invoice_id: str, max_attempts: int) -> dict[str, Any]:
    invoice = _invoice(invoice_id)
    _begin_run(invoice, max_attempts)
    _step(invoice_id, "check", invoice.status)
    return {"settled": settled(invoice), "status": invoice.status}


class ChargePending(RuntimeError):
    """The provider has not decided yet: the machine asks again (the same attempt) after a while."""


class ProviderUnavailable(RuntimeError):
    """No provider is configured for the saved card's provider: the run goes to grace and staff are paged
    by the execution's alarm."""


NO_CARD = {"no-saved-method": "no_saved_method", "no-receipt-contact": "no_receipt_contact"}


def charge(invoice_id: str, tries: int, max_attempts: int) -> dict[str, Any]:
    """Try number `tries + 1`: the saved card charged through `checkout.charge_saved`, the one charge path
    (its attempt records, the same idempotency key when this task is retried after `ResultUnknown` or
    `ChargePending`, the 54-ФЗ receipt to the card's e-mail or the owner's). A success is applied to the
    invoice at once. A first decline makes an active subscription past_due."""
    try_number = tries + 1
    invoice = _invoice(invoice_id)
    if settled(invoice):
        return {"next": "paid", "decline": None, "tries": try_number}  # void: nothing owed; restore does nothing
    subscription = _subscription_of(invoice)
    owners = owner_emails(invoice.org_id)
    try:
        view = checkout.charge_saved(invoice_id, receipt_email=owners[0] if owners else None)
    except Conflict as exc:
        if exc.code == "invoice-not-payable":  # paid meanwhile (a webhook, 1С): the run restores
            return {"next": "paid", "decline": None, "tries": try_number}
        if exc.code == "provider-not-configured":
            raise ProviderUnavailable(str(exc)) from exc
        if exc.code not in NO_CARD:
            raise
        _past_due(subscription)  # nothing to charge, or nobody to send the receipt to: the customer pays
        _step(invoice_id, "charge", "new_card", NO_CARD[exc.code], tries=try_number)
        return {"next": "new_card", "decline": NO_CARD[exc.code], "tries": try_number}
    if view.status in ("pending", "starting"):  # not decided yet (starting: asked, no answer recorded)
        raise ChargePending(f"attempt {view.attempt} of {invoice_id} is still pending at the provider")
    paid = view.status == "succeeded"
    if not paid:
        _past_due(subscription)
    next_move = decide("succeeded" if paid else "canceled", view.decline_action, try_number, max_attempts)
    count(f"dunning_{next_move}")
    _step(invoice_id, "charge", next_move, f"attempt {view.attempt}" + (f": {view.decline_code}"
                                                                        if view.decline_code else ""),
          tries=try_number)
    return {"next": next_move, "decline": view.decline_code, "tries": try_number}


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
    licenses = suspend_access(subscription)
    _step(invoice_id, "suspend", "suspended", f"licenses held: {licenses}", state="suspended",
          ended_at=clock.now())
    return {"settled": False}


def restore(invoice_id: str, tries: int, max_attempts: int) -> dict[str, Any]:
    """The invoice was paid during the run: access back everywhere (billing did its part in apply_payment)
    and an e-mail saying so. Void: nothing is owed, the run just ends."""
    invoice = _invoice(invoice_id)
    detail = None
    if invoice.status == "paid":
        detail = f"licenses released: {restore_access(_subscription_of(invoice))}"
        notify(invoice_id, "restored", tries, max_attempts)
    _step(invoice_id, "restore", invoice.status, detail, state="restored", ended_at=clock.now())
    return {"settled": settled(invoice)}


def paid_at_once(invoice_id: str) -> dict[str, Any]:
    """Paid by the first charge or before the run (or void): nothing was taken away, the run ends quietly."""
    _step(invoice_id, "done", _invoice(invoice_id).status, state="restored", ended_at=clock.now())
    return {"settled": True}


def fail(invoice_id: str, error: dict[str, Any] | None) -> dict[str, Any]:
    """A step failed after its retries: the run ends `failed` with the error's type and message (our own
    exceptions' texts, no personal data), for staff to see; the failed execution alarms ops."""
    error = error or {}
    cause = str(error.get("Cause") or "")
    with contextlib.suppress(ValueError, AttributeError):  # a Lambda task's Cause is its error envelope as JSON
        cause = str(json.loads(cause).get("errorMessage") or cause)
    _step(invoice_id, "failed", str(error.get("Error") or "unknown")[:100], cause[:300] or None, state="failed",
          ended_at=clock.now())
    count("dunning_run_failed")
    return {}


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
    _step(invoice_id, f"mail:{step}", f"sent {sent}")
    return {"sent": sent}


# --- the trial lifecycle ---------------------------------------------------------------------------

def _plan_names(code: str) -> dict[str, str]:
    """The plan as the customer knows it («Про», "Pro"), each template taking its language's; the code stays."""
    plan = repository.find_plan(code)
    return {"plan": code, "plan_ru": plan.name_ru if plan else code, "plan_en": plan.name_en if plan else code}


def trial_check(subscription_id: str) -> dict[str, Any]:
    """Whether the lifecycle is over: paid (active) or gone (canceled)."""
    state = _subscription(subscription_id).state
    return {"over": state in ("active", "canceled"), "state": state}


def trial_read_only(subscription_id: str, read_only: int) -> dict[str, Any]:
    """The trial ended unpaid: the first invoice, the subscription read-only (past_due) and an e-mail
    offering to pay; nothing when it was paid meanwhile. A retry after a timeout finishes what the first try
    began (past_due already): the same open invoice, the e-mail once by its key."""
    subscription = _subscription(subscription_id)
    if subscription.state not in ("trial", "past_due"):
        return {"over": subscription.state in ("active", "canceled")}
    invoice = service.period_invoice(subscription_id, SYSTEM)
    if subscription.state == "trial":
        service.set_state(subscription_id, "past_due", SYSTEM, "trial over unpaid: read-only until paid")
    _mail("billing.trial", "billing_trial", subscription.org_id, "offer", f"trial:{subscription_id}:offer",
          {"invoice_number": invoice.number, "amount": f"{invoice.total.kopecks / 100:,.2f}".replace(",", " "),
           "currency": invoice.total.currency, **_plan_names(subscription.plan),
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
          {**_plan_names(subscription.plan), "pay_link": web_url("/app/billing")})
    return {"over": False}


# --- the task function's input ---------------------------------------------------------------------

class Step(BaseModel):
    """What a state passes to BillingDunningFunction."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["check", "charge", "notify", "suspend", "restore", "done", "fail", "trial_check",
                    "trial_read_only", "trial_block"]
    invoice_id: str | None = Field(None, pattern=r"^inv_[0-9A-Za-z]+$")
    subscription_id: str | None = Field(None, pattern=r"^sub_[0-9A-Za-z]+$")
    step: DunningStep | None = None
    tries: int = Field(0, ge=0, le=10)
    max_attempts: int = Field(3, ge=1, le=10)
    retry_interval: int = Field(0, ge=0)
    grace_period: int = Field(0, ge=0)
    read_only_period: int = Field(0, ge=0)
    decline: str | None = None
    error: dict[str, Any] | None = None  # a failed step's {Error, Cause}, as Step Functions catches it
    headers: dict[str, str] | None = None  # the trace context (traceparent) the invocation carries


def run(event: dict[str, Any]) -> dict[str, Any]:
    step = Step.model_validate(event)
    invoice, subscription = step.invoice_id or "", step.subscription_id or ""
    actions: dict[str, Callable[[], dict[str, Any]]] = {
        "check": lambda: check(invoice, step.max_attempts),
        "charge": lambda: charge(invoice, step.tries, step.max_attempts),
        "notify": lambda: notify(invoice, step.step or "declined", step.tries, step.max_attempts,
                                 step.retry_interval, step.grace_period, step.decline),
        "suspend": lambda: suspend(invoice),
        "restore": lambda: restore(invoice, step.tries, step.max_attempts),
        "done": lambda: paid_at_once(invoice),
        "fail": lambda: fail(invoice, step.error),
        "trial_check": lambda: trial_check(subscription),
        "trial_read_only": lambda: trial_read_only(subscription, step.read_only_period),
        "trial_block": lambda: trial_block(subscription),
    }
    return actions[step.action]()


# --- what starts the runs --------------------------------------------------------------------------

ENDED_BADLY = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
TRIAL_RESTARTS = 5


def _start(machine_arn: str, name: str, payload: dict[str, Any], restarts: int = 0) -> bool:
    """One execution per name (an invoice, a subscription's trial): a second start is a no-op. With
    `restarts`, a run that ended badly (a step failed for good) is started again under the next name
    (`<name>.2`, …), at most that many times: a trial's run must end it, or the trial never would."""
    for attempt in range(1, restarts + 2):
        run_name = name if attempt == 1 else f"{name}.{attempt}"
        try:
            states.start_execution(stateMachineArn=machine_arn, name=run_name, input=json.dumps(payload))
        except states.exceptions.ExecutionAlreadyExists:
            if not restarts:
                return False
            execution = machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{run_name}"
            if states.describe_execution(executionArn=execution)["status"] not in ENDED_BADLY:
                return False
            continue
        if attempt > 1:
            logger.warning("a run that ended badly started again", extra={"execution": run_name})
        return True
    return False


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
                "read_only_period": settings.read_only_seconds}, restarts=TRIAL_RESTARTS)
        elif record.period_end <= now:
            _, invoice = service.renew(record.subscription_id)
            if invoice is not None and invoice.status == "issued":
                started["dunning"] += _start(settings.dunning_machine_arn, invoice.id, {
                    "invoice_id": invoice.id, "max_attempts": settings.max_attempts,
                    "retry_interval": settings.retry_interval_seconds,
                    "grace_period": settings.grace_period_seconds})
    return started
