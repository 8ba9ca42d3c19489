"""Identifiers: ULIDs with a type prefix (`acc_01J…`), ordered by platform time, and secrets that are
shown once and stored only as SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading

from snapshot_restore_py import register_after_restore

from tessera.core import clock
from tessera.core.errors import FieldError, ValidationFailed

_PREFIX = re.compile(r"^[a-z][a-z0-9]{1,7}$")
_ID = re.compile(r"^(?P<prefix>[a-z][a-z0-9]{1,7})_(?P<ulid>[0-9A-HJKMNP-TV-Z]{26})$")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_lock = threading.Lock()


_last = [0, 0]  # the newest (milliseconds, random part) this process made


def ulid(milliseconds: int) -> str:
    """A ULID (https://github.com/ulid/spec): 48 bits of Unix milliseconds, then 80 random bits, in
    Crockford base32; sorts by time as text. Monotonic per process as the spec describes: within one
    millisecond (or under a frozen clock) the random part of the previous id plus one, so ids made one
    after another keep their order. Ours in a few lines: python-ulid cost 20 ms of cold import."""
    with _lock:
        randomness = _last[1] + 1 if milliseconds == _last[0] else secrets.randbits(80)
        _last[0], _last[1] = milliseconds, randomness
    value = (milliseconds << 80) | randomness
    return "".join(CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


@register_after_restore
def forget_last_ulid() -> None:
    """SnapStart: every environment restored from one snapshot would go on from the snapshot's newest id,
    and within its millisecond all would mint the same "previous + 1"."""
    with _lock:
        _last[0], _last[1] = 0, 0


def new_id(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError(f"id prefix {prefix!r} must be 2–8 lowercase letters or digits")
    return f"{prefix}_{ulid(int(clock.now().timestamp() * 1000))}"


def parse_id(value: str, prefix: str, *, field: str = "id") -> str:
    match = _ID.match(value or "")
    if not match or match.group("prefix") != prefix:
        raise ValidationFailed(f"{field} is not a valid {prefix}_… identifier.", code="invalid-id",
                               errors=[FieldError(field, f"expected {prefix}_ followed by a ULID", "invalid-id")])
    return value


def new_secret_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
