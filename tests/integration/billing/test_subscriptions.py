"""Subscriptions on moto: the trial, plan changes with proration, cancel at the period's end, renewal;
every change with its audit event in the same transaction."""

from datetime import timedelta
from typing import Any

import pytest

from tessera.audit import service as audit
from tessera.billing import repository, service
from tessera.billing.service import SYSTEM, Actor
from tessera.core import clock
from tessera.core.errors import Conflict, NotFound, ValidationFailed
from tessera.core.money import Money
from tests.integration.billing.conftest import T0

ORG = "org_01JAAAAAAAAAAAAAAAAAAAAAAA"
OTHER_ORG = "org_01JBBBBBBBBBBBBBBBBBBBBBBB"
OWNER = Actor("usr_owner", "customer", "Анна <anna@example.com>", ("owner",))


def trial(plan: str = "fastlead_start", org: str = ORG) -> Any:
    return service.start_trial(org, plan, OWNER)


def pay(invoice: Any, provider_payment_id: str = "pp-1") -> Any:
    return service.apply_payment(provider="yookassa", provider_payment_id=provider_payment_id,
                                 invoice_id=invoice.id, attempt=1, amount=Money(invoice.total.kopecks))


def active(plan: str = "fastlead_start") -> Any:
    """A subscription paid out of its trial on T0: its period is T0 … T0 + 1 month."""
    subscription = trial(plan)
    pay(service.period_invoice(subscription.id, OWNER))
    return service.get_subscription(subscription.id)


def events_of(entity: str, entity_id: str) -> list[Any]:
    return audit.search(entity=(entity, entity_id), date_from=T0.date() - timedelta(days=1),
                        date_to=T0.date() + timedelta(days=400))[0]


def test_the_default_plans_are_seeded_once_with_prices_in_kopecks_and_vat_as_data(billing: Any) -> None:
    plans = {plan.code: plan for plan in service.list_plans("fastlead")}
    assert {code: plan.price.kopecks for code, plan in plans.items()} == {
        "fastlead_start": 499_000, "fastlead_pro": 999_000, "fastlead_business": 1_999_000}
    assert {plan.trial_days for plan in plans.values()} == {14} and {p.vat_rate for p in plans.values()} == {22}
    assert plans["fastlead_business"].limits["leads_per_month"] is None  # unlimited
    service.seed_plans()  # again: nothing doubles
    assert len(service.list_plans()) == 3


def test_a_trial_starts_once_per_product_and_is_audited(billing: Any) -> None:
    subscription = trial()
    assert (subscription.state, subscription.plan) == ("trial", "fastlead_start")
    assert subscription.period_end - subscription.period_start == timedelta(days=14)
    with pytest.raises(Conflict) as again:
        trial("fastlead_pro")
    assert again.value.code == "subscription-exists"
    [event] = events_of("subscription", subscription.id)
    assert (event.action, event.actor.id, event.org_id) == ("subscription.start_trial", "usr_owner", ORG)
    with pytest.raises(ValidationFailed) as unknown:
        trial("fastlead_platinum", OTHER_ORG)
    assert unknown.value.code == "plan-unknown"


def test_paying_the_first_invoice_ends_the_trial_and_starts_a_month(billing: Any) -> None:
    subscription = trial("fastlead_pro")
    invoice = service.period_invoice(subscription.id, OWNER)
    assert (invoice.status, invoice.number, invoice.total.kopecks) == ("issued", 1, 999_000)
    assert invoice.vat_total.kopecks == 180_148  # 9 990 ₽ × 22/122 = 1 801,4754… → 1 801,48
    assert service.period_invoice(subscription.id, OWNER).id == invoice.id  # the open one again, no new number
    with clock.frozen(T0 + timedelta(days=3)):
        payment = pay(invoice)
    assert payment.status == "applied"
    paid = service.get_subscription(subscription.id)
    assert paid.state == "active"
    assert (paid.period_start, paid.period_end) == (T0 + timedelta(days=3), T0 + timedelta(days=3 + 31))
    assert service.get_invoice(invoice.id).status == "paid"


def test_an_upgrade_invoices_the_prorated_difference_and_switches_when_paid(billing: Any) -> None:
    subscription = active("fastlead_start")  # 2026-03-01 … 2026-04-01: 31 days
    with clock.frozen(T0 + timedelta(days=11)):  # 20 days left
        preview = service.preview_plan_change(subscription.id, "fastlead_pro", ORG)
        assert (preview.kind, preview.days_left, preview.period_days) == ("upgrade", 20, 31)
        assert preview.amount_now.kopecks == 322_581  # 5 000 ₽ × 20/31 = 3 225,806… → 3 225,81
        result = service.change_plan(subscription.id, "fastlead_pro", OWNER, ORG)
        again = service.change_plan(subscription.id, "fastlead_pro", OWNER, ORG)  # a double click
    assert result.invoice is not None and again.invoice is not None and again.invoice.id == result.invoice.id
    assert result.invoice.total.kopecks == preview.amount_now.kopecks
    assert result.invoice.purpose == {"kind": "plan_change", "subscription_id": subscription.id,
                                      "plan": "fastlead_pro", "from_plan": "fastlead_start"}
    assert result.subscription.plan == "fastlead_start"  # not before it is paid
    assert result.subscription.pending_change is not None and result.subscription.pending_change.kind == "upgrade"
    with pytest.raises(Conflict) as other:
        service.change_plan(subscription.id, "fastlead_business", OWNER, ORG)
    assert other.value.code == "plan-change-pending"
    pay(result.invoice, "pp-upgrade")
    upgraded = service.get_subscription(subscription.id)
    assert (upgraded.plan, upgraded.pending_change) == ("fastlead_pro", None)
    assert upgraded.period_end == subscription.period_end  # the period itself does not change
    assert [e.action for e in events_of("subscription", subscription.id)][:1] == ["subscription.change_plan"]


def test_a_downgrade_is_scheduled_for_the_period_end_and_applied_by_the_renewal(billing: Any) -> None:
    subscription = active("fastlead_business")
    with clock.frozen(T0 + timedelta(days=5)):
        result = service.change_plan(subscription.id, "fastlead_start", OWNER, ORG)
    assert result.invoice is None and result.preview.amount_now.kopecks == 0
    assert result.subscription.plan == "fastlead_business"
    assert result.subscription.pending_change is not None
    assert result.subscription.pending_change.effective_at == subscription.period_end
    with clock.frozen(subscription.period_end):
        renewed, invoice = service.renew(subscription.id)
    assert renewed.plan == "fastlead_start" and renewed.pending_change is None
    assert invoice is not None and invoice.total.kopecks == 499_000
    with clock.frozen(subscription.period_end + timedelta(hours=2)):
        pay(invoice, "pp-renewal")
    after = service.get_subscription(subscription.id)
    assert (after.period_start, after.state) == (subscription.period_end, "active")  # continues, no gap


def test_changing_back_drops_a_scheduled_downgrade(billing: Any) -> None:
    subscription = active("fastlead_pro")
    service.change_plan(subscription.id, "fastlead_start", OWNER, ORG)
    back = service.change_plan(subscription.id, "fastlead_pro", OWNER, ORG)
    assert back.subscription.pending_change is None and back.invoice is None
    with pytest.raises(Conflict) as same:
        service.change_plan(subscription.id, "fastlead_pro", OWNER, ORG)
    assert same.value.code == "plan-unchanged"


def test_in_a_trial_the_plan_changes_at_once_for_free(billing: Any) -> None:
    subscription = trial()
    result = service.change_plan(subscription.id, "fastlead_business", OWNER, ORG)
    assert (result.subscription.plan, result.invoice, result.preview.kind) == ("fastlead_business", None, "trial")


def test_cancel_at_period_end_then_the_renewal_cancels_and_frees_the_product(billing: Any) -> None:
    subscription = active()
    canceled = service.cancel_at_period_end(subscription.id, OWNER, ORG)
    assert canceled.cancel_at_period_end and canceled.state == "active"
    assert service.cancel_at_period_end(subscription.id, OWNER, ORG) == canceled  # idempotent
    with clock.frozen(subscription.period_end + timedelta(minutes=1)):
        ended, invoice = service.renew(subscription.id)
    assert (ended.state, invoice) == ("canceled", None)
    with pytest.raises(Conflict) as final:
        service.change_plan(subscription.id, "fastlead_pro", OWNER, ORG)
    assert final.value.code == "subscription-transition-invalid"
    assert trial("fastlead_pro").state == "trial"  # a customer who comes back subscribes anew


def test_dunning_moves_and_a_payment_restores_a_suspended_subscription(billing: Any) -> None:
    subscription = active()
    with clock.frozen(subscription.period_end):
        _, invoice = service.renew(subscription.id)
        assert service.set_state(subscription.id, "past_due", SYSTEM, "renewal unpaid").state == "past_due"
        assert service.set_state(subscription.id, "suspended", SYSTEM, "grace over").state == "suspended"
        with pytest.raises(Conflict) as invalid:
            service.set_state(subscription.id, "past_due", SYSTEM, "no")
        assert invalid.value.code == "subscription-transition-invalid"
        with pytest.raises(Conflict):
            service.preview_plan_change(subscription.id, "fastlead_pro", ORG)
    later = subscription.period_end + timedelta(days=12)
    with clock.frozen(later):
        assert invoice is not None
        pay(invoice, "pp-late")
    restored = service.get_subscription(subscription.id)
    assert (restored.state, restored.period_start) == ("active", later)  # the suspended days are not billed
    assert [e.action for e in events_of("subscription", subscription.id)][:2] == [
        "subscription.suspended", "subscription.past_due"]


def test_another_organization_s_subscription_does_not_exist_for_it(billing: Any) -> None:
    subscription = trial()
    for call in (lambda: service.get_subscription(subscription.id, OTHER_ORG),
                 lambda: service.preview_plan_change(subscription.id, "fastlead_pro", OTHER_ORG),
                 lambda: service.change_plan(subscription.id, "fastlead_pro", OWNER, OTHER_ORG),
                 lambda: service.cancel_at_period_end(subscription.id, OWNER, OTHER_ORG),
                 lambda: service.period_invoice(subscription.id, OWNER, OTHER_ORG)):
        with pytest.raises(NotFound):
            call()
    assert repository.find_subscription(subscription.id).plan == "fastlead_start"  # type: ignore[union-attr]
