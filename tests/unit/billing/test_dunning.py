"""The dunning run's decision after each charge, the task input it accepts, and its e-mails in both
languages."""

import pytest
from pydantic import ValidationError

from tessera.billing.dunning import Step, decide
from tessera.notify.rendering import render


@pytest.mark.parametrize(("status", "decline", "tries", "expected"), [
    ("succeeded", None, 1, "paid"),
    ("succeeded", None, 3, "paid"),
    ("canceled", "retry", 1, "retry"),  # insufficient funds: again after the interval
    ("canceled", "retry", 2, "retry"),
    ("canceled", "retry", 3, "grace"),  # the third decline uses the tries up
    ("canceled", None, 3, "grace"),
    ("canceled", "new_card", 1, "new_card"),  # expired card: never retried, whatever tries are left
    ("canceled", "stop", 1, "stop"),  # consent withdrawn or fraud: never charged again
    ("canceled", "stop", 3, "stop"),
])
def test_the_next_move_after_a_charge(status, decline, tries, expected) -> None:
    assert decide(status, decline, tries, 3) == expected


def test_fewer_attempts_from_input_reach_grace_sooner() -> None:
    assert decide("canceled", "retry", 1, 1) == "grace"


@pytest.mark.parametrize("bad", [
    {"action": "refund", "invoice_id": "inv_1"},  # not a step
    {"action": "check", "invoice_id": "inv_1", "extra": 1},  # unknown field
    {"action": "check", "invoice_id": "INV#1"},  # not an invoice id: never reaches a key
    {"action": "charge", "invoice_id": "inv_1", "attempt": 0},
    {"action": "notify", "invoice_id": "inv_1", "step": "maybe"},
])
def test_a_malformed_step_is_refused(bad) -> None:
    with pytest.raises(ValidationError):
        Step.model_validate(bad)


CONTEXT = {"invoice_number": 17, "amount": "9 990.00", "currency": "RUB", "tries": 2, "max_attempts": 3,
           "decline": "insufficient_funds", "next_try_on": "2026-03-04", "grace_until": "2026-03-11",
           "pay_link": "http://127.0.0.1:8080/app/billing"}


@pytest.mark.parametrize(("step", "ru", "en"), [
    ("declined", "Попытка 2 из 3", "Attempt 2 of 3"),
    ("new_card", "другой картой до 11.03.2026", "another card by 2026-03-11"),
    ("grace", "до 11.03.2026", "until 2026-03-11"),
    ("suspended", "доступ приостановлен", "access is suspended"),
    ("restored", "Доступ восстановлен", "Access is fully restored"),
])
def test_each_dunning_step_has_its_own_mail_in_russian_and_english(step, ru, en) -> None:
    russian = render("billing_dunning", "ru", {**CONTEXT, "step": step})
    english = render("billing_dunning", "en", {**CONTEXT, "step": step})
    assert ru in russian.html and en in english.html
    assert "№ 17" in russian.subject and "No. 17" in english.subject
    assert ("Оплатить счёт" in russian.html) == (step != "restored")


def test_the_declined_mail_dates_the_next_try_per_language() -> None:
    assert "04.03.2026" in render("billing_dunning", "ru", {**CONTEXT, "step": "declined"}).text
    assert "2026-03-04" in render("billing_dunning", "en", {**CONTEXT, "step": "declined"}).text


@pytest.mark.parametrize(("step", "ru", "en"), [
    ("offer", "только для чтения", "read-only"),
    ("blocked", "данные сохранены", "data kept"),
])
def test_the_trial_mails(step, ru, en) -> None:
    context = {"step": step, "plan": "fastlead_pro", "plan_ru": "Про", "plan_en": "Pro", "invoice_number": 3,
               "amount": "9 990.00", "blocked_on": "2026-03-22", "pay_link": "http://x/app/billing"}
    russian, english = render("billing_trial", "ru", context).text, render("billing_trial", "en", context).text
    assert ru in russian and "«Про»" in russian and "fastlead_pro" not in russian
    assert en in english and "“Pro”" in english and "fastlead_pro" not in english
