"""The subscription and invoice state machines: every pair of states is either in the table or a 409."""

import pytest

from tessera.billing.states import (
    INVOICE_MOVES,
    SUBSCRIPTION_MOVES,
    SUBSCRIPTION_STATES,
    InvalidTransition,
    can_move,
    move,
    move_invoice,
)
from tessera.core.i18n import translate

ALLOWED = {
    ("trial", "trial"), ("trial", "active"), ("trial", "past_due"), ("trial", "suspended"), ("trial", "canceled"),
    ("active", "active"), ("active", "past_due"), ("active", "canceled"),
    ("past_due", "past_due"), ("past_due", "active"), ("past_due", "suspended"), ("past_due", "canceled"),
    ("suspended", "active"), ("suspended", "canceled"),
}


@pytest.mark.parametrize("current", SUBSCRIPTION_STATES)
@pytest.mark.parametrize("target", SUBSCRIPTION_STATES)
def test_every_subscription_move_is_allowed_or_a_409(current: str, target: str) -> None:
    if (current, target) in ALLOWED:
        assert move(current, target) == target
    else:
        with pytest.raises(InvalidTransition) as caught:
            move(current, target)
        problem = caught.value.to_dict()
        assert (problem["status"], problem["code"]) == (409, "subscription-transition-invalid")
        assert (problem["current"], problem["target"]) == (current, target)


def test_the_table_covers_every_state_and_canceled_is_final() -> None:
    assert set(SUBSCRIPTION_MOVES) == set(SUBSCRIPTION_STATES)
    assert SUBSCRIPTION_MOVES["canceled"] == frozenset()
    assert not can_move("canceled", "active")


def test_a_suspended_subscription_is_restored_only_by_payment_not_by_changes() -> None:
    assert can_move("suspended", "active")
    assert not can_move("suspended", "suspended")  # no plan change, no renewal while suspended


def test_an_unknown_stored_state_moves_nowhere() -> None:
    assert not can_move("paused", "active")
    with pytest.raises(InvalidTransition):
        move("paused", "active")


def test_invoice_moves() -> None:
    assert move_invoice("draft", "issued") == "issued"
    assert move_invoice("issued", "paid") == "paid"
    assert move_invoice("issued", "void") == "void"
    for current in ("paid", "void"):
        assert INVOICE_MOVES[current] == frozenset()
        with pytest.raises(InvalidTransition) as caught:
            move_invoice(current, "issued")
        assert caught.value.code == "invoice-transition-invalid"
    with pytest.raises(InvalidTransition):
        move_invoice("draft", "paid")  # an invoice is paid only once it has a number


def test_the_problem_reads_in_both_languages() -> None:
    fields = {"current": "canceled", "target": "active"}
    assert translate("subscription-transition-invalid", "ru", fields) == \
        "Подписка в состоянии «canceled» не может перейти в «active»."
    assert translate("subscription-transition-invalid", "en", fields) == \
        "A subscription that is canceled cannot become active."
