"""Boundary types shared by every context. E-mail addresses are checked by email-validator (syntax only,
no DNS lookup): ASCII mailboxes, which SES delivers, and any domain, Cyrillic ones too; normalized to
lower case."""

from __future__ import annotations

from typing import Annotated

import email_validator
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("local")  # the local cloud's and the demo accounts' domain


def normalize_email(value: str) -> str:
    try:
        checked = email_validator.validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except email_validator.EmailNotValidError:
        raise PydanticCustomError("email_invalid", "not a valid e-mail address") from None
    return checked.normalized.lower()


Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(normalize_email)]
