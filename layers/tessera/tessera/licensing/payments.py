"""A license's payment status, kept on the license and its installation view so activation can refuse
an overdue license without another read. Accounts records the payments and the terms (what is due, by
when) and sets the status here, in the same transaction as its own items.

Stored: `paid` or `awaiting` with the due date; `overdue` is `awaiting` after the due date (Moscow
calendar), so no scheduled job has to flip it. A license without terms (None) is not payment-tracked.
`held`: billing suspended its customer for non-payment (`service.hold_for_payment`); it reads as overdue."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from tessera.core import clock
from tessera.core.errors import NotFound
from tessera.licensing import repository

PaymentStatus = Literal["paid", "awaiting", "overdue"]
MOSCOW = ZoneInfo("Europe/Moscow")
HELD = "held"


def payment_state(status: str | None, due_on: str | None, now: datetime | None = None) -> PaymentStatus | None:
    if status is None:
        return None
    if status == HELD:
        return "overdue"
    if status == "awaiting" and due_on is not None:
        today = (now or clock.now()).astimezone(MOSCOW).date()
        if today > date.fromisoformat(due_on):
            return "overdue"
    return "paid" if status == "paid" else "awaiting"


def status_changes(license_id: str, org_id: str, status: str, due_on: date | None
                   ) -> tuple[Callable[[Any], None], dict[str, Any]]:
    """The license (1 GetItem) with its new payment status, as a writer for the caller's transaction,
    and the license's terms for the caller's audit. The license must belong to `org_id`."""
    if status not in ("paid", "awaiting"):
        raise ValueError(f"payment status {status!r}: paid or awaiting")
    record = repository.find(license_id)
    if record is None or record.org_id != org_id:
        raise NotFound("No such license of this customer.", code="license-unknown")
    record.payment_status = status
    record.payment_due_on = due_on.isoformat() if due_on else None
    record.updated_at = clock.now()
    summary = {"license_id": record.license_id, "plan": record.plan, "ends_on": record.ends_on,
               "status": record.status}
    return (lambda tx: repository.add_license_changes(tx, record, None)), summary
