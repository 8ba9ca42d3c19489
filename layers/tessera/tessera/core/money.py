"""Money as integer kopecks. Never floats: every amount, VAT split and proration is exact."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

NBSP = "\u00a0"  # Russian typography: non-breaking space between digit groups and before ₽


def _round_half_even(value: Fraction) -> int:
    whole, remainder = divmod(value.numerator, value.denominator)
    twice = 2 * remainder
    if twice > value.denominator or (twice == value.denominator and whole % 2 == 1):
        whole += 1
    return whole


@dataclass(frozen=True, slots=True)
class Money:
    kopecks: int
    currency: str = "RUB"

    def __post_init__(self) -> None:
        if not isinstance(self.kopecks, int) or isinstance(self.kopecks, bool):
            raise TypeError("Money holds integer kopecks")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise ValueError(f"currency {self.currency!r} is not an ISO 4217 code")

    @classmethod
    def from_rubles(cls, rubles: Decimal | str | int, currency: str = "RUB") -> Money:
        try:
            amount = Decimal(str(rubles)) * 100
        except InvalidOperation as exc:
            raise ValueError(f"{rubles!r} is not an amount") from exc
        if amount != amount.to_integral_value():
            raise ValueError(f"{rubles!r} has fractions of a kopeck")
        return cls(int(amount), currency)

    @classmethod
    def zero(cls, currency: str = "RUB") -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.kopecks + other.kopecks, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.kopecks - other.kopecks, self.currency)

    def __mul__(self, times: int) -> Money:
        if not isinstance(times, int):
            raise TypeError("multiply money by an integer (use prorate for fractions)")
        return Money(self.kopecks * times, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.kopecks, self.currency)

    def prorate(self, numerator: int, denominator: int) -> Money:
        """The share numerator/denominator of this amount (e.g. unused days of a period), half-even."""
        if denominator <= 0 or numerator < 0:
            raise ValueError("prorate needs 0 ≤ numerator and a positive denominator")
        return Money(_round_half_even(Fraction(self.kopecks * numerator, denominator)), self.currency)

    def vat_included(self, rate_percent: int) -> Money:
        """The VAT inside this gross amount (22 % standard from 2026): gross × rate / (100 + rate)."""
        return Money(_round_half_even(Fraction(self.kopecks * rate_percent, 100 + rate_percent)), self.currency)

    def vat_on_top(self, rate_percent: int) -> Money:
        """The VAT to add to this net amount."""
        return Money(_round_half_even(Fraction(self.kopecks * rate_percent, 100)), self.currency)

    @property
    def rubles(self) -> Decimal:
        return Decimal(self.kopecks) / 100

    def _grouped(self, separator: str) -> tuple[str, str, str]:
        sign = "-" if self.kopecks < 0 else ""
        whole, part = divmod(abs(self.kopecks), 100)
        return sign, f"{whole:,}".replace(",", separator), f"{part:02d}"

    def format_ru(self) -> str:
        sign, whole, part = self._grouped(NBSP)
        symbol = "₽" if self.currency == "RUB" else self.currency
        return f"{sign}{whole},{part}{NBSP}{symbol}"

    def format_en(self) -> str:
        sign, whole, part = self._grouped(",")
        return f"{sign}{self.currency} {whole}.{part}"
