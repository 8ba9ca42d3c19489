"""Identifiers: ULIDs with a type prefix (`acc_01J…`), ordered by platform time, and secrets that are
shown once and stored only as SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets

from snapshot_restore_py import register_after_restore
from ulid import LaxMonotonicPolicy, ULIDGenerator

from tessera.core import clock

_PREFIX = re.compile(r"^[a-z][a-z0-9]{1,7}$")


def _platform_milliseconds() -> int:
    return int(clock.now().timestamp() * 1000)


def _generator() -> ULIDGenerator:
    # Monotonic: within one millisecond (or under a frozen clock) each id is the previous one plus one,
    # so ids made one after another keep their order (should the 80 random bits overflow, it draws anew).
    return ULIDGenerator(clock=_platform_milliseconds, policy=LaxMonotonicPolicy())


generator = _generator()


@register_after_restore
def reset() -> None:
    """Forget the last id made. SnapStart: every environment restored from one snapshot would go on from
    the snapshot's newest id, and within its millisecond all would mint the same "previous + 1"."""
    global generator
    generator = _generator()


def new_id(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError(f"id prefix {prefix!r} must be 2–8 lowercase letters or digits")
    return f"{prefix}_{generator.generate()}"


def new_secret_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
