"""The subscription and invoice state machines as tables of allowed moves. Every change of state goes
through `move`, so an invalid one is always the same 409 problem with a stable code."""

from __future__ import annotations

from typing import Literal, cast, get_args

from tessera.core.errors import Conflict
from tessera.core.i18n import register

SubscriptionState = Literal["trial", "active", "past_due", "suspended", "canceled"]
InvoiceStatus = Literal["draft", "issued", "paid", "void"]

SUBSCRIPTION_STATES: tuple[SubscriptionState, ...] = get_args(SubscriptionState)

# state → the states it may move to. A move to the same state (a plan change, a renewal) is listed when
# the state allows changes at all. Canceled is final: a customer who comes back subscribes anew.
SUBSCRIPTION_MOVES: dict[SubscriptionState, frozenset[SubscriptionState]] = {
    # paid; trial over unpaid (read-only, then blocked); gave up
    "trial": frozenset({"trial", "active", "past_due", "suspended", "canceled"}),
    "active": frozenset({"active", "past_due", "canceled"}),  # renewed; renewal unpaid; canceled at period end
    "past_due": frozenset({"past_due", "active", "suspended", "canceled"}),  # paid during dunning; grace over
    "suspended": frozenset({"active", "canceled"}),  # a payment restores access
    "canceled": frozenset(),
}

INVOICE_MOVES: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    "draft": frozenset({"issued", "void"}),
    "issued": frozenset({"paid", "void"}),
    "paid": frozenset(),
    "void": frozenset(),
}

register({
    "subscription-transition-invalid": {
        "ru": "Подписка в состоянии «{current}» не может перейти в «{target}».",
        "en": "A subscription that is {current} cannot become {target}."},
    "invoice-transition-invalid": {
        "ru": "Счёт в статусе «{current}» не может перейти в «{target}».",
        "en": "An invoice that is {current} cannot become {target}."},
})


class InvalidTransition(Conflict):
    """409: the move is not in the table. `current` and `target` say which."""

    def __init__(self, entity: Literal["subscription", "invoice"], current: str, target: str) -> None:
        super().__init__(f"A {entity} that is {current} cannot become {target}.",
                         code=f"{entity}-transition-invalid", current=current, target=target)


def can_move(current: str, target: str) -> bool:
    """Whether the table allows it (states read from storage are plain strings; an unknown one moves nowhere)."""
    return target in SUBSCRIPTION_MOVES.get(current, frozenset())  # type: ignore[call-overload]


def move(current: str, target: str) -> SubscriptionState:
    if not can_move(current, target):
        raise InvalidTransition("subscription", current, target)
    return cast(SubscriptionState, target)


def move_invoice(current: str, target: str) -> InvoiceStatus:
    if target not in INVOICE_MOVES.get(current, frozenset()):  # type: ignore[call-overload]
        raise InvalidTransition("invoice", current, target)
    return cast(InvoiceStatus, target)
