"""Russian company identifiers: ИНН (10 digits for organizations, 12 for individuals) and ОГРН (13) /
ОГРНИП (15) with their checksums, by python-stdnum, КПП (no checksum: its format), and a bank's БИК with
the control keys of its accounts (python-stdnum has no Russian bank numbers). Pydantic types give clear
messages at the boundary and keep the compact form (digits only)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from stdnum.exceptions import ValidationError
from stdnum.ru import inn, ogrn

from tessera.core.i18n import FIELD_MESSAGES, register_fields

_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def validate_kpp(value: str) -> str:
    value = value.strip()
    if not _KPP.match(value):
        raise ValidationError()
    return value


register_fields({
    "inn_invalid": {"ru": "Неверный ИНН: 10 или 12 цифр с верной контрольной суммой.",
                    "en": "Not a valid ИНН: 10 or 12 digits with a correct checksum."},
    "kpp_invalid": {"ru": "Неверный КПП: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры.",
                    "en": "Not a valid КПП: 4 digits, 2 digits or capital letters, 3 digits."},
    "ogrn_invalid": {"ru": "Неверный ОГРН: 13 (ОГРН) или 15 (ОГРНИП) цифр с верной контрольной суммой.",
                     "en": "Not a valid ОГРН: 13 (ОГРН) or 15 (ОГРНИП) digits with a correct checksum."},
})


def _validator(validate: Callable[[str], str], code: str) -> Callable[[str], str]:
    def checked(value: str) -> str:
        try:
            return validate(value)
        except ValidationError:  # the message never repeats the value
            raise PydanticCustomError(code, FIELD_MESSAGES[code]["en"]) from None

    return checked


INN = Annotated[str, AfterValidator(_validator(inn.validate, "inn_invalid"))]
KPP = Annotated[str, AfterValidator(_validator(validate_kpp, "kpp_invalid"))]
OGRN = Annotated[str, AfterValidator(_validator(ogrn.validate, "ogrn_invalid"))]


# Bank details. БИК: 9 digits. A 20-digit account's control key (its 9th digit) is checked together with
# the bank's БИК, as the Bank of Russia prescribes: the 3 digits of the bank's conditional number, then the
# 20 digits of the account, weighted 7, 1, 3, 7, 1, 3, …; the weighted sum ends in 0. The conditional
# number is the БИК's last 3 digits for a settlement account, and "0" + its 5th–6th digits for the
# bank's correspondent account at the Bank of Russia, which also ends in the БИК's last 3 digits (true of
# credit institutions' accounts, which are the ones on a seller's documents; not of treasury accounts).
_BIK = re.compile(r"^\d{9}$")
_ACCOUNT = re.compile(r"^\d{20}$")
_KEY_WEIGHTS = ((7, 1, 3) * 8)[:23]  # 3 digits of the bank + 20 of the account


def validate_bik(value: str) -> str:
    value = value.strip()
    if not _BIK.match(value):
        raise ValidationError()
    return value


def _key_matches(bank_number: str, account: str) -> bool:
    return sum(int(digit) * weight for digit, weight in zip(bank_number + account, _KEY_WEIGHTS, strict=True)) % 10 == 0


def settlement_account_matches(account: str, bik: str) -> bool:
    """Whether a расчётный счёт (20 digits) belongs to a bank with this БИК by its control key."""
    return bool(_ACCOUNT.match(account)) and _key_matches(bik[-3:], account)


def correspondent_account_matches(account: str, bik: str) -> bool:
    """Whether a корреспондентский счёт is the Bank of Russia account of the bank with this БИК."""
    return bool(_ACCOUNT.match(account)) and account.endswith(bik[-3:]) and _key_matches("0" + bik[4:6], account)


register_fields({
    "bik_invalid": {"ru": "Неверный БИК: 9 цифр.", "en": "Not a valid БИК: 9 digits."},
    "account_invalid": {"ru": "Неверный расчётный счёт: 20 цифр, контрольный ключ должен сходиться с БИК банка.",
                        "en": "Not a valid settlement account: 20 digits whose control key matches the bank's БИК."},
    "corr_account_invalid": {
        "ru": "Неверный корреспондентский счёт: 20 цифр, контрольный ключ должен сходиться с БИК банка.",
        "en": "Not a valid correspondent account: 20 digits whose control key matches the bank's БИК."},
})

BIK = Annotated[str, AfterValidator(_validator(validate_bik, "bik_invalid"))]
