"""What a customer may use while billing is owed: the hooks a suspension and a restoring payment call.

- Fast Lead (and later storage) read the subscription's own state, the one place it is kept:
  `access(org_id, product)` answers `full` (trial, active), `read_only` (past_due: a trial over unpaid or a
  renewal unpaid) or `blocked` (suspended, data kept), or None without a subscription (canceled: none).
  Workspaces call it (or read `SubscriptionView.state`) on each request; nothing is pushed to them.
- Licenses billed here (named by the organization's license-renewal invoices) are held for payment while
  the customer is suspended (licensing's `hold_for_payment`: overdue, new activations refused) and
  released when a payment restores it, whichever way it comes (dunning's Restore, a webhook, 1С, staff)."""

from __future__ import annotations

from typing import Literal

from tessera.billing import repository
from tessera.billing.records import SubscriptionRecord
from tessera.core.errors import NotFound
from tessera.core.observability import logger
from tessera.licensing import service as licensing

Access = Literal["full", "read_only", "blocked"]
SYSTEM_ID = "billing"
ACCESS: dict[str, Access] = {"trial": "full", "active": "full", "past_due": "read_only", "suspended": "blocked"}


def access(org_id: str, product: str) -> Access | None:
    """What the organization may do with `product` now (see the module's note)."""
    slot = repository.find_product_slot(org_id, product)
    subscription = repository.find_subscription(slot.subscription_id) if slot is not None else None
    return ACCESS.get(subscription.state) if subscription is not None else None


def billed_licenses(org_id: str) -> list[str]:
    """The organization's licenses whose renewals billing collects."""
    return sorted({invoice.purpose["license_id"] for invoice in repository.invoices_of(org_id)
                   if invoice.purpose.get("kind") == "license_renewal" and invoice.purpose.get("license_id")})


def _hold(org_id: str, held: bool, reason: str) -> int:
    changed = 0
    for license_id in billed_licenses(org_id):
        try:
            changed += licensing.hold_for_payment(license_id, org_id, held, reason, actor_id=SYSTEM_ID,
                                                  actor_kind="system")
        except NotFound:
            logger.warning("billed license not found", extra={"license_id": license_id, "org_id": org_id})
    return changed


def suspend_access(subscription: SubscriptionRecord) -> int:
    """After the subscription became suspended: its organization's billed licenses held. How many changed."""
    changed = _hold(subscription.org_id, True, "unpaid after the grace period")
    logger.info("access suspended", extra={"subscription_id": subscription.subscription_id,
                                           "org_id": subscription.org_id, "licenses": changed})
    return changed


def restore_access(subscription: SubscriptionRecord) -> int:
    """After a payment made the subscription active again: the holds released. How many changed."""
    changed = _hold(subscription.org_id, False, "paid: access restored")
    logger.info("access restored", extra={"subscription_id": subscription.subscription_id,
                                          "org_id": subscription.org_id, "licenses": changed})
    return changed
