"""Boundary types shared by every context. E-mail is checked here rather than with email-validator:
the same practical rules (one @, a dotted domain, no spaces, RFC 5321 lengths), normalized to lower
case, without the extra cold-start cost."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9\u0400-\u04FF](?:[A-Za-z0-9\u0400-\u04FF-]{0,61}"
                    r"[A-Za-z0-9\u0400-\u04FF])?\.)+[A-Za-z\u0400-\u04FF]{2,63}$")


def normalize_email(value: str) -> str:
    value = value.strip()
    local, _, _domain = value.partition("@")
    if len(value) > 254 or len(local) > 64 or not _EMAIL.match(value) or ".." in value or local.startswith(".") \
            or local.endswith("."):
        raise PydanticCustomError("email_invalid", "not a valid e-mail address")
    return value.lower()


Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(normalize_email)]
