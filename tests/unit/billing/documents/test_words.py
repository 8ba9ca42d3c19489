import datetime as dt

import pytest

from tessera.billing.documents.words import amount_in_words, date_ru
from tessera.core.money import Money


@pytest.mark.parametrize("kopecks, words", [
    (0, "Ноль рублей 00 копеек"),
    (100, "Один рубль 00 копеек"),
    (200, "Два рубля 00 копеек"),
    (500, "Пять рублей 00 копеек"),
    (1100, "Одиннадцать рублей 00 копеек"),
    (2100, "Двадцать один рубль 00 копеек"),
    (100_000_000, "Один миллион рублей 00 копеек"),
    (1, "Ноль рублей 01 копейка"),
    (2, "Ноль рублей 02 копейки"),
    (5, "Ноль рублей 05 копеек"),
    (11, "Ноль рублей 11 копеек"),
    (21, "Ноль рублей 21 копейка"),
    (999_000, "Девять тысяч девятьсот девяносто рублей 00 копеек"),
    (200_000, "Две тысячи рублей 00 копеек"),
    (1_220_000, "Двенадцать тысяч двести рублей 00 копеек"),
    (2_998_830, "Двадцать девять тысяч девятьсот восемьдесят восемь рублей 30 копеек"),
])
def test_amount_in_words(kopecks: int, words: str) -> None:
    assert amount_in_words(Money(kopecks)) == words


def test_only_rubles_and_never_negative() -> None:
    with pytest.raises(ValueError):
        amount_in_words(Money(100, "USD"))
    with pytest.raises(ValueError):
        amount_in_words(Money(-100))


def test_dates_in_russian() -> None:
    assert date_ru(dt.date(2026, 12, 3)) == "3 декабря 2026 г."
    assert date_ru(dt.date(2026, 5, 31)) == "31 мая 2026 г."
