"""Suspending and restoring access: a suspension holds the organization's licenses billed here (overdue: a new
activation is refused) and Fast Lead reads the subscription as blocked; a payment at any point, even after
the run ended suspended, releases exactly the holds billing placed."""

from __future__ import annotations

from typing import Any

import pytest

from tessera.billing import access, dunning, repository, service
from tessera.core.money import Money
from tessera.licensing import service as licensing
from tests.integration.billing.test_integrations import TERMS, renewal_invoice
from tests.integration.identity.flows import customer
from tests.integration.notify.conftest import as_staff
from tests.integration.stack import Platform


@pytest.fixture
def world(billing: Platform) -> dict[str, Any]:
    _, me = customer(billing, "owner@romashka.ru", company="ООО «Ромашка»")
    org_id = me["current"]["org_id"]
    sales, admin = as_staff("sales"), as_staff("admin")
    billed = admin.post("/api/console/licenses", {"org_id": org_id, **TERMS}).body["license"]["id"]
    other = admin.post("/api/console/licenses", {"org_id": org_id, **TERMS, "domain": "budget2.romashka.ru"})
    world = {"org_id": org_id, "sales": sales, "license_id": billed, "other_license": other.body["license"]["id"]}
    renewal_invoice(world)  # billing collects this license's renewal: it is "billed here"
    subscription = service.start_trial(org_id, "fastlead_pro", service.SYSTEM)
    first = service.period_invoice(subscription.id, service.SYSTEM)
    service.apply_payment(provider="manual", provider_payment_id="first", invoice_id=first.id, attempt=1,
                          amount=Money(first.total.kopecks))
    record = repository.find_subscription(subscription.id)
    assert record is not None
    record.period_end = record.period_start  # the period is over: the renewal invoice is due
    record.save()
    _, due = service.renew(subscription.id)
    assert due is not None
    return {**world, "subscription_id": subscription.id, "invoice": due}


def test_a_suspension_holds_billed_licenses_and_a_later_payment_releases_them(world: dict[str, Any]) -> None:
    assert access.access(world["org_id"], "fastlead") == "full"
    service.set_state(world["subscription_id"], "past_due", service.SYSTEM, "test: the first decline")
    assert access.access(world["org_id"], "fastlead") == "read_only"
    assert dunning.suspend(world["invoice"].id) == {"settled": False}
    assert access.access(world["org_id"], "fastlead") == "blocked"
    assert licensing.get(world["license_id"]).payment_status == "overdue"
    assert licensing.get(world["other_license"]).payment_status is None  # not billed here: untouched

    service.apply_payment(provider="manual", provider_payment_id="late", invoice_id=world["invoice"].id,
                          attempt=2, amount=Money(world["invoice"].total.kopecks))
    assert service.get_subscription(world["subscription_id"]).state == "active"
    assert access.access(world["org_id"], "fastlead") == "full"
    assert licensing.get(world["license_id"]).payment_status == "paid"


def test_only_billing_s_own_hold_is_released(world: dict[str, Any]) -> None:
    released = licensing.hold_for_payment(world["license_id"], world["org_id"], False, "test", actor_id="billing",
                                          actor_kind="system")
    assert released is False  # never held: a license awaiting payment for another reason stays as it is
    assert licensing.hold_for_payment(world["license_id"], world["org_id"], True, "test", actor_id="billing",
                                      actor_kind="system")
    assert not licensing.hold_for_payment(world["license_id"], world["org_id"], True, "test", actor_id="billing",
                                          actor_kind="system")  # held once
