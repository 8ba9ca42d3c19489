from decimal import Decimal

import pytest

from tessera.core.money import NBSP, Money


def test_from_rubles_is_exact() -> None:
    assert Money.from_rubles("1234.56").kopecks == 123456
    assert Money.from_rubles(Decimal("0.1")) + Money.from_rubles(Decimal("0.2")) == Money.from_rubles("0.3")
    with pytest.raises(ValueError, match="fractions of a kopeck"):
        Money.from_rubles("1.005")
    with pytest.raises(ValueError, match="not an amount"):
        Money.from_rubles("abc")


def test_floats_and_bools_are_refused() -> None:
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]


def test_currencies_do_not_mix() -> None:
    with pytest.raises(ValueError, match="cannot combine"):
        Money(100) + Money(100, "USD")
    with pytest.raises(ValueError):
        Money(100, "rub")


def test_prorate_rounds_half_even() -> None:
    assert Money(100).prorate(1, 3).kopecks == 33
    assert Money(5).prorate(1, 2).kopecks == 2   # 2.5 → 2
    assert Money(15).prorate(1, 2).kopecks == 8  # 7.5 → 8
    assert Money(99_900).prorate(10, 30) == Money(33_300)
    with pytest.raises(ValueError):
        Money(1).prorate(1, 0)


def test_vat() -> None:
    assert Money(12_200).vat_included(22) == Money(2_200)
    assert Money(10_000).vat_on_top(22) == Money(2_200)
    assert Money(100).vat_included(20).kopecks == 17  # 16.67


def test_formatting() -> None:
    assert Money(123_456_789).format_ru() == f"1{NBSP}234{NBSP}567,89{NBSP}₽"
    assert Money(-5).format_ru() == f"-0,05{NBSP}₽"
    assert Money(123_456_789).format_en() == "RUB 1,234,567.89"
    assert Money(100, "USD").format_ru() == f"1,00{NBSP}USD"
