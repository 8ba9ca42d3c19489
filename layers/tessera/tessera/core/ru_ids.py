"""Russian company identifiers: ИНН (10 digits for organizations, 12 for individuals) and ОГРН (13) /
ОГРНИП (15) with their checksums, by python-stdnum, and КПП (no checksum: its format). Pydantic types
give clear messages at the boundary and keep the compact form (digits only)."""

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
