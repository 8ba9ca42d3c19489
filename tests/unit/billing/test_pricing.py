"""Periods and the price of a plan change: exact kopecks, half-even, days counted as started."""

from datetime import UTC, datetime, timedelta

import pytest

from tessera.billing.pricing import Line, add_months, quote_plan_change, totals, whole_days
from tessera.core.money import Money

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
END = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)  # a 30-day period
PRO, START_PLAN, BUSINESS = Money(999_000), Money(499_000), Money(1_999_000)


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 1, 15, tzinfo=UTC), 1, datetime(2026, 2, 15, tzinfo=UTC)),
    (datetime(2026, 1, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
    (datetime(2028, 1, 31, tzinfo=UTC), 1, datetime(2028, 2, 29, tzinfo=UTC)),  # leap year
    (datetime(2026, 12, 10, tzinfo=UTC), 1, datetime(2027, 1, 10, tzinfo=UTC)),
    (datetime(2026, 11, 30, tzinfo=UTC), 3, datetime(2027, 2, 28, tzinfo=UTC)),
    (datetime(2026, 5, 5, tzinfo=UTC), 12, datetime(2027, 5, 5, tzinfo=UTC)),
])
def test_add_months(moment: datetime, months: int, expected: datetime) -> None:
    assert add_months(moment, months) == expected


def test_a_started_day_counts() -> None:
    assert whole_days(timedelta(days=2, seconds=1)) == 3
    assert whole_days(timedelta(days=2)) == 2
    assert whole_days(timedelta(seconds=-5)) == 0


def test_an_upgrade_charges_the_difference_for_the_days_left() -> None:
    quote = quote_plan_change(current_price=START_PLAN, new_price=PRO, in_trial=False, period_start=START,
                              period_end=END, now=START + timedelta(days=10))
    assert (quote.kind, quote.days_left, quote.period_days) == ("upgrade", 20, 30)
    assert quote.amount_now == Money(333_333)  # 5 000 ₽ × 20/30 = 3 333,333… → 3 333,33
    assert quote.effective_at == START + timedelta(days=10)


def test_proration_rounds_half_even() -> None:
    # a difference of 3 or 5 kopecks over 1 day of 2 ends in exactly half a kopeck
    quote = quote_plan_change(current_price=Money(0), new_price=Money(3), in_trial=False, period_start=START,
                              period_end=START + timedelta(days=2), now=START + timedelta(days=1))
    assert quote.amount_now == Money(2)  # 3 × 1/2 = 1.5 → 2 (half to even)
    quote = quote_plan_change(current_price=Money(0), new_price=Money(5), in_trial=False, period_start=START,
                              period_end=START + timedelta(days=2), now=START + timedelta(days=1))
    assert quote.amount_now == Money(2)  # 2.5 → 2


def test_an_upgrade_on_the_first_day_costs_the_whole_difference_and_a_part_day_counts_as_a_day() -> None:
    quote = quote_plan_change(current_price=PRO, new_price=BUSINESS, in_trial=False, period_start=START,
                              period_end=END, now=START)
    assert quote.amount_now == Money(1_000_000)
    hour_in = quote_plan_change(current_price=PRO, new_price=BUSINESS, in_trial=False, period_start=START,
                                period_end=END, now=START + timedelta(hours=1))
    assert hour_in.days_left == 30 and hour_in.amount_now == Money(1_000_000)


def test_a_downgrade_waits_for_the_period_end_and_costs_nothing_now() -> None:
    quote = quote_plan_change(current_price=BUSINESS, new_price=START_PLAN, in_trial=False, period_start=START,
                              period_end=END, now=START + timedelta(days=3))
    assert (quote.kind, quote.amount_now, quote.effective_at) == ("downgrade", Money(0), END)


def test_in_a_trial_any_change_is_free_and_immediate() -> None:
    now = START + timedelta(days=5)
    quote = quote_plan_change(current_price=START_PLAN, new_price=BUSINESS, in_trial=True, period_start=START,
                              period_end=START + timedelta(days=14), now=now)
    assert (quote.kind, quote.amount_now, quote.effective_at) == ("trial", Money(0), now)


def test_after_the_period_end_nothing_is_left_to_charge() -> None:
    quote = quote_plan_change(current_price=START_PLAN, new_price=PRO, in_trial=False, period_start=START,
                              period_end=END, now=END + timedelta(days=1))
    assert (quote.kind, quote.days_left, quote.amount_now) == ("upgrade", 0, Money(0))


def test_totals_take_vat_per_line_inside_the_price() -> None:
    lines = [Line("Про", 1, Money(1_220_000), 22), Line("Старт", 2, Money(499_000), 22),
             Line("Без НДС", 1, Money(10_000), None)]
    total, vat = totals(lines)
    assert total == Money(1_220_000 + 998_000 + 10_000)
    assert lines[0].vat == Money(220_000)  # 12 200 ₽ incl. 22 % → 2 200 ₽
    assert lines[1].vat == Money(179_967)  # 9 980 ₽ × 22/122 = 1 799,672… → 1 799,67
    assert vat == Money(220_000 + 179_967)
    assert totals([]) == (Money(0), Money(0))
