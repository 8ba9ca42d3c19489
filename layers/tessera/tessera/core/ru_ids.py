"""Russian company identifiers with their checksums: ИНН (10 digits for organizations, 12 for
individuals), КПП, ОГРН (13) and ОГРНИП (15). Pydantic types give clear messages at the boundary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from tessera.core.i18n import FIELD_MESSAGES, register_fields

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def valid_inn(value: str) -> bool:
    if not value.isdigit() or not value.isascii():
        return False
    if len(value) == 10:
        return _check(value, _INN10) == int(value[9])
    if len(value) == 12:
        return _check(value, _INN12_1) == int(value[10]) and _check(value, _INN12_2) == int(value[11])
    return False


def valid_kpp(value: str) -> bool:
    return bool(_KPP.match(value))


def valid_ogrn(value: str) -> bool:
    if not value.isdigit() or not value.isascii():
        return False
    if len(value) == 13:
        return int(value[:12]) % 11 % 10 == int(value[12])
    if len(value) == 15:
        return int(value[:14]) % 13 % 10 == int(value[14])
    return False


register_fields({
    "inn_invalid": {"ru": "Неверный ИНН: 10 или 12 цифр с верной контрольной суммой.",
                    "en": "Not a valid ИНН: 10 or 12 digits with a correct checksum."},
    "kpp_invalid": {"ru": "Неверный КПП: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры.",
                    "en": "Not a valid КПП: 4 digits, 2 digits or capital letters, 3 digits."},
    "ogrn_invalid": {"ru": "Неверный ОГРН: 13 (ОГРН) или 15 (ОГРНИП) цифр с верной контрольной суммой.",
                     "en": "Not a valid ОГРН: 13 (ОГРН) or 15 (ОГРНИП) digits with a correct checksum."},
})


def _validator(check: Callable[[str], bool], code: str) -> Callable[[str], str]:
    def validate(value: str) -> str:
        value = value.strip()
        if not check(value):  # the message never repeats the value
            raise PydanticCustomError(code, FIELD_MESSAGES[code]["en"])
        return value

    return validate


INN = Annotated[str, AfterValidator(_validator(valid_inn, "inn_invalid"))]
KPP = Annotated[str, AfterValidator(_validator(valid_kpp, "kpp_invalid"))]
OGRN = Annotated[str, AfterValidator(_validator(valid_ogrn, "ogrn_invalid"))]
