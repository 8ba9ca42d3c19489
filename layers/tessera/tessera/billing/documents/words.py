"""Amounts in words and dates as Russian documents print them."""

from __future__ import annotations

import datetime as dt

from num2words import num2words

from tessera.core.money import Money

_MONTHS_GENITIVE = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                    "октября", "ноября", "декабря")


def amount_in_words(amount: Money) -> str:
    """"Девять тысяч девятьсот девяносто рублей 00 копеек": rubles in words, kopecks in digits."""
    if amount.currency != "RUB":
        raise ValueError("amounts in words are in rubles")
    if amount.kopecks < 0:
        raise ValueError("a document's amount is not negative")
    # num2words reads an int as minor units (kopecks) and declines рубль / копейка by the number.
    text = num2words(amount.kopecks, lang="ru", to="currency", currency="RUB", cents=False, separator="")
    return text[0].upper() + text[1:]


def date_ru(day: dt.date) -> str:
    """"3 декабря 2026 г."."""
    return f"{day.day} {_MONTHS_GENITIVE[day.month - 1]} {day.year} г."
