"""Cursor pagination. A cursor is where a list stopped (DynamoDB's LastEvaluatedKey, or what a
repository needs to resume), as base64url JSON with an HMAC-SHA256 tag under the deployment's cursor
secret: callers cannot read meaning into it, and one that was altered, forged, or issued for another
list (`scope`: the partition and conditions of the query) answers 400 `invalid-cursor` instead of
steering a query somewhere else. Kept apart from the HTTP resolver so repositories use it too."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from aws_lambda_powertools.utilities import parameters
from pydantic import Field

from tessera.core.errors import BadRequest, FieldError, ValidationFailed
from tessera.core.settings import CoreSettings, get_settings

MAX_LIMIT = 100
DEFAULT_LIMIT = 25
TAG_BYTES = 16
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


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _tag(payload: str, scope: str) -> bytes:
    return hmac.new(_secret(), f"{scope}\n{payload}".encode(), hashlib.sha256).digest()[:TAG_BYTES]


def encode_cursor(position: dict[str, Any] | None, scope: str = "") -> str | None:
    if not position:
        return None
    payload = _b64(json.dumps(position, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_b64(_tag(payload, scope))}"


def decode_cursor(cursor: str | None, scope: str = "") -> dict[str, Any] | None:
    if not cursor:
        return None
    payload, _, tag = cursor.partition(".")
    try:
        genuine = hmac.compare_digest(_unb64(tag), _tag(payload, scope))
    except ValueError:  # not base64 (binascii.Error), or not ASCII
        genuine = False
    if not genuine:
        raise InvalidCursor()
    value = json.loads(_unb64(payload))
    if not isinstance(value, dict):
        raise InvalidCursor()
    return value


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid-limit",
                               errors=[FieldError("query.limit", f"between 1 and {MAX_LIMIT}", "range")])
    return limit
