"""All code reads time here, so tests and the local cloud can move it.

Production: real UTC time. Local cloud: real time plus an offset kept in the JSON file named by
TESSERA_CLOCK_FILE ({"offset_seconds": …}), re-read only when the file changes. Tests: `frozen()`
and `advance()` override both."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

_override: datetime | None = None
_file_state: tuple[str, float, float] | None = None  # (path, mtime, offset)


def read_offset(path: str | Path) -> float:
    try:
        return float(json.loads(Path(path).read_text(encoding="utf-8"))["offset_seconds"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return 0.0


def _file_offset() -> float:
    global _file_state
    path = os.environ.get("TESSERA_CLOCK_FILE")
    if not path:
        return 0.0
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return 0.0
    if _file_state is None or _file_state[0] != path or _file_state[1] != mtime:
        _file_state = (path, mtime, read_offset(path))
    return _file_state[2]


def now() -> datetime:
    if _override is not None:
        return _override
    real = datetime.now(UTC)
    offset = _file_offset()
    return real + timedelta(seconds=offset) if offset else real


def today() -> date:
    return now().date()


def utcnow_iso() -> str:
    return now().isoformat().replace("+00:00", "Z")


def epoch_seconds() -> int:
    return int(now().timestamp())


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    global _override
    previous = _override
    _override = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        yield
    finally:
        _override = previous


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (tests)."""
    global _override
    if _override is None:
        raise RuntimeError("advance() needs a frozen clock")
    _override = _override + delta
