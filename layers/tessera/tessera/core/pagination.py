"""Cursor pagination. A cursor is where a list stopped (DynamoDB's LastEvaluatedKey, or what a
repository needs to resume), as a JWT (HS256, PyJWT) under a key derived from the deployment's cursor
secret and the list (`scope`: the partition and conditions of the query): callers cannot read meaning
into it, and one that was altered, forged, or issued for another list answers 400 `invalid-cursor`
instead of steering a query somewhere else. Kept apart from the HTTP resolver so repositories use it too."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import jwt
from aws_lambda_powertools.utilities import parameters
from pydantic import Field

from tessera.core.errors import BadRequest, FieldError, ValidationFailed
from tessera.core.settings import CoreSettings, get_settings
from tessera.core.snapstart import fetched_ahead

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
# Read once a day at most: rotating the secret only ends the paging of lists opened before it.
SECRET_MAX_AGE_SECONDS = 86_400


class PaginationSettings(CoreSettings):
    cursor_secret_arn: str = Field(validation_alias="CURSOR_SECRET_ARN")


class InvalidCursor(BadRequest):
    def __init__(self, why: str = "not a cursor this API issued") -> None:
        super().__init__("The cursor is not valid: start the list from the beginning.", code="invalid-cursor",
                         errors=[FieldError("query.cursor", why, "invalid")])


def _secret() -> bytes:
    value = parameters.get_secret(get_settings(PaginationSettings).cursor_secret_arn, max_age=SECRET_MAX_AGE_SECONDS)
    return value.encode() if isinstance(value, str) else value


fetched_ahead(_secret)  # Powertools' cache expires by the wall clock: a restore reads it again only when due


def _key(scope: str) -> bytes:
    return hmac.new(_secret(), scope.encode(), hashlib.sha256).digest()


def encode_cursor(position: dict[str, Any] | None, scope: str = "") -> str | None:
    return jwt.encode(position, _key(scope), algorithm="HS256") if position else None


def decode_cursor(cursor: str | None, scope: str = "") -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        return dict(jwt.decode(cursor, _key(scope), algorithms=["HS256"]))
    except jwt.PyJWTError as exc:
        raise InvalidCursor() from exc


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid-limit",
                               errors=[FieldError("query.limit", f"between 1 and {MAX_LIMIT}", "range")])
    return limit
