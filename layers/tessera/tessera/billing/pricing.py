"""Periods and plan-change pricing: pure functions of money and time (the service stores the result)."""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from tessera.core.money import Money

DAY = timedelta(days=1)

ChangeKind = Literal["upgrade", "downgrade", "same", "trial"]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the month's last day (Jan 31 → Feb 28)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def whole_days(span: timedelta) -> int:
    """Days a span covers, a started day counting as a day (never negative)."""
    return max(0, math.ceil(span / DAY))


@dataclass(frozen=True)
class PlanChangeQuote:
    """What a plan change costs now and when it takes effect.

    upgrade: now, charging the price difference for the days left of the period;
    downgrade: at the period's end, nothing now; same price: now, nothing to pay;
    trial: now, nothing to pay (the first payment is at the plan's price)."""

    kind: ChangeKind
    amount_now: Money
    effective_at: datetime
    days_left: int
    period_days: int


def quote_plan_change(*, current_price: Money, new_price: Money, in_trial: bool, period_start: datetime,
                      period_end: datetime, now: datetime) -> PlanChangeQuote:
    period_days = max(1, whole_days(period_end - period_start))
    days_left = min(period_days, whole_days(period_end - now))
    if in_trial:
        return PlanChangeQuote("trial", Money.zero(new_price.currency), now, days_left, period_days)
    difference = new_price - current_price
    if difference.kopecks > 0:
        return PlanChangeQuote("upgrade", difference.prorate(days_left, period_days), now, days_left, period_days)
    if difference.kopecks < 0:
        return PlanChangeQuote("downgrade", Money.zero(new_price.currency), period_end, days_left, period_days)
    return PlanChangeQuote("same", Money.zero(new_price.currency), now, days_left, period_days)


@dataclass(frozen=True)
class Line:
    """One invoice line in kopecks; `vat` is the VAT inside `amount` (prices include VAT), 0 without."""

    description: str
    quantity: int
    unit_price: Money
    vat_rate: int | None

    @property
    def amount(self) -> Money:
        return self.unit_price * self.quantity

    @property
    def vat(self) -> Money:
        return self.amount.vat_included(self.vat_rate) if self.vat_rate else Money.zero(self.amount.currency)


def totals(lines: list[Line]) -> tuple[Money, Money]:
    """(total, VAT inside it): VAT per line, then summed, as the closing documents show it."""
    currency = lines[0].unit_price.currency if lines else "RUB"
    total, vat = Money.zero(currency), Money.zero(currency)
    for line in lines:
        total, vat = total + line.amount, vat + line.vat
    return total, vat
