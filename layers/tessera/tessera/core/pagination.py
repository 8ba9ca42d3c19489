"""Cursor pagination: an opaque base64url token of the repository's last evaluated key. Kept apart
from the HTTP resolver so repositories (and the authorizer) do not import the web framework."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from tessera.core.errors import FieldError, ValidationFailed

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


def encode_cursor(position: dict[str, Any] | None) -> str | None:
    if not position:
        return None
    raw = json.dumps(position, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise ValidationFailed("The cursor is not valid.", code="invalid-cursor",
                               errors=[FieldError("query.cursor", "not a cursor this API issued", "invalid")]) from exc
    if not isinstance(value, dict):
        raise ValidationFailed("The cursor is not valid.", code="invalid-cursor")
    return value


def clamp_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LIMIT}.", code="invalid-limit",
                               errors=[FieldError("query.limit", f"between 1 and {MAX_LIMIT}", "range")])
    return limit


def page(items: list[Any], next_position: dict[str, Any] | None) -> dict[str, Any]:
    return {"items": items, "next_cursor": encode_cursor(next_position)}
