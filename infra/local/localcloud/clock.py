"""The platform clock, shared with every function process through one small file.

`tessera.core.clock` reads the same file (env TESSERA_CLOCK_FILE), so moving time here moves it for
every handler, the scheduler and the /_local pages at once."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path


class PlatformClock:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def offset_seconds(self) -> float:
        try:
            return float(json.loads(self.path.read_text(encoding="utf-8"))["offset_seconds"])
        except (FileNotFoundError, ValueError, KeyError):
            return 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(datetime.now(UTC).timestamp() + self.offset_seconds, UTC)

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _write(self, offset: float) -> None:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".clock")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"offset_seconds": offset}, handle)
            os.replace(tmp, self.path)
        for listener in self._listeners:
            listener()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the platform clock only moves forward")
        self._write(self.offset_seconds + seconds)

    def set(self, moment: datetime) -> None:
        target = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        offset = target.timestamp() - datetime.now(UTC).timestamp()
        if offset < self.offset_seconds - 1:
            raise ValueError("the platform clock only moves forward")
        self._write(offset)

    def reset(self) -> None:
        self._write(0.0)
